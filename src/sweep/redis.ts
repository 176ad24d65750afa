// Sweeps across machines on BullMQ (Redis): the submitter (sweep, compare
// with --redis) enqueues one job per run and stores results as they arrive;
// `swaplab worker --redis URL` processes, on any machine, run them.
//
// Exactly once in the store: a job's id is its store key
// (scenario_key, policy, seed), so a restarted submitter re-adding it finds
// the job already queued, running or finished rather than adding a second;
// a worker that dies mid-run loses its lock and the job is handed to another
// worker (BullMQ's stalled-job check); and the store replaces by key, so
// even a result that arrived twice is one row.
import { connect } from 'node:net';
// Types only at load time: BullMQ (~1 s to load) is imported when a sweep goes to Redis.
import type { Job } from 'bullmq';
import type { RunRecord } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';
import { ResultsStoreError } from '../store/results-db.js';

export const QUEUE_NAME = 'swaplab-runs';

export interface RunJobData {
  scenario: Scenario;
  policy: string;
  seed: number;
  /** The submitter's codeVersion(): a worker on other code refuses the job. */
  codeVersion: string;
}

export interface RedisRun {
  scenarioKey: string;
  scenario: Scenario;
  policy: string;
  seed: number;
}

/** Redis cannot be reached or the URL is wrong: a one-line user error. */
export class RedisUnavailableError extends ResultsStoreError {
  override name = 'RedisUnavailableError';
}

export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  maxRetriesPerRequest: null;
}

/** `redis://[user:password@]host[:port][/db]` as BullMQ connection options. */
export function redisConnection(url: string): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisUnavailableError(`--redis: expected redis://host[:port][/db], got ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'redis:' || !u.hostname) throw new RedisUnavailableError(`--redis: expected redis://host[:port][/db], got ${JSON.stringify(url)}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RedisUnavailableError(`--redis: database must be a number, got ${JSON.stringify(u.pathname.slice(1))}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    // BullMQ's blocking connections need this; a down server is caught by checkReachable.
    maxRetriesPerRequest: null,
  };
}

/** Fail in seconds, with one line, rather than let the client retry a wrong URL forever. */
export async function checkReachable(url: string, timeoutMs = 5000): Promise<void> {
  const c = redisConnection(url);
  // PING in the protocol's inline form (after AUTH when a password is given).
  const auth = c.password === undefined ? '' : `AUTH ${c.username ? `${c.username} ` : ''}${c.password}\r\n`;
  const replies = auth ? 2 : 1;
  await new Promise<void>((resolve, reject) => {
    const sock = connect({ host: c.host, port: c.port });
    let text = '';
    const done = (err?: string) => {
      sock.destroy();
      if (err === undefined) resolve();
      else reject(new RedisUnavailableError(`cannot reach Redis at ${url}: ${err}`));
    };
    sock.setTimeout(timeoutMs, () => done(`no answer in ${timeoutMs} ms`));
    sock.on('error', (e) => done(e.message));
    sock.on('connect', () => sock.write(`${auth}PING\r\n`));
    sock.on('data', (d) => {
      text += d.toString('latin1');
      const lines = text.split('\r\n').filter(Boolean);
      const bad = lines.find((l) => l.startsWith('-'));
      if (bad) done(bad.slice(1));
      else if (lines.length >= replies) done(lines[replies - 1] === '+PONG' ? undefined : `unexpected reply ${JSON.stringify(lines[replies - 1])}`);
    });
  });
}

/** A BullMQ custom id may not contain ':'. */
export function jobIdOf(scenarioKey: string, policy: string, seed: number): string {
  return `${scenarioKey}_${policy}_${seed}`;
}

/**
 * Enqueue `runs` (those not yet in the store) and call `finish` or `fail` as
 * each comes back; resolves when all have. Jobs left when `signal` aborts
 * stay queued: workers finish them and the next submitter collects them.
 */
export async function runViaRedis(
  url: string,
  codeVersion: string,
  runs: readonly RedisRun[],
  finish: (i: number, rec: RunRecord) => Promise<void>,
  fail: (i: number, err: unknown) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  await checkReachable(url);
  const connection = redisConnection(url);
  const { Queue, QueueEvents } = await import('bullmq');
  const queue = new Queue<RunJobData, RunRecord>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  try {
    await events.waitUntilReady();
    const jobs = await queue.addBulk(
      runs.map((r) => ({
        name: 'run',
        data: { scenario: r.scenario, policy: r.policy, seed: r.seed, codeVersion },
        opts: {
          jobId: jobIdOf(r.scenarioKey, r.policy, r.seed),
          // A run that throws is a model bug: retrying gives the same throw.
          attempts: 1,
          // Kept a day, so a submitter that restarts collects finished runs.
          removeOnComplete: { age: 86_400 },
          removeOnFail: { age: 86_400 },
        },
      })),
    );
    // A job that failed under an earlier submitter is run again, as a local rerun would.
    for (const job of jobs) if ((await job.getState()) === 'failed') await job.retry('failed');
    console.error(`swaplab: ${jobs.length} runs queued on ${url}; waiting for \`swaplab worker --redis ${url}\` processes`);

    const all = Promise.all(
      jobs.map((job: Job<RunJobData, RunRecord>, i) =>
        job.waitUntilFinished(events).then(
          (rec: RunRecord) => finish(i, rec),
          (err: unknown) => fail(i, err),
        ),
      ),
    );
    if (!signal) return void (await all);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
      all.then(() => resolve(), reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  } finally {
    await events.close();
    await queue.close();
  }
}
