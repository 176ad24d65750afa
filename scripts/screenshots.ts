// Screenshots of the HTML report and the dashboard for the docs:
//   npx tsx scripts/screenshots.ts        -> docs/report.png, docs/dashboard.png
// Uses the simulator when runScenario works, else the test fixtures (and
// says so), so the docs can be refreshed before and after the kernel model.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunRecord } from '../src/metrics/types.js';
import { renderHtmlReport } from '../src/report/html.js';
import { projectRoot, loadScenario } from '../src/scenario/loader.js';
import type { Scenario } from '../src/scenario/schema.js';
import { runScenario } from '../src/sim/run.js';
import { startServer } from '../src/web/server.js';
import { launchChromium } from '../test/fixtures/browser.js';
import { fixtureRecord, fixtureRunner } from '../test/fixtures/run-records.js';

const SCENARIO = 'camera-launch';
const POLICIES = ['sync', 'async-mmu-gather', 'async-global-list'];
const SEEDS = [1, 2, 3, 4, 5];

function simulatorWorks(scenario: Scenario): boolean {
  try {
    runScenario(scenario, { policy: POLICIES[0]!, seed: 1 });
    return true;
  } catch (e) {
    console.warn(`runScenario failed (${(e as Error).message}): using test fixtures`);
    return false;
  }
}

const docs = join(projectRoot(), 'docs');
mkdirSync(docs, { recursive: true });
const scenario = loadScenario(SCENARIO);
const useSim = simulatorWorks(scenario);
const run = (policy: string, seed: number): RunRecord => (useSim ? runScenario(scenario, { policy, seed }) : fixtureRecord(scenario, policy, seed));
const records = POLICIES.flatMap((p) => SEEDS.map((s) => run(p, s)));

const browser = await launchChromium();
const tmp = mkdtempSync(join(tmpdir(), 'swaplab-shots-'));
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const file = join(tmp, 'report.html');
  writeFileSync(file, renderHtmlReport({ scenario, calibration: {}, policies: POLICIES, seeds: SEEDS, records, generatedBy: 'scripts/screenshots.ts' }));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('[data-chart="release-cdf"][data-drawn="1"]');
  await page.screenshot({ path: join(docs, 'report.png'), fullPage: true });
  console.log('wrote docs/report.png');

  const server = await startServer({ port: 0, ...(useSim ? {} : { runner: fixtureRunner(10) }) });
  try {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="1"]');
    await page.selectOption('#scenario', SCENARIO);
    for (const box of await page.locator('#policies input').all()) await box.check();
    await page.fill('#seeds', '3');
    await page.click('#run');
    await page.waitForSelector('#results [data-chart="release-cdf"][data-drawn="1"]', { timeout: 300_000 });
    await page.screenshot({ path: join(docs, 'dashboard.png'), fullPage: true });
    console.log('wrote docs/dashboard.png');
  } finally {
    await server.close();
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
