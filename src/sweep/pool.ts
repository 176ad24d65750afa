// Run every (policy, seed) job of one scenario, in parallel worker threads,
// resuming from and saving to the results store. Results come back in
// (policy, seed) order whatever order the workers finish in, so reports built
// from a sweep are byte-identical run to run. A job that throws does not stop
// the others: its message is stored as a failed run, and once every job has
// finished the sweep rejects with a SweepFailedError carrying both the
// finished records and the failures.
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { RunRecord } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';
import { jobKey, openResultsDb, type RunMeta } from '../store/results-db.js';
import { codeVersion, scenarioHash } from './scenario-key.js';
import type { SweepTask } from './worker.js';

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
}

/** One job that threw instead of returning a record. */
export interface SweepFailure {
  policy: string;
  seed: number;
  message: string;
}

/**
 * Rejection of a sweep in which some jobs failed; every other job finished
 * (and is stored). `records` are the finished ones, in (policy, seed) order.
 */
export class SweepFailedError extends Error {
  override name = 'SweepFailedError';
  constructor(
    readonly records: RunRecord[],
    readonly failures: SweepFailure[],
    readonly total: number,
  ) {
    super(`${failures.length} of ${total} runs failed: ${failures.map((f) => `policy=${f.policy} seed=${f.seed}: ${f.message}`).join('; ')}`);
  }
}

/** Rejection of a cancelled sweep; `name` is 'AbortError' like DOM/Node aborts. */
export class SweepAbortedError extends Error {
  override name = 'AbortError';
  readonly code = 'ABORT_ERR';
  constructor(reason?: unknown) {
    super('sweep aborted', { cause: reason });
  }
}

interface Job {
  index: number;
  policy: string;
  seed: number;
}

// Under vitest/tsx this module is the .ts source and there is no compiled
// worker beside it, so jobs run inline instead.
const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_FILE = new URL('./worker.js', import.meta.url);

export async function runSweep(opts: SweepOptions): Promise<RunRecord[]> {
  const { scenarioKey, signal } = opts;
  if (signal?.aborted) throw new SweepAbortedError(signal.reason);

  const policies = [...new Set(opts.policies)];
  const seeds = [...new Set(opts.seeds)];
  const jobs: Job[] = policies.flatMap((policy, p) => seeds.map((seed, s) => ({ index: p * seeds.length + s, policy, seed })));
  const results: Array<RunRecord | undefined> = new Array(jobs.length);

  const db = opts.dbPath !== undefined ? await openResultsDb(opts.dbPath) : undefined;
  try {
    const meta: RunMeta | undefined = db && {
      scenario: opts.scenario.name,
      scenarioHash: scenarioHash(opts.scenario),
      codeVersion: codeVersion(),
      params: opts.params ?? {},
    };
    const stored = db ? await db.finishedRuns(scenarioKey) : new Map<string, RunRecord>();
    const pending: Job[] = [];
    for (const job of jobs) {
      const rec = stored.get(jobKey(job.policy, job.seed));
      if (rec) results[job.index] = rec;
      else pending.push(job);
    }

    let done = 0;
    const failures: SweepFailure[] = [];
    // Store first, then report: a crash in the callback loses no result.
    const finish = async (job: Job, rec: RunRecord) => {
      results[job.index] = rec;
      await db?.put(scenarioKey, job.policy, job.seed, rec, meta);
      done++;
      opts.onProgress?.(done, pending.length, rec);
    };
    const fail = async (job: Job, err: unknown) => {
      const failure = { policy: job.policy, seed: job.seed, message: errorMessage(err) };
      failures.push(failure);
      await db?.putFailure(scenarioKey, job.policy, job.seed, failure.message, meta);
      opts.onFailure?.(failure);
    };

    if (pending.length > 0) {
      if (opts.runner || RUNNING_FROM_SOURCE) await runInline(opts, pending, finish, fail, opts.runner ?? (await loadRunScenario()));
      else await runInPool(opts, pending, finish, fail);
    }
    if (failures.length > 0) {
      const order = new Map(jobs.map((j) => [`${j.policy}\0${j.seed}`, j.index]));
      failures.sort((a, b) => order.get(`${a.policy}\0${a.seed}`)! - order.get(`${b.policy}\0${b.seed}`)!);
      throw new SweepFailedError(results.filter((r): r is RunRecord => r !== undefined), failures, jobs.length);
    }
    return results as RunRecord[];
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

async function runInline(opts: SweepOptions, pending: Job[], finish: Finish, fail: Fail, runner: SweepRunner): Promise<void> {
  for (const job of pending) {
    if (opts.signal?.aborted) throw new SweepAbortedError(opts.signal.reason);
    let rec: RunRecord;
    try {
      rec = await runner(opts.scenario, { policy: job.policy, seed: job.seed });
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

async function runInPool(opts: SweepOptions, pending: Job[], finish: Finish, fail: Fail): Promise<void> {
  const threads = Math.max(1, Math.min(opts.maxThreads ?? availableParallelism(), availableParallelism(), pending.length));
  const pool = new Piscina<SweepTask, RunRecord>({
    filename: fileURLToPath(WORKER_FILE),
    minThreads: Math.min(2, threads),
    maxThreads: threads,
  });
  // One controller cancels everything: the caller's abort, or a failure to
  // store a result (a run that throws is recorded and does not stop the rest).
  const stop = new AbortController();
  // Every queued job listens on this one signal; that many listeners is intended, not a leak.
  setMaxListeners(pending.length + 10, stop.signal);
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  try {
    await Promise.all(
      pending.map((job) =>
        pool.run({ scenario: opts.scenario, policy: job.policy, seed: job.seed }, { signal: stop.signal }).then(
          async (rec) => {
            // A run that completed is kept even if we are stopping: resume skips it.
            try {
              await finish(job, rec);
            } catch (err) {
              failure ??= err;
              stop.abort();
            }
          },
          async (err: unknown) => {
            if (stop.signal.aborted) return; // cancelled by us; the cause is recorded
            try {
              await fail(job, err);
            } catch (storeErr) {
              failure ??= storeErr;
              stop.abort();
            }
          },
        ),
      ),
    );
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool.destroy();
  }
  if (opts.signal?.aborted) throw new SweepAbortedError(opts.signal.reason);
  if (failure !== undefined) throw failure;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
