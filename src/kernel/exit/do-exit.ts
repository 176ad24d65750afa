// kernel/exit.c do_exit() -> exit_mm() -> mmput() -> mm/mmap.c exit_mmap().
// The long sub-paths are `call` steps, not `yield*` (engine/steps.ts): each
// step of the free path under them then resumes fewer generators.

import type { Program, TaskCtx } from '../../engine/steps.js';
import type { Kernel } from '../kernel.js';
import { MmuGather } from '../mm/mmu-gather.js';
import type { KProcess } from '../process.js';
import type { Task } from '../sched/task.js';
import { processDied } from './signal.js';
import { tlbFinishMmu, unmapVmas } from './zap.js';

/** The dying thread's path from the signal to its death. */
export function* doExit(K: Kernel, k: TaskCtx, task: Task, proc: KProcess): Program {
  const t0 = K.now;
  K.policy.doExitBegin?.(K, task);
  // The thread that drops the last reference tears down what the threads share (mmput ->
  // exit_mmap, exit_files, exit_fs: exit_other_ns); every other thread only drops its
  // references (exit_thread_ns).
  const c = K.costs;
  // exit_signals, exit_mm's preamble: a share of the non-mm exit work comes first.
  const preNs = (proc.sharedUsers === 1 ? c.exit_other_ns : c.exit_thread_ns) * 0.3;
  yield k.work(preNs);
  const last = --proc.sharedUsers === 0; // mmput(): mm_users drops to zero
  const mm = proc.mm;
  if (mm && last) {
    proc.mm = null; // exit_mm: the task drops its mm; the last user runs exit_mmap
    if (!K.policy.exitMm?.(K, task, proc, mm)) yield k.call(exitMmap(K, k, task, proc, mm));
  }
  // exit_files, exit_fs, exit_notify, cgroup_exit ...
  // The last thread pays the rest of the whole teardown, whichever share its preamble paid.
  yield k.work(last ? c.exit_other_ns - preNs : c.exit_thread_ns * 0.7);
  K.policy.doExitEnd?.(K, task);
  if (K.core.trace.enabled) K.core.trace.span(task, 'do_exit', t0, K.now);
  proc.liveThreads--;
  if (proc.liveThreads === 0) processDied(K, proc);
}

export function* exitMmap(K: Kernel, k: TaskCtx, task: Task, proc: KProcess, mm = proc.originalMm): Program {
  const t0 = K.now;
  mm.exiting = true;
  yield k.lock(mm.mmapLock, false); // mmap_read_lock
  const tlb = new MmuGather(mm, task, true); // tlb_gather_mmu_fullmm
  K.policy.tlbGatherMmu?.(K, tlb);
  yield k.call(unmapVmas(K, k, tlb, false));
  yield k.unlock(mm.mmapLock);
  // After unmap_vmas nothing is left for the reapers (mm/mmap.c: set_bit(MMF_OOM_SKIP)).
  mm.flags.MMF_OOM_SKIP = true;
  yield k.lock(mm.mmapLock, true); // mmap_write_lock
  const pgNs = mm.chunks.length * K.costs.free_pgtables_per_pmd_ns;
  const tp = K.now;
  yield k.work(pgNs);
  if (K.core.trace.enabled) K.core.trace.span(task, 'free_pgtables', tp, K.now);
  yield k.call(tlbFinishMmu(K, k, tlb));
  yield k.work(mm.nrVmas * K.costs.remove_vma_ns); // remove_vma loop
  yield k.unlock(mm.mmapLock);
  if (K.core.trace.enabled) K.core.trace.span(task, 'exit_mmap', t0, K.now);
}

/** munmap() of the whole anonymous mapping by a live task (the microbenchmark). */
export function* munmapAll(K: Kernel, k: TaskCtx, task: Task, proc: KProcess): Program {
  const mm = proc.originalMm;
  const t0 = K.now;
  yield k.lock(mm.mmapLock, true);
  const tlb = new MmuGather(mm, task, false);
  K.policy.tlbGatherMmu?.(K, tlb);
  yield k.call(unmapVmas(K, k, tlb, false));
  yield k.work(mm.chunks.length * K.costs.free_pgtables_per_pmd_ns);
  yield k.call(tlbFinishMmu(K, k, tlb));
  yield k.unlock(mm.mmapLock);
  if (K.core.trace.enabled) K.core.trace.span(task, 'munmap', t0, K.now);
}
