// Parameter sweeps: --grid parsing and its product, the per-metric summary
// and chart data, and `swaplab sweep` end to end (compiled CLI, real worker
// pool, DuckDB store, the HTML page drawn in headless Chromium).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepCharts } from '../src/report/sweep-html.js';
import { formatSweepTables, summarizeSweep } from '../src/report/sweep-summary.js';
import { gridPoints, parseGridAxis, pointSets } from '../src/sweep/grid.js';
import { CHROMIUM, collectPageErrors, launchChromium } from './fixtures/browser.js';
import { tinyRecord } from './support/tiny-record.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'swaplab-gridsweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function swaplab(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--grid', () => {
  it('parses path=v1,v2 and refuses what is not', () => {
    expect(parseGridAxis('apps.count=10, 20,30')).toEqual({ path: 'apps.count', values: ['10', '20', '30'] });
    for (const bad of ['apps.count', '=1,2', 'apps.count=', 'apps.count=1,,2', 'a b=1']) expect(() => parseGridAxis(bad), bad).toThrow(/expected path=v1,v2/);
    expect(() => parseGridAxis('x=1,2,1')).toThrow(/value 1 is listed twice/);
  });

  it('takes the product, last axis fastest, and bounds its size', () => {
    const pts = gridPoints([parseGridAxis('a=1,2'), parseGridAxis('b=x,y,z')]);
    expect(pts.map((p) => pointSets(p).join(' '))).toEqual(['a=1 b=x', 'a=1 b=y', 'a=1 b=z', 'a=2 b=x', 'a=2 b=y', 'a=2 b=z']);
    expect(() => gridPoints([parseGridAxis('a=1'), parseGridAxis('a=2')])).toThrow(/given twice/);
    const wide = parseGridAxis(`a=${Array.from({ length: 200 }, (_, i) => i).join(',')}`);
    expect(() => gridPoints([wide, { ...wide, path: 'b' }])).toThrow(/40000 points; at most 10000/);
  });
});

describe('sweep summary and charts', () => {
  // exit_latency_ms.mean of tinyRecord is its seed; shift it per point and policy.
  const axes = [parseGridAxis('n=10,2'), parseGridAxis('mode=on,off')];
  const points = gridPoints(axes);
  const recordsByPoint = points.map((pt, i) =>
    ['p', 'q'].flatMap((policy, j) =>
      [1, 2, 3].map((seed) => {
        const r = tinyRecord(policy, seed);
        r.output.metrics.exit_latency_ms.mean = Number(pt[0]!.value) * 10 + j * 100 + seed + i * 0;
        return r;
      }),
    ),
  );
  const summary = summarizeSweep({ scenario: 's', axes, points, policies: ['p', 'q'], seeds: [1, 2, 3], metrics: ['exit_latency_ms.mean', 'launch_ms'], recordsByPoint });

  it('gives mean and 95% CI per point and policy', () => {
    const cells = summary.metrics[0]!.cells;
    // Point 0 is n=10, mode=on: p = 101,102,103; q = 201,202,203. t(0.975, 2) = 4.303, sd = 1.
    expect(cells[0]![0]!.mean).toBeCloseTo(102, 9);
    expect(cells[0]![1]!.mean).toBeCloseTo(202, 9);
    expect(cells[0]![0]!.hi - cells[0]![0]!.mean).toBeCloseTo(4.3027 / Math.sqrt(3), 3);
    expect(summary.metrics[1]!.cells[0]![0]!.n).toBe(0); // launch_ms: no run reports it
  });

  it('leaves out a distribution with no samples rather than averaging its zeros', () => {
    const recs = [1, 2].map((seed) => tinyRecord('p', seed));
    recs[1]!.output.metrics.memory_release_ms = { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0, released: 0, censored: 0 };
    const s = summarizeSweep({
      scenario: 's',
      axes: [parseGridAxis('n=1')],
      points: gridPoints([parseGridAxis('n=1')]),
      policies: ['p'],
      seeds: [1, 2],
      metrics: ['memory_release_ms.mean', 'memory_release_ms.count'],
      recordsByPoint: [recs],
    });
    expect(s.metrics[0]!.cells[0]![0]).toMatchObject({ n: 1, mean: 1 });
    expect(s.metrics[1]!.cells[0]![0]).toMatchObject({ n: 2, mean: 0.5 });
    const text = formatSweepTables(summary);
    expect(text).toContain('exit_latency_ms.mean (mean ± 95% CI half-width over 3 seeds)');
    expect(text).toMatch(/10 +on +102\.0 ± 2\.48 +202\.0 ± 2\.48/);
  });

  it('draws each metric against each axis, the other axes held fixed, numeric x sorted', () => {
    const charts = sweepCharts(summary);
    // 2 metrics × (axis n: 2 values of mode + axis mode: 2 values of n).
    expect(charts).toHaveLength(8);
    const c = charts.find((x) => x.name === 'exit_latency_ms.mean vs n | mode=on')!;
    expect(c.x).toEqual([2, 10]);
    expect(c.labels).toBeNull();
    expect(c.series.map((s) => s.policy)).toEqual(['p', 'q']);
    expect(c.series[0]!.mean).toEqual([22, 102]);
    expect(c.series[0]!.lo[0]).toBeLessThan(22);
    expect(c.series[0]!.hi[0]).toBeGreaterThan(22);
    const m = charts.find((x) => x.name === 'exit_latency_ms.mean vs mode | n=2')!;
    expect(m.labels).toEqual(['on', 'off']);
    expect(m.x).toEqual([0, 1]);
    const empty = charts.find((x) => x.metric === 'launch_ms')!;
    expect(empty.series[0]!.mean.every((v) => v === null)).toBe(true);
  });
});

