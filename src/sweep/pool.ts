// Run every (policy, seed) job of one scenario (runSweep), or of several
// scenario variants at once (runGridSweep: a parameter sweep), in parallel
// worker threads (or on Redis workers, see redis.ts), resuming from and
// saving to the results store. Results come back in
// (policy, seed) order whatever order the workers finish in, so reports built
// from a sweep are byte-identical run to run. A job that throws does not stop
// the others: its message is stored as a failed run, and once every job has
// finished the sweep rejects with a SweepFailedError carrying both the
// finished records and the failures.
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RunRecord } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';
import { jobKey, openResultsDb, type RunMeta } from '../store/results-db.js';
import { codeVersion, scenarioHash } from './scenario-key.js';
import { SweepAbortedError, SweepFailedError, type SweepFailure } from './errors.js';
import { LongestFirst } from './longest-first.js';
import type { SweepTask } from './worker.js';

export { SweepAbortedError, SweepFailedError, type SweepFailure } from './errors.js';

/** Runs one job; `runSweep` calls it inline, in this thread. */
export type SweepRunner = (scenario: Scenario, opts: { policy: string; seed: number }) => RunRecord | Promise<RunRecord>;

export interface SweepOptions {
  scenario: Scenario;
  /** From scenarioKey(): identifies scenario + code version in the store. */
  scenarioKey: string;
  /** Duplicates are ignored; order is kept and defines the result order. */
  policies: readonly string[];
  seeds: readonly number[];
  /** Results store; without it nothing is resumed or saved. */
  dbPath?: string;
  /**
   * Scenario fields this sweep overrides (path -> value as the scenario
   * holds it); the store gives each its own column.
   */
  params?: Readonly<Record<string, unknown>>;
  /**
   * After each job that ran in this call: `done` of `total`, where total
   * counts only the jobs not already in the store.
   */
  onProgress?: (done: number, total: number, rec: RunRecord) => void;
  signal?: AbortSignal;
  /**
   * Replaces runScenario and runs jobs sequentially in this thread (tests,
   * profiling): a function cannot be sent to a worker thread.
   */
  runner?: SweepRunner;
  /** Cap on worker threads (default: os.availableParallelism()). */
  maxThreads?: number;
  /** After a job failed (its failure is already stored); the sweep goes on. */
  onFailure?: (failure: SweepFailure) => void;
  /**
   * Run the jobs as BullMQ jobs on this Redis (redis://host:port) for
   * `swaplab worker` processes, instead of in local threads.
   */
  redisUrl?: string;
}

/** One scenario variant of a grid sweep. */
export interface SweepPoint {
  scenario: Scenario;
  /** From scenarioKey(). */
  scenarioKey: string;
  /** Overridden fields, path -> value as the scenario holds it (store columns). */
  params?: Readonly<Record<string, unknown>>;
}

export interface GridSweepOptions extends Omit<SweepOptions, 'scenario' | 'scenarioKey' | 'params'> {
  points: readonly SweepPoint[];
}

interface Job {
  /** Position over all points, in (point, policy, seed) order. */
  index: number;
  point: number;
  policy: string;
  seed: number;
}

// Under vitest/tsx this module is the .ts source and there is no compiled
// worker beside it, so jobs run inline instead.
const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');
// '../sweep/': this code also runs bundled from dist/src/chunks/ (scripts/bundle-cli.ts).
const WORKER_FILE = new URL('../sweep/worker.js', import.meta.url);

export async function runSweep(opts: SweepOptions): Promise<RunRecord[]> {
  const { scenario, scenarioKey, params, ...rest } = opts;
  const point: SweepPoint = params === undefined ? { scenario, scenarioKey } : { scenario, scenarioKey, params };
  return (await runGridSweep({ ...rest, points: [point] }))[0]!;
}

