// The DuckDB results store: records round-trip, a put replaces (a failure
// included), typed columns for metrics, counters and parameters, one row per
// killed process, durability when the writer is killed, exports read back,
// and the old SQLite store refused with one line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KilledProcessRecord } from '../src/metrics/types.js';
import { openResultsDb, ResultsStoreError, type RunMeta } from '../src/store/results-db.js';
import { tinyRecord } from './support/tiny-record.js';

const meta: RunMeta = { scenario: 's', scenarioHash: 'h', codeVersion: 'swaplab@0.1.0+abc', params: { 'apps.count': 20, 'lmkd.enabled': false, 'kernel.version': '6.12' } };

function proc(pid: number, exitMs: number | null): KilledProcessRecord {
  return { pid, name: `app${pid}`, cgroup: 'apps', oomScoreAdj: 900, threads: 2, killedAtMs: 10, exitMs, releaseMs: exitMs === null ? null : exitMs + 1, heldAtKillMib: 50, killReason: null };
}

async function readBack(sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe('results db (DuckDB)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swaplab-db-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts, survives reopening, and gets back the same record', async () => {
    const path = join(dir, 'nested', 'results.duckdb');
    const db = await openResultsDb(path);
    expect(await db.get('key', 'base', 1)).toBeUndefined();
    await db.put('key', 'base', 1, tinyRecord('base', 1), meta);
    await db.put('key', 'base', 2, tinyRecord('base', 2), meta);
    await db.put('key', 'new', 1, tinyRecord('new', 1));
    await db.put('other', 'base', 1, tinyRecord('base', 99));
    await db.close();

    const again = await openResultsDb(path);
    expect(await again.get('key', 'base', 2)).toEqual(tinyRecord('base', 2));
    expect(await again.has('key', 'new', 1)).toBe(true);
    expect(await again.has('key', 'new', 2)).toBe(false);
    expect((await again.get('other', 'base', 1))!.output.seed).toBe(99);
    expect((await again.listRuns('key')).map((r) => r.output.fingerprint)).toEqual(['base/1', 'base/2', 'new/1']);
    expect([...(await again.finishedRuns('key')).keys()].sort()).toEqual(['base\u00001', 'base\u00002', 'new\u00001']);
    expect(await again.listRuns('missing')).toEqual([]);
    await again.close();
    await again.close(); // idempotent
  });

  it('replaces a run stored twice, and a success replaces a failure', async () => {
    const db = await openResultsDb(join(dir, 'r.duckdb'));
    await db.putFailure('k', 'p', 1, 'boom', meta);
    expect(await db.listFailures('k')).toEqual([{ policy: 'p', seed: 1, message: 'boom' }]);
    expect(await db.has('k', 'p', 1)).toBe(false);
    await db.put('k', 'p', 1, tinyRecord('p', 1), meta);
    const changed = tinyRecord('p', 1);
    changed.output.fingerprint = 'changed';
    await db.put('k', 'p', 1, changed, meta);
    expect(await db.listRuns('k')).toHaveLength(1);
    expect(await db.listFailures('k')).toEqual([]);
    expect((await db.get('k', 'p', 1))!.output.fingerprint).toBe('changed');
    const { rows } = await db.query(`SELECT count(*) FROM runs`);
    expect(rows).toEqual([['1']]);
    await db.close();
  });

  it('has a typed column per metric, counter and overridden parameter, and a row per killed process', async () => {
    const db = await openResultsDb(join(dir, 'r.duckdb'));
    const rec = tinyRecord('p', 3);
    rec.processes = [proc(101, 12.5), proc(102, null)];
    await db.put('k', 'p', 3, rec, meta);
    await db.putFailure('k', 'p', 4, 'injected', meta);
    const runs = await db.query(
      `SELECT seed, status, error, scenario, model_hash, param_apps_count, param_lmkd_enabled, param_kernel_version,
              exit_latency_ms_p99, lock_wait_ms_si_lock, vmstat_pswpin FROM runs ORDER BY seed`,
    );
    expect(runs.rows).toEqual([
      ['3', 'ok', null, 's', 'abc', 20, false, '6.12', 3, 1.5, 7],
      ['4', 'failed', 'injected', 's', 'abc', 20, false, '6.12', null, null, null],
    ]);
    const types = await db.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'runs' AND column_name IN ('param_apps_count', 'param_lmkd_enabled', 'exit_latency_ms_mean') ORDER BY 1`,
    );
    expect(types.rows).toEqual([
      ['exit_latency_ms_mean', 'DOUBLE'],
      ['param_apps_count', 'DOUBLE'],
      ['param_lmkd_enabled', 'BOOLEAN'],
    ]);
    const procs = await db.query(`SELECT pid, exit_ms, release_ms, held_at_kill_mib FROM processes WHERE seed = 3 ORDER BY pid`);
    expect(procs.rows).toEqual([
      [101, 12.5, 13.5, 50],
      [102, null, null, 50],
    ]);
    // Replacing the run replaces its processes too.
    rec.processes = [proc(103, 1)];
    await db.put('k', 'p', 3, rec, meta);
    expect((await db.query(`SELECT pid FROM processes`)).rows).toEqual([[103]]);
    await db.close();
  });

  it('exports runs and processes to Parquet and CSV, filtered by --where, that DuckDB reads back', async () => {
    const db = await openResultsDb(join(dir, 'r.duckdb'));
    for (const seed of [1, 2, 3]) {
      const rec = tinyRecord('p', seed);
      rec.processes = Array.from({ length: seed }, (_, i) => proc(100 + i, 5));
      await db.put('k', 'p', seed, rec, meta);
    }
    await db.putFailure('k', 'p', 4, 'boom', meta);
    const parquet = join(dir, 'runs.parquet');
    expect(await db.exportTable('runs', 'parquet', parquet)).toBe(4);
    expect(await db.exportTable('runs', 'csv', join(dir, 'ok.csv'), `status = 'ok' AND seed >= 2`)).toBe(2);
    expect(await db.exportTable('processes', 'parquet', join(dir, 'procs.parquet'))).toBe(6);
    await db.close();
    expect(await readBack(`SELECT count(*) AS n, count(*) FILTER (status = 'failed') AS failed FROM read_parquet('${parquet}')`)).toEqual([{ n: '4', failed: '1' }]);
    expect(await readBack(`SELECT list(seed ORDER BY seed) AS seeds FROM read_csv('${join(dir, 'ok.csv')}')`)).toEqual([{ seeds: ['2', '3'] }]);
    expect(await readBack(`SELECT seed, count(*) AS n FROM read_parquet('${join(dir, 'procs.parquet')}') GROUP BY seed ORDER BY seed`)).toEqual([
      { seed: '1', n: '1' },
      { seed: '2', n: '2' },
      { seed: '3', n: '3' },
    ]);
  });

  it('keeps every committed put when the writing process is killed', async () => {
    const path = join(dir, 'killed.duckdb');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const script = `
      import { openResultsDb } from './src/store/results-db.ts';
      import { tinyRecord } from './test/support/tiny-record.ts';
      const db = await openResultsDb(${JSON.stringify(path)});
      for (const seed of [1, 2, 3]) await db.put('k', 'p', seed, tinyRecord('p', seed));
      process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBe('SIGKILL');
    const db = await openResultsDb(path);
    expect((await db.listRuns('k')).map((x) => x.output.seed)).toEqual([1, 2, 3]);
    await db.close();
  });

  it('refuses an old SQLite store in one line, and notes one left beside the new store', async () => {
    const sqlite = join(dir, 'results.sqlite');
    writeFileSync(sqlite, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(100)]));
    await expect(openResultsDb(sqlite)).rejects.toThrow(ResultsStoreError);
    await expect(openResultsDb(sqlite)).rejects.toThrow(/is a SQLite results store of an older swaplab/);

    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const db = await openResultsDb(join(dir, 'results.duckdb'));
      await db.close();
      expect(err).toHaveBeenCalledTimes(1);
      expect(String(err.mock.calls[0]![0])).toMatch(/results\.sqlite .* is not read; results are now kept in .*results\.duckdb/);
    } finally {
      err.mockRestore();
    }
  });

  it('says which process holds the store when another one has it open', async () => {
    const path = join(dir, 'held.duckdb');
    mkdirSync(dir, { recursive: true });
    const root = fileURLToPath(new URL('..', import.meta.url));
    // The holder keeps the file open while this process tries.
    const db = await openResultsDb(path);
    const script = `
      import { openResultsDb } from './src/store/results-db.ts';
      try { await openResultsDb(${JSON.stringify(path)}); console.log('opened'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    await db.close();
    expect(r.stdout.trim()).toMatch(new RegExp(`^ResultsStoreError: results store .*held\\.duckdb is in use by another process \\(PID ${process.pid}\\)`));
  });
});