describe('swaplab sweep', () => {
  const db = join(dir, 'sweep.duckdb');
  const out = join(dir, 'sweep.html');
  const args = ['sweep', 'exit-one', '--grid', 'swap_mib=4,12', '--grid', 'kernel.version=6.6-android,6.12', '--policies', 'sync,async-mmu-gather', '--seeds', '2', '--db', db, '--out', out];

  it('runs the product, stores every run once with its parameters, prints a table per metric, writes the page', async () => {
    const r = swaplab(args);
    expect(r.stderr).toMatch(/wrote .*sweep\.html \(4 points × 2 policies × 2 seeds\)/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('exit_latency_ms.mean (mean ± 95% CI half-width over 2 seeds)');
    expect(r.stdout).toMatch(/^12 +6\.12 /m);

    const inst = await DuckDBInstance.create(db);
    const conn = await inst.connect();
    try {
      const rows = (
        await conn.runAndReadAll(`SELECT param_swap_mib AS swap, param_kernel_version AS kernel, policy, count(*) AS n FROM runs WHERE status = 'ok' GROUP BY ALL ORDER BY ALL`)
      ).getRowObjectsJson();
      expect(rows).toHaveLength(2 * 2 * 2);
      expect(rows.every((x) => x.n === '2')).toBe(true);
      expect(rows.map((x) => `${x.swap}/${x.kernel}`)).toContain('12/6.12');
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('exit_latency_ms.mean vs swap_mib | kernel.version=6.12');
  });

  it('a rerun reuses every stored run (a fault on one never fires) and the page is the same', () => {
    const before = readFileSync(out, 'utf8');
    const r = swaplab(args, { SWAPLAB_FAULT: 'sync:1' });
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('a failing run is reported with its point and the others are kept', () => {
    const r = swaplab([...args.slice(0, -4), '--seeds', '3', '--db', db, '--out', join(dir, 'f.html')], { SWAPLAB_FAULT: 'async-mmu-gather:3' });
    expect(r.status).toBe(70);
    expect(r.stderr).toContain('4 of 24 runs failed');
    expect(r.stderr).toContain('reproduce: swaplab run exit-one --policy async-mmu-gather --seed 3 --set swap_mib=12 --set kernel.version=6.12');
  });

  it('refuses a bad grid before running anything', () => {
    const r = swaplab(['sweep', 'exit-one', '--grid', 'swap_mib=4,lots', '--policies', 'sync', '--db', db, '--out', join(dir, 'bad.html')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/swap_mib/);
    expect(existsSync(join(dir, 'bad.html'))).toBe(false);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'draws every chart in the page, with no errors',
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
        const errors = collectPageErrors(page);
        await page.goto(`file://${out}`);
        await page.waitForSelector('[data-chart][data-drawn="1"]');
        const drawn = await page.locator('[data-chart][data-drawn="1"] canvas').count();
        // exit-one reports exit and release latency and held memory: 3 metrics × (2 + 2) charts.
        expect(drawn).toBe(12);
        expect(errors).toEqual([]);
        await page.screenshot({ path: join(dir, 'sweep.png'), fullPage: false });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
