// The dashboard end to end in Chromium: run a comparison and see the charts,
// see a schema error in the alert, cancel a running sweep.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/scenario/errors.js';
import { loadScenario } from '../src/scenario/loader.js';
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

  it('shows the schema message for an invalid parameter', async () => {
    let expected = '';
    try {
      loadScenario(SCENARIO, ['apps.count=-3']);
    } catch (e) {
      expected = (e as ScenarioError).format();
    }
    expect(expected).toMatch(/apps\.count/);
    await choose(['sync'], 1);
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
