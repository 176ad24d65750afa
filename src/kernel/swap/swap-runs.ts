// Runs of contiguous swap slots, as swap_pte_batch() finds them in one
// zap_pte_range() call and as the patches' gathers and lists park them:
// struct-of-arrays, run i covering slots [start[i], start[i] + nr[i]).
// A camera-launch exit hands the free path about a million runs of one or
// two entries; an object per run was a tenth of the simulation (allocation,
// collection, and scattered reads in every pass over them).

import { grown } from '../../engine/typed-arrays.js';

/** One run of contiguous swap slots (what SwapRuns.at() reads, SwapRuns.of() takes). */
export interface SwapRun {
  start: number;
  nr: number;
}

const INITIAL_CAPACITY = 16;

export class SwapRuns {
  /** First slot of each run; valid up to `length`. */
  start: Int32Array;
  /** Slots in each run; valid up to `length`. */
  nr: Int32Array;
  length = 0;
  /** Slots over all runs. */
  entries = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.start = new Int32Array(capacity);
    this.nr = new Int32Array(capacity);
  }

  static of(runs: readonly SwapRun[]): SwapRuns {
    const out = new SwapRuns(Math.max(1, runs.length));
    for (const r of runs) out.push(r.start, r.nr);
    return out;
  }

  push(start: number, nr: number): void {
    const i = this.length;
    if (i === this.start.length) this.grow(2 * i + 1);
    this.start[i] = start;
    this.nr[i] = nr;
    this.length = i + 1;
    this.entries += nr;
  }

  /** Appends [start, start + nr), merged into the last run when it continues it (as swap_pte_batch() extends a batch). */
  pushMerging(start: number, nr: number): void {
    const last = this.length - 1;
    if (last >= 0 && this.start[last]! + this.nr[last]! === start) {
      this.nr[last]! += nr;
      this.entries += nr;
    } else this.push(start, nr);
  }

  /** Appends run `i` of `from`. */
  pushRun(from: SwapRuns, i: number): void {
    this.push(from.start[i]!, from.nr[i]!);
  }

  /** Appends all of `other`'s runs. */
  append(other: SwapRuns): void {
    const n = this.length + other.length;
    if (n > this.start.length) this.grow(Math.max(n, 2 * this.start.length));
    this.start.set(other.start.subarray(0, other.length), this.length);
    this.nr.set(other.nr.subarray(0, other.length), this.length);
    this.length = n;
    this.entries += other.entries;
  }

  /** Runs [from, to) as a SwapRuns over the same memory: read it only while this one is unchanged. */
  view(from: number, to: number): SwapRuns {
    const v = new SwapRuns(0);
    v.start = this.start.subarray(from, to);
    v.nr = this.nr.subarray(from, to);
    v.length = to - from;
    for (let i = 0; i < v.length; i++) v.entries += v.nr[i]!;
    return v;
  }

  /** One view per run (fine aggregation: one free_swap_and_cache_nr call per run). */
  singles(): SwapRuns[] {
    const out: SwapRuns[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.view(i, i + 1));
    return out;
  }

  /** No runs (the arrays are kept for reuse). */
  clear(): void {
    this.length = 0;
    this.entries = 0;
  }

  at(i: number): SwapRun {
    return { start: this.start[i]!, nr: this.nr[i]! };
  }

  toArray(): SwapRun[] {
    const out: SwapRun[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i));
    return out;
  }

  private grow(capacity: number): void {
    this.start = grown(this.start, capacity);
    this.nr = grown(this.nr, capacity);
  }
}

/** Zero runs, shared: never pushed to. */
export const NO_SWAP_RUNS = new SwapRuns(0);

/**
 * SwapRuns lent to one zap_pte_range() call for the runs it hands the
 * policy: the call keeps them across its yields, gives them back after the
 * policy's hook returns (a policy that keeps runs copies them).
 */
const spare: SwapRuns[] = [];

export function lendSwapRuns(): SwapRuns {
  const r = spare.pop();
  if (r === undefined) return new SwapRuns();
  r.clear();
  return r;
}

export function giveBackSwapRuns(r: SwapRuns): void {
  if (r !== NO_SWAP_RUNS) spare.push(r);
}
