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
import type { MmStruct } from './mm/mm-struct.js';
import type { MmuGather } from './mm/mmu-gather.js';
import type { KProcess } from './process.js';
import type { Task } from './sched/task.js';
import type { SwapRuns } from './swap/swap-runs.js';

export interface SwapFreePolicy {
  readonly name: string;
  /** Boot: allocate workqueues, locks, counters. */
  init?(K: Kernel): void;
  /** tlb_gather_mmu(): a zap starts (exit_mmap, munmap, a reaper). */
  tlbGatherMmu?(K: Kernel, tlb: MmuGather): void;
  /**
   * zap_nonpresent_ptes() → free_swap_and_cache_nr() for the runs of one
   * PMD, under its PTE lock. The default frees them synchronously. `runs`
   * is lent for the call: a policy that keeps runs copies them
   * (SwapRuns.append / pushRun).
   */
  zapSwapRuns(K: Kernel, k: TaskCtx, tlb: MmuGather, runs: SwapRuns): Program;
  /** tlb_finish_mmu(): the zap is over. */
  tlbFinishMmu?(K: Kernel, k: TaskCtx, tlb: MmuGather): Program;
  doExitBegin?(K: Kernel, task: Task): void;
  doExitEnd?(K: Kernel, task: Task): void;
  /** __alloc_pages_may_oom(): reclaim made no progress. */
  allocMayOom?(K: Kernel, task: Task): void;
  /** SIGKILL was just delivered to `proc` (kill(2), cgroup.kill, LMKD). */
  processKilled?(K: Kernel, proc: KProcess): void;
  /**
   * exit_mm() of the last thread, before exit_mmap(): return true when the
   * policy took `mm` over (someone else will run exit_mmap on it).
   */
  exitMm?(K: Kernel, task: Task, proc: KProcess, mm: MmStruct): boolean;
  /**
   * zram_free_page() -> zs_free() for `slots` whose swap-side work is done:
   * when present, the policy frees their zsmalloc objects (now or later)
   * instead of the caller (see zramFree in swap/swap-free.ts). `slots` is
   * valid until the program ends (the free path reuses its array): copy what
   * must outlive it.
   */
  zsFree?(K: Kernel, k: TaskCtx, task: Task, slots: Int32Array): Program;
  /** Work the policy still has in flight outside workqueues (the end-of-run drain waits for it). */
  inFlight?(): boolean;
}
