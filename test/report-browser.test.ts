// The HTML report opens from file:// with the network blocked, draws every
// chart, and logs no error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/metrics/types.js';
import { renderHtmlReport } from '../src/report/html.js';
import { loadScenario } from '../src/scenario/loader.js';
import type { Scenario } from '../src/scenario/schema.js';
import { runScenario } from '../src/sim/run.js';
import { collectPageErrors, launchChromium } from './fixtures/browser.js';
import { fixtureRecords } from './fixtures/run-records.js';

// Where the records come from: the simulator itself, or synthetic records
// (test/fixtures/run-records.ts) to test the page apart from the model.
const RECORDS: 'fixture' | 'simulator' = 'simulator';

const POLICIES = ['sync', 'async-mmu-gather', 'async-global-list'];
const SEEDS = [1, 2];

function makeRecords(scenario: Scenario): RunRecord[] {
  if (RECORDS === 'simulator') return POLICIES.flatMap((policy) => SEEDS.map((seed) => runScenario(scenario, { policy, seed })));
  return fixtureRecords(scenario, POLICIES, SEEDS);
}

// Simulated once: the tests vary only how the scenario is presented.
let records: RunRecord[] | undefined;

function report(scenario: Scenario): string {
  records ??= makeRecords(loadScenario('exit-one'));
  return renderHtmlReport({ scenario, calibration: { note: 'test' }, policies: POLICIES, seeds: SEEDS, records, generatedBy: 'report-browser.test' });
}

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'swaplab-report-'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Open an HTML file offline: every non-file request is aborted and counted. */
async function openOffline(html: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = collectPageErrors(page);
  const external: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  return { page, errors, external };
}

describe('HTML report', () => {
  it('is one file with no external URL', () => {
    const html = report(loadScenario('exit-one'));
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toMatch(/<script type="application\/json" id="swaplab-data">/);
    expect(html).toContain('<details>');
  });

  it('draws every chart offline without errors', async () => {
    const { page, errors, external } = await openOffline(report(loadScenario('exit-one')), 'exit-one.html');
    // Five fixed charts plus one CPU chart per policy.
    await page.waitForFunction((n) => document.querySelectorAll('[data-chart][data-drawn="1"]').length >= n, 4 + POLICIES.length, { timeout: 60_000 });
    const charts = await page.$$eval('[data-chart]', (els) =>
      els.map((e) => ({ name: e.getAttribute('data-chart'), drawn: e.getAttribute('data-drawn'), points: Number(e.getAttribute('data-points')) })),
    );
    expect(charts.map((c) => c.name).sort()).toEqual(['deferred', 'exit-cdf', 'free-mem', 'release-cdf', ...POLICIES.map((p) => `cpu:${p}`)].sort());
    for (const c of charts) expect(c.drawn, c.name!).toBe('1');
    expect(charts.find((c) => c.name === 'free-mem')!.points).toBeGreaterThan(0);
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(charts.length);
    // The metrics table: a header per policy and a row per metric.
    const header = await page.$$eval('table[data-table="metrics"] thead th', (ths) => ths.map((t) => t.textContent));
    for (const p of POLICIES) expect(header).toContain(p);
    expect(await page.locator('table[data-table="metrics"] tbody tr').count()).toBeGreaterThan(5);
    expect(await page.locator('table[data-table="cpu-cores"]').count()).toBe(POLICIES.length);
    expect(await page.locator('[role="alert"]').isHidden()).toBe(true);
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows scenario text as text, never as markup', async () => {
    const hostile = { ...loadScenario('exit-one'), name: 'x</script><script>window.pwned=1</script>', description: '<img src=x onerror="window.pwned=2">' };
    const { page, errors, external } = await openOffline(report(hostile), 'hostile.html');
    await page.waitForSelector('[data-chart="release-cdf"][data-drawn="1"]', { timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('h1').textContent()).toContain('</script>');
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
