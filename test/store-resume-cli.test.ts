// Sweeps interrupted by SIGINT or killed by SIGKILL keep every finished run
// in the DuckDB store and resume from it; `swaplab export --format parquet`
// and `swaplab query` read the store back. Runs the compiled CLI (npm test
// builds it first), so the worker pool and its threads are the real ones.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'swaplab-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEEDS = 40;
const POLICIES = ['sync', 'async-mmu-gather'];
const sweepArgs = (db: string) => ['compare', 'exit-one', '--policies', POLICIES.join(','), '--seeds', String(SEEDS), '--set', 'swap_mib=8', '--db', db];

function swaplab(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function sql<T = Record<string, unknown>>(query: string, file = ':memory:'): Promise<T[]> {
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(query)).getRowObjectsJson() as T[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

/**
 * Start the sweep and send `signal` once several runs are committed: the
 * store's write-ahead log has grown past the schema (a stored exit-one run
 * is tens of KiB). Seed SEEDS stalls (SWAPLAB_FAULT=stall), so however fast
 * the machine, the sweep cannot finish before the signal.
 */
async function interruptMidSweep(db: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...sweepArgs(db)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SWAPLAB_FAULT: `stall@${SEEDS}` } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  const wal = `${db}.wal`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null && !(existsSync(wal) && statSync(wal).size > 200_000)) await new Promise((r) => setTimeout(r, 20));
  expect(child.exitCode, 'the sweep finished before it could be interrupted').toBeNull();
  child.kill(signal);
  return { ...(await exited), stderr };
}

async function storedRuns(db: string): Promise<Array<{ policy: string; seed: string; n: string }>> {
  return sql(`SELECT policy, seed, count(*) AS n FROM runs WHERE status = 'ok' GROUP BY ALL ORDER BY ALL`, db);
}

describe.each([['SIGINT'], ['SIGKILL']] as const)('a sweep stopped by %s', (signal) => {
  const db = join(dir, `${signal}.duckdb`);

  it('keeps what finished, and a rerun runs only the rest, each run once', async () => {
    const stopped = await interruptMidSweep(db, signal);
    if (signal === 'SIGINT') {
      expect(stopped.code).toBe(2);
      expect(stopped.stderr).toMatch(/interrupted; finished runs are saved/);
    } else {
      expect(stopped.signal).toBe('SIGKILL');
    }
    const kept = await storedRuns(db);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(SEEDS * POLICIES.length);
    expect(kept.every((r) => r.n === '1')).toBe(true);

    // A fault on a run that is already stored never fires: it is reused, not rerun.
    const reused = kept[0]!;
    const rerun = swaplab(sweepArgs(db), { SWAPLAB_FAULT: `${reused.policy}:${reused.seed}` });
    expect(rerun.stderr).toBe('');
    expect(rerun.status).toBe(0);
    const all = await storedRuns(db);
    expect(all).toHaveLength(SEEDS * POLICIES.length);
    expect(all.every((r) => r.n === '1')).toBe(true);
  });
});

describe('swaplab export and query', () => {
  const db = join(dir, 'SIGKILL.duckdb'); // complete after the test above

  it('writes Parquet that DuckDB reads back with a row per run and per killed process', async () => {
    const runs = join(dir, 'runs.parquet');
    const r = swaplab(['export', '--format', 'parquet', '--out', runs, '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`(${SEEDS * POLICIES.length} runs rows, parquet)`);
    expect(await sql(`SELECT count(*) AS n, count(DISTINCT (policy, seed)) AS jobs, min(param_swap_mib) AS swap FROM read_parquet('${runs}')`)).toEqual([
      { n: String(SEEDS * POLICIES.length), jobs: String(SEEDS * POLICIES.length), swap: 8 },
    ]);

    const procs = join(dir, 'procs.csv');
    expect(swaplab(['export', '--format', 'csv', '--table', 'processes', '--out', procs, '--where', `policy = 'sync'`, '--db', db]).status).toBe(0);
    // exit-one kills one process per run.
    expect(await sql(`SELECT count(*) AS n, count(*) FILTER (exit_ms > 0) AS exited FROM read_csv('${procs}')`)).toEqual([{ n: String(SEEDS), exited: String(SEEDS) }]);
  });

  it('answers SQL, and a bad query or a missing store is one line and exit 2', () => {
    const q = swaplab(['query', `SELECT policy, count(*) AS n FROM runs GROUP BY policy ORDER BY policy`, '--format', 'csv', '--db', db]);
    expect(q.status).toBe(0);
    expect(q.stdout).toBe(`policy,n\nasync-mmu-gather,${SEEDS}\nsync,${SEEDS}\n`);
    const bad = swaplab(['query', 'SELEC 1', '--db', db]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/Parser Error/);
    const missing = swaplab(['query', 'SELECT 1', '--db', join(dir, 'nope.duckdb')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no results store at .*nope\.duckdb/);
  });
});
