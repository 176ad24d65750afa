// The dashboard end to end in Chromium: run a comparison and see the charts;
// the form has an input for every field of the scenario schema; editing a
// nested field updates the command line; the CSV download has one row per
// run; a schema error shows in the alert; a running sweep can be cancelled.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/scenario/errors.js';
import { loadScenario } from '../src/scenario/loader.js';
import { scenarioJsonSchema } from '../src/scenario/export-json-schema.js';
import { KERNEL_VERSIONS } from '../src/scenario/schema.js';
import { startServer, type RunningServer } from '../src/web/server.js';
import { collectPageErrors, launchChromium } from './fixtures/browser.js';
import { fixtureRunner } from './fixtures/run-records.js';

// Where the runs come from: the simulator itself, or a fake runner (25 ms
// per run) to test the page apart from the model. Edit the value to switch;
// the `as` keeps the type wide so both branches stay type-checked.
const RECORDS = 'simulator' as 'fixture' | 'simulator';
const SCENARIO = 'exit-one';

let server: RunningServer;
let browser: Browser;
let page: Page;
let errors: string[];
const external: string[] = [];

beforeAll(async () => {
  server = await startServer({ port: 0, ...(RECORDS === 'fixture' ? { runner: fixtureRunner(25) } : {}) });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = collectPageErrors(page);
  const origin = new URL(server.url).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    external.push(url);
    return route.abort();
  });
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function choose(policies: string[], seeds: number, scenario = SCENARIO) {
  await page.selectOption('#scenario', scenario);
  for (const box of await page.locator('#policies input[type="checkbox"]').all()) {
    await box.setChecked(policies.includes((await box.getAttribute('value'))!));
  }
  await page.fill('#seeds', String(seeds));
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
}

/** Every settable leaf of the schema, as a --set path (objects are walked; unions and lists are leaves). */
function leafPaths(node: SchemaNode, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return child.type === 'object' && child.properties && !child.anyOf ? leafPaths(child, path) : [path];
  });
}

/** Open a group of the form (they start closed), as a user would: click its summary. */
async function openGroup(name: string) {
  const group = page.locator(`#fields details[data-group="${name}"]`);
  if ((await group.getAttribute('open')) === null) await group.locator(':scope > summary').click();
}

async function waitForCommand(expected: string) {
  await page
    .waitForFunction((text) => document.getElementById('command')!.textContent === text, expected, { timeout: 10_000 })
    .catch(async () => {
      throw new Error(`command line is ${JSON.stringify(await page.textContent('#command'))}, expected ${JSON.stringify(expected)}`);
    });
}