/** Every (point, policy, seed) job; resolves to each point's records in (policy, seed) order. */
export async function runGridSweep(opts: GridSweepOptions): Promise<RunRecord[][]> {
  const { signal, points } = opts;
  if (signal?.aborted) throw new SweepAbortedError(signal.reason);

  const policies = [...new Set(opts.policies)];
  const seeds = [...new Set(opts.seeds)];
  const perPoint = policies.length * seeds.length;
  const jobs: Job[] = points.flatMap((_, point) => policies.flatMap((policy, p) => seeds.map((seed, s) => ({ index: point * perPoint + p * seeds.length + s, point, policy, seed }))));

  // Local worker threads start (load and compile their modules) while the
  // store opens, which loads DuckDB's native module: the two overlap instead
  // of the sweep waiting for one, then the other.
  const local = opts.redisUrl === undefined && !opts.runner && !RUNNING_FROM_SOURCE;
  const pool = local && jobs.length > 0 ? startPool(opts.maxThreads, jobs.length) : undefined;
  try {
    return await sweepWithStore(opts, points, jobs, perPoint, pool);
  } finally {
    await pool?.destroy();
  }
}

async function sweepWithStore(opts: GridSweepOptions, points: readonly SweepPoint[], jobs: Job[], perPoint: number, pool: SweepPool | undefined): Promise<RunRecord[][]> {
  const results: Array<RunRecord | undefined> = new Array(jobs.length);
  const db = opts.dbPath !== undefined ? await openResultsDb(opts.dbPath) : undefined;
  try {
    const metas: Array<RunMeta | undefined> = points.map((pt) => db && { scenario: pt.scenario.name, scenarioHash: scenarioHash(pt.scenario), codeVersion: codeVersion(), params: pt.params ?? {} });
    const stored = db ? await Promise.all(points.map((pt) => db.finishedRuns(pt.scenarioKey))) : [];
    const pending: Job[] = [];
    for (const job of jobs) {
      const rec = stored[job.point]?.get(jobKey(job.policy, job.seed));
      if (rec) results[job.index] = rec;
      else pending.push(job);
    }

    let done = 0;
    const failures: Array<SweepFailure & { index: number }> = [];
    // Store first, then report: a crash in the callback loses no result.
    const finish = async (job: Job, rec: RunRecord) => {
      results[job.index] = rec;
      await db?.put(points[job.point]!.scenarioKey, job.policy, job.seed, rec, metas[job.point]);
      done++;
      opts.onProgress?.(done, pending.length, rec);
    };
    const fail = async (job: Job, err: unknown) => {
      const failure: SweepFailure = { point: job.point, policy: job.policy, seed: job.seed, message: errorMessage(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) };
      failures.push({ ...failure, index: job.index });
      await db?.putFailure(points[job.point]!.scenarioKey, job.policy, job.seed, failure.message, metas[job.point]);
      opts.onFailure?.(failure);
    };

    if (pending.length > 0) {
      if (opts.redisUrl !== undefined) await runOnRedis(opts.redisUrl, opts.signal, points, pending, finish, fail);
      else if (pool) await runInPool(pool, opts, points, pending, finish, fail);
      else await runInline(opts, points, pending, finish, fail, opts.runner ?? (await loadRunScenario()));
    }
    const byPoint = points.map((_, point) => results.slice(point * perPoint, (point + 1) * perPoint).filter((r): r is RunRecord => r !== undefined));
    if (failures.length > 0) {
      failures.sort((a, b) => a.index - b.index);
      throw new SweepFailedError(
        byPoint,
        failures.map(({ index: _index, ...f }) => f),
        jobs.length,
      );
    }
    return byPoint;
  } finally {
    await db?.close();
  }
}

async function loadRunScenario(): Promise<SweepRunner> {
  // Imported lazily so tests that inject a runner never load the simulator.
  const { runScenario } = await import('../sim/run.js');
  return (scenario, o) => runScenario(scenario, o);
}

type Finish = (job: Job, rec: RunRecord) => Promise<void>;
type Fail = (job: Job, err: unknown) => Promise<void>;

