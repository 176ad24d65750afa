// The swap-free policy hooks: the kernel's call sites a policy plugs into
// (DESIGN.md "Swap-free policies"). A policy decides, at each free_swap_and_cache_nr() call site in
// zap_pte_range (exit and reapers alike), whether the runs are freed now in
// the caller's context or parked for later, and may act at tlb_gather_mmu /
// tlb_finish_mmu, do_exit begin and end, and the allocator's slow path.
//
// Hooks that take time are generators yielding scheduler steps; what a
// policy calls back into is the kernel's own API: freeSwapRunsSync
// (swap/swap-free.ts), K.parked (swap/parked-swap.ts), workqueues and locks.
// Policy modules themselves live in src/policies/.

import type { Program, TaskCtx } from '../engine/steps.js';
import type { Kernel } from './kernel.js';
import type { MmuGather } from './mm/mmu-gather.js';
import type { Task } from './sched/task.js';
import type { SwapRun } from './swap/swap-info.js';

export interface SwapFreePolicy {
  readonly name: string;
  /** Boot: allocate workqueues, locks, counters. */
  init?(K: Kernel): void;
  /** tlb_gather_mmu(): a zap starts (exit_mmap, munmap, a reaper). */
  tlbGatherMmu?(K: Kernel, tlb: MmuGather): void;
  /**
   * zap_nonpresent_ptes() → free_swap_and_cache_nr() for the runs of one
   * PMD, under its PTE lock. The default frees them synchronously.
   */
  zapSwapRuns(K: Kernel, k: TaskCtx, tlb: MmuGather, runs: SwapRun[]): Program;
  /** tlb_finish_mmu(): the zap is over. */
  tlbFinishMmu?(K: Kernel, k: TaskCtx, tlb: MmuGather): Program;
  doExitBegin?(K: Kernel, task: Task): void;
  doExitEnd?(K: Kernel, task: Task): void;
  /** __alloc_pages_may_oom(): reclaim made no progress. */
  allocMayOom?(K: Kernel, task: Task): void;
}
