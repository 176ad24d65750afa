// What every async policy's worker does with its parked runs: free them with
// free_swap_and_cache_nr in the worker's context, a PMD's worth per step, and
// count them as parked until they are really freed.

import type { Program, TaskCtx } from '../engine/steps.js';
import type { Kernel, SwapRun } from '../kernel/kernel.js';
import type { Task } from '../kernel/sched/task.js';
import { batchRuns, freeSwapRunsSync } from '../kernel/swap/swap-free.js';

/**
 * Frees `runs` in `worker`'s context. `onFreed(entries)` lets the policy drop
 * its own count; `perRecordNs` is extra work per run (e.g. kmem_cache_free of
 * a record).
 */
export function* freeParkedRuns(K: Kernel, k: TaskCtx, worker: Task, runs: readonly SwapRun[], onFreed: (entries: number) => void, perRecordNs = 0): Program {
  for (const group of batchRuns(K, runs)) {
    const entries = group.reduce((a, r) => a + r.nr, 0);
    // The group leaves the parked set as it enters the free path (K.inFreePath counts it there).
    onFreed(entries);
    K.deferredChanged(-entries, -K.runBytes(group));
    yield* freeSwapRunsSync(K, k, worker, group);
    if (perRecordNs > 0) yield k.work(group.length * perRecordNs);
  }
}