describe('dashboard', () => {
  it('runs a comparison and draws the charts', async () => {
    const policies = ['sync', 'async-mmu-gather'];
    await choose(policies, 2);
    await page.click('#run');
    await page.waitForSelector('#results [data-chart="release-cdf"][data-drawn="1"]', { timeout: 90_000 });
    expect(await page.textContent('#status')).toBe('Done: 4 runs.');
    const charts = await page.$$eval('#results [data-chart]', (els) =>
      els.map((e) => ({ name: e.getAttribute('data-chart')!, drawn: e.getAttribute('data-drawn'), points: Number(e.getAttribute('data-points')) })),
    );
    expect(charts.map((c) => c.name).sort()).toEqual(['cpu:async-mmu-gather', 'cpu:sync', 'deferred', 'exit-cdf', 'free-mem', 'release-cdf']);
    for (const c of charts) {
      expect(c.drawn, c.name).toBe('1');
      expect(c.points, c.name).toBeGreaterThan(0);
    }
    expect(await page.locator('#results canvas').count()).toBeGreaterThanOrEqual(charts.length);
    const header = await page.$$eval('#results table[data-table="metrics"] thead th', (ths) => ths.map((t) => t.textContent));
    expect(header).toEqual(expect.arrayContaining(policies));
    expect(await page.locator('#progress').isHidden()).toBe(true);
    expect(await page.locator('[role="alert"]').isHidden()).toBe(true);
  });

  it('has an input for every field of the scenario schema, typed and bounded by it', async () => {
    const paths = leafPaths(scenarioJsonSchema() as SchemaNode);
    expect(paths).toContain('kernel.policy_options.async-global-list.forced_release');
    const onPage = await page.$$eval('#fields [data-param]', (els) => els.map((e) => e.getAttribute('data-param')));
    expect(onPage.sort()).toEqual([...paths].sort());
    const forced = page.locator('[data-param="kernel.policy_options.async-global-list.forced_release"]');
    expect(await forced.getAttribute('type')).toBe('checkbox');
    // Nested objects are fieldsets: kernel > policy_options > async-global-list.
    expect(
      await page
        .locator('details[data-group="kernel"] fieldset[data-group="kernel.policy_options"] fieldset[data-group="kernel.policy_options.async-global-list"] [data-param$="forced_release"]')
        .count(),
    ).toBe(1);
    await openGroup('kernel');
    expect(await forced.isVisible()).toBe(true);
    const psi = page.locator('input[data-param="lmkd.psi_window_ms"]');
    expect([await psi.getAttribute('type'), await psi.getAttribute('min'), await psi.getAttribute('max')]).toEqual(['number', '1', '60000']);
    expect(await page.$$eval('select[data-param="kernel.version"] option', (os) => os.map((o) => o.getAttribute('value')))).toEqual([...KERNEL_VERSIONS.options]);
    // Defaults are the chosen scenario's values.
    await page.selectOption('#scenario', 'camera-launch');
    expect(await page.inputValue('[data-param="apps.count"]')).toBe(String(loadScenario('camera-launch').apps.count));
    await page.selectOption('#scenario', SCENARIO);
    expect(await page.inputValue('[data-param="lmkd.psi_window_ms"]')).toBe(String(loadScenario(SCENARIO).lmkd.psi_window_ms));
    expect(await page.inputValue('[data-param="apps.count"]')).toBe(String(loadScenario(SCENARIO).apps.count));
  });

  it('shows the equivalent command line, runs with the changed fields, and downloads one CSV row per run', async () => {
    await choose(['sync', 'async-global-list'], 2);
    await waitForCommand(`swaplab compare ${SCENARIO} --policies sync,async-global-list --seeds 2`);
    await openGroup('kernel');
    await openGroup('lmkd');
    await page.check('[data-param="kernel.policy_options.async-global-list.forced_release"]');
    await page.fill('[data-param="lmkd.psi_window_ms"]', '2000');
    await waitForCommand(`swaplab compare ${SCENARIO} --policies sync,async-global-list --seeds 2 --set kernel.policy_options.async-global-list.forced_release=true --set lmkd.psi_window_ms=2000`);
    expect(await page.textContent('details[data-group="lmkd"] > summary .count')).toBe('1 changed');
    await page.click('#run');
    await page.waitForSelector('#downloads:not([hidden])', { timeout: 90_000 });
    expect(await page.textContent('#status')).toBe('Done: 4 runs.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^swaplab-${SCENARIO}-[0-9a-f]{8}\\.csv$`));
    const lines = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(1 + 4);
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    expect(rows.map((r) => `${r['policy']}/${r['seed']}`).sort()).toEqual(['async-global-list/1', 'async-global-list/2', 'sync/1', 'sync/2']);
    for (const r of rows) {
      expect(r['param_lmkd_psi_window_ms']).toBe('2000');
      expect(r['param_kernel_policy_options_async_global_list_forced_release']).toBe('true');
      expect(Number(r['exit_latency_ms_p99'])).toBeGreaterThan(0);
    }
    // Back to the scenario's own values for the next tests.
    await page.click('#reset');
    await waitForCommand(`swaplab compare ${SCENARIO} --policies sync,async-global-list --seeds 2`);
  });

  it('shows the schema message for an invalid parameter', async () => {
    let expected = '';
    try {
      loadScenario(SCENARIO, ['apps.count=-3']);
    } catch (e) {
      expected = (e as ScenarioError).format();
    }
    expect(expected).toMatch(/apps\.count/);
    await choose(['sync'], 1);
    await openGroup('apps');
    await page.fill('input[data-param="apps.count"]', '-3');
    await page.click('#run');
    const alert = page.locator('[role="alert"]');
    await alert.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await alert.textContent()).toBe(expected);
    expect(await page.isEnabled('#run')).toBe(true);
    // Back to the scenario's own value for the next test.
    await page.selectOption('#scenario', SCENARIO);
    await page.dispatchEvent('#scenario', 'change');
  });

  it('cancels a running sweep', async () => {
    await choose(['sync', 'async-mmu-gather', 'async-global-list'], 200);
    await page.click('#run');
    // Wait until runs are completing, then cancel.
    await page.waitForFunction(() => /^[1-9]\d* \/ \d+ runs$/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('status')!.textContent === 'Cancelled.', undefined, { timeout: 60_000 });
    expect(await page.isEnabled('#run')).toBe(true);
    expect(await page.isDisabled('#cancel')).toBe(true);
    expect(await page.locator('#results [data-chart]').count()).toBe(0);
    expect(await page.locator('[role="alert"]').isHidden()).toBe(true);
  });

  it('made no external request and logged no error', () => {
    expect(external).toEqual([]);
    // Chromium logs every 4xx response; the invalid-parameter test's 400 is deliberate.
    const expected = /^console: Failed to load resource: the server responded with a status of 400/;
    expect(errors.filter((e) => !expected.test(e))).toEqual([]);
  });
});
