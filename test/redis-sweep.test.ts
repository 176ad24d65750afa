// Sweeps across machines: a real redis-server on loopback (started here),
// two `swaplab worker` processes, one SIGKILLed in the middle of a run, and
// the submitting `swaplab sweep --redis` SIGKILLed and restarted. Every
// (scenario, policy, seed, parameters) of the sweep must be in the store
// exactly once, with the same fingerprint and metrics as a local run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const REDIS = '/usr/bin/redis-server';
const hasRedis = spawnSync('sh', ['-c', `command -v ${REDIS}`]).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'swaplab-redis-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A child whose stdout lines are collected; `waitFor` resolves when a line matches. */
function start(cmd: string, args: string[]) {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters])
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(re: RegExp, timeoutMs = 60_000): Promise<string> {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in ${cmd} ${args.join(' ')}: ${lines.join(' | ')} ${stderr}`)), timeoutMs);
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
      });
    },
  };
}

async function rows(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe.skipIf(!hasRedis)('sweep --redis with two workers', () => {
  it('stores every run exactly once, with local metrics, though a worker and the submitter die mid-sweep', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const redis = start(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await redis.waitFor(/Ready to accept connections/);

    const worker = () => start(process.execPath, [CLI, 'worker', '--redis', url, '--threads', '1', '--lock-ms', '1500']);
    const a = worker();
    const b = worker();
    await Promise.all([a.waitFor(/^worker ready/), b.waitFor(/^worker ready/)]);

    const db = join(dir, 'remote.duckdb');
    const sweep = ['sweep', 'exit-one', '--grid', 'swap_mib=16,48', '--policies', 'sync,async-mmu-gather', '--seeds', '3', '--out', join(dir, 'remote.html')];
    const submitter = start(process.execPath, [CLI, ...sweep, '--db', db, '--redis', url]);

    // Worker a dies in the middle of its first run: the job must go to b.
    const killedLine = await a.waitFor(/^start /);
    a.child.kill('SIGKILL');
    const killedJob = killedLine.slice('start '.length);
    expect(a.lines).not.toContain(`done ${killedJob}`);

    // The submitter dies once b has finished a few runs; a new one resumes.
    await b.waitFor(/^done /);
    await new Promise((r) => setTimeout(r, 300));
    submitter.child.kill('SIGKILL');
    await submitter.exited;
    const [{ n: storedBefore }] = (await rows(db, `SELECT count(*) AS n FROM runs`)) as Array<{ n: string }>;
    expect(Number(storedBefore)).toBeLessThan(12); // it died mid-sweep
    const resumed = start(process.execPath, [CLI, ...sweep, '--db', db, '--redis', url]);
    expect(await resumed.exited).toBe(0);
    expect(resumed.stderr()).not.toMatch(/failed/);

    // b ran the job a was killed in (after a's lock ran out).
    expect(b.lines).toContain(`start ${killedJob}`);
    expect(b.lines).toContain(`done ${killedJob}`);

    const stored = await rows(
      db,
      `SELECT param_swap_mib AS swap, policy, seed, count(*) AS n, any_value(status) AS status, any_value(fingerprint) AS fp,
      any_value(exit_latency_ms_mean) AS exit_ms, any_value(memory_release_ms_mean) AS release_ms FROM runs GROUP BY ALL ORDER BY ALL`,
    );
    expect(stored).toHaveLength(2 * 2 * 3);
    expect(stored.every((r) => r.n === '1' && r.status === 'ok')).toBe(true);

    // The same sweep run locally gives the same fingerprints and metrics, key by key.
    const local = join(dir, 'local.duckdb');
    const l = spawnSync(process.execPath, [CLI, ...sweep.slice(0, -2), '--out', join(dir, 'local.html'), '--db', local], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(l.status).toBe(0);
    const localRows = await rows(
      local,
      `SELECT param_swap_mib AS swap, policy, seed, count(*) AS n, any_value(status) AS status, any_value(fingerprint) AS fp,
      any_value(exit_latency_ms_mean) AS exit_ms, any_value(memory_release_ms_mean) AS release_ms FROM runs GROUP BY ALL ORDER BY ALL`,
    );
    expect(stored).toEqual(localRows);

    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    redis.child.kill('SIGTERM');
    await redis.exited;
  }, 180_000);
});
