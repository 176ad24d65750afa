// A failed run does not sink a sweep (issue 8): with the test-only fault hook
// SWAPLAB_FAULT=<policy>:<seed> one run throws; compare stores the others,
// exits 70 and names the command that reproduces the failure; report and
// compare share the store, so the next command reuses every finished run.
// Runs the compiled CLI (npm test builds it first), so the worker pool is real.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openResultsDb } from '../src/store/results-db.js';
import { loadScenario } from '../src/scenario/loader.js';
import { scenarioKey } from '../src/sweep/scenario-key.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'swaplab-fault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function swaplab(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a sweep with one failing run', () => {
  const db = join(dir, 'results.db');
  const sets = ['--set', 'swap_mib=8'];
  const key = scenarioKey(loadScenario('exit-one', ['swap_mib=8']));

  it('stores the other runs, records the failure, exits 70 with the command that reproduces it', async () => {
    const r = swaplab({ SWAPLAB_FAULT: 'async-mmu-gather:2' }, 'compare', 'exit-one', '--policies', 'sync,async-mmu-gather', '--seeds', '3', ...sets, '--db', db);
    expect(r.status).toBe(70);
    expect(r.stdout).toMatch(/exit_latency_ms/); // the table of the finished runs is still printed
    expect(r.stderr).toContain('1 of 6 runs failed');
    expect(r.stderr).toContain('async-mmu-gather seed 2: injected fault (SWAPLAB_FAULT)');
    expect(r.stderr).toContain('reproduce: swaplab run exit-one --policy async-mmu-gather --seed 2 --set swap_mib=8');

    const store = await openResultsDb(db);
    try {
      expect((await store.listRuns(key)).map((x) => `${x.output.policy}/${x.output.seed}`)).toEqual(['async-mmu-gather/1', 'async-mmu-gather/3', 'sync/1', 'sync/2', 'sync/3']);
      expect(await store.listFailures(key)).toEqual([{ policy: 'async-mmu-gather', seed: 2, message: 'injected fault (SWAPLAB_FAULT)' }]);
    } finally {
      await store.close();
    }
  });

  it('report reuses what compare finished: a fault on a stored run is never reached', async () => {
    const out = join(dir, 'x.html');
    // sync:1 finished above; if report re-ran it, the fault would fire.
    const r = swaplab({ SWAPLAB_FAULT: 'sync:1' }, 'report', 'exit-one', '--policies', 'sync,async-mmu-gather', '--seeds', '3', ...sets, '--db', db, '--out', out);
    expect(r.stderr).not.toContain('failed');
    expect(r.status).toBe(0);
    expect(existsSync(out)).toBe(true);
    const store = await openResultsDb(db);
    try {
      expect(await store.listRuns(key)).toHaveLength(6);
      expect(await store.listFailures(key)).toEqual([]); // the retried run replaced its failure
    } finally {
      await store.close();
    }
  });

  it('report with a failing run still writes the page from the runs that finished, then exits 70', async () => {
    const out = join(dir, 'partial.html');
    const r = swaplab({ SWAPLAB_FAULT: 'sync:4' }, 'report', 'exit-one', '--policies', 'sync,async-mmu-gather', '--seeds', '4', ...sets, '--db', db, '--out', out);
    expect(r.status).toBe(70);
    expect(r.stdout).toMatch(/wrote .*partial\.html \(2 policies × 4 seeds, 1 failed runs left out\)/);
    expect(r.stderr).toContain('reproduce: swaplab run exit-one --policy sync --seed 4 --set swap_mib=8');
    expect(existsSync(out)).toBe(true);
    const store = await openResultsDb(db);
    try {
      expect(await store.listRuns(key)).toHaveLength(7);
      expect(await store.listFailures(key)).toEqual([{ policy: 'sync', seed: 4, message: 'injected fault (SWAPLAB_FAULT)' }]);
    } finally {
      await store.close();
    }
  });
});
