// How a sweep ends other than with every record: some jobs failed, or it was
// cancelled. Apart from the pool so the CLI's error path can recognise them
// without loading the worker pool (piscina) for every command.
import type { RunRecord } from '../metrics/types.js';

/** One job that threw instead of returning a record. */
export interface SweepFailure {
  /** Index into the grid sweep's points (0 for runSweep). */
  point: number;
  policy: string;
  seed: number;
  message: string;
  /** The error's stack, shown with --debug. */
  stack?: string;
}

/**
 * Rejection of a sweep in which some jobs failed; every other job finished
 * (and is stored). `byPoint[i]` are the finished runs of point i, in
 * (policy, seed) order; `records` is their concatenation.
 */
export class SweepFailedError extends Error {
  override name = 'SweepFailedError';
  constructor(
    readonly byPoint: RunRecord[][],
    readonly failures: SweepFailure[],
    readonly total: number,
  ) {
    super(`${failures.length} of ${total} runs failed: ${failures.map((f) => `policy=${f.policy} seed=${f.seed}: ${f.message}`).join('; ')}`);
  }

  get records(): RunRecord[] {
    return this.byPoint.flat();
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