async function runInline(opts: GridSweepOptions, points: readonly SweepPoint[], pending: Job[], finish: Finish, fail: Fail, runner: SweepRunner): Promise<void> {
  for (const job of pending) {
    if (opts.signal?.aborted) throw new SweepAbortedError(opts.signal.reason);
    let rec: RunRecord;
    try {
      rec = await runner(points[job.point]!.scenario, { policy: job.policy, seed: job.seed });
    } catch (err) {
      await fail(job, err);
      continue;
    }
    await finish(job, rec);
    // Let abort events (SIGINT handlers, timers) in between synchronous runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (opts.signal?.aborted) throw new SweepAbortedError(opts.signal.reason);
}

type SweepPool = Piscina<SweepTask, RunRecord>;

/**
 * Worker threads for at most `jobs` runs. Two start now; piscina adds the
 * others as runs queue, so a sweep the store already holds (resume) starts
 * at most two for nothing.
 */
function startPool(maxThreads: number | undefined, jobs: number): SweepPool {
  const threads = Math.max(1, Math.min(maxThreads ?? availableParallelism(), availableParallelism(), jobs));
  return new Piscina<SweepTask, RunRecord>({
    filename: fileURLToPath(WORKER_FILE),
    minThreads: Math.min(2, threads),
    maxThreads: threads,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}

/**
 * Young generation of a worker's heap (V8 splits it into two semi-spaces and
 * a large-object space: 192 MiB lets a semi-space grow to 64 MiB instead of
 * V8's default 16). A run allocates its events, page runs and trace records
 * faster than they die; with the default, every scavenge copies the live
 * part of a run again and promotes much of it. On 30 camera-launch runs in
 * one worker (node --trace-gc-nvp): 375 scavenges, 100 MB promoted and 16
 * mark-compacts by default; 128, 67 MB and 8 with this, ~5% less CPU for
 * the process. The cost is memory: at most ~130 MiB more per worker.
 */
const WORKER_YOUNG_GENERATION_MB = 192;

/**
 * The pending jobs on `pool` (destroyed by the caller): one lane per thread
 * takes the next job (longest expected first, see longest-first.ts) as soon
 * as its last one returns, and stores the result while the next one runs.
 */
async function runInPool(pool: SweepPool, opts: GridSweepOptions, points: readonly SweepPoint[], pending: Job[], finish: Finish, fail: Fail): Promise<void> {
  // One controller cancels everything: the caller's abort, or a failure to
  // store a result (a run that throws is recorded and does not stop the rest).
  const stop = new AbortController();
  // Every running job listens on this one signal: one per thread, more than Node's warning threshold on a large machine.
  setMaxListeners(pool.maxThreads + 10, stop.signal);
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  const stopOn = (err: unknown) => {
    failure ??= err;
    stop.abort();
  };
  const order = new LongestFirst(pending);
  const stores: Array<Promise<void>> = [];
  const lane = async () => {
    for (let job = order.next(); job && !stop.signal.aborted; job = order.next()) {
      const t0 = performance.now();
      let rec: RunRecord;
      try {
        rec = await pool.run({ scenario: points[job.point]!.scenario, policy: job.policy, seed: job.seed }, { signal: stop.signal });
      } catch (err) {
        if (stop.signal.aborted) return; // cancelled by us; the cause is recorded
        await fail(job, err).catch(stopOn);
        continue;
      }
      order.took(job, performance.now() - t0);
      // A run that completed is kept even if we are stopping: resume skips it.
      stores.push(finish(job, rec).catch(stopOn));
    }
  };
  try {
    await Promise.all(Array.from({ length: pool.maxThreads }, lane));
    await Promise.all(stores);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) throw new SweepAbortedError(opts.signal.reason);
  if (failure !== undefined) throw failure;
}

async function runOnRedis(url: string, signal: AbortSignal | undefined, points: readonly SweepPoint[], pending: Job[], finish: Finish, fail: Fail): Promise<void> {
  // Imported lazily: local sweeps never load BullMQ.
  const { runViaRedis } = await import('./redis.js');
  const runs = pending.map((job) => ({ scenarioKey: points[job.point]!.scenarioKey, scenario: points[job.point]!.scenario, policy: job.policy, seed: job.seed }));
  await runViaRedis(
    url,
    codeVersion(),
    runs,
    (i, rec) => finish(pending[i]!, rec),
    (i, err) => fail(pending[i]!, err),
    signal,
  );
  if (signal?.aborted) throw new SweepAbortedError(signal.reason);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
