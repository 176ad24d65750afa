// Swap entries a policy took off the free path to free later (the patches'
// gathers and lists). The kernel counts them once, here: a policy parks
// runs, and a worker frees them through freeInWorker(), where they stop
// counting as parked as they enter free_swap_and_cache_nr().

import { SimulationError } from '../../engine/engine.js';
import type { Program, TaskCtx } from '../../engine/steps.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../sched/task.js';
import type { SwapRuns } from './swap-runs.js';
import { batchRuns, freeSwapRunsSync } from './swap-free.js';

export class ParkedSwap {
  /** Entries parked right now (conservation: detached = parked + in a free path). */
  entries = 0;

  constructor(private readonly K: Kernel) {}

  /** A policy parks `runs` (zapped, not yet put to the swap map). */
  park(runs: SwapRuns): void {
    this.changed(runs.entries, runs, 1);
  }

  /**
   * Frees parked `runs` in `worker`'s context, a PMD's worth per step (one
   * free_swap_and_cache_nr call per run in fine mode). `perRecordNs` is the
   * policy's own work per run (e.g. kmem_cache_free of a record).
   */
  *freeInWorker(k: TaskCtx, worker: Task, runs: SwapRuns, perRecordNs = 0): Program {
    const K = this.K;
    for (const group of batchRuns(K, runs)) {
      this.changed(group.entries, group, -1);
      yield k.call(freeSwapRunsSync(K, k, worker, group));
      if (perRecordNs > 0) yield k.work(group.length * perRecordNs);
    }
  }

  private changed(entries: number, runs: SwapRuns, sign: 1 | -1): void {
    const K = this.K;
    this.entries += sign * entries;
    if (this.entries < 0) throw new SimulationError('parked-negative', `${this.entries} parked swap entries`);
    const trace = K.core.trace;
    if (trace.mm.length === 0) return;
    let bytes = 0;
    for (let i = 0; i < runs.length; i++) for (let s = runs.start[i]!, e = s + runs.nr[i]!; s < e; s++) bytes += K.zram.objectBytes(s);
    trace.swapEntriesParked(sign * entries, sign * bytes, K.now);
  }
}
