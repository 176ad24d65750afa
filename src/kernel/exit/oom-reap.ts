// mm/oom_kill.c: process_mrelease() and __oom_reap_task_mm(). A reaper
// frees the victim's anonymous memory in its own context while the victim
// may still be exiting; each PMD is zapped once, by whoever takes its PTE
// lock first. What the reaper frees is freed synchronously: task_is_dying()
// is false for the reaper, so no async policy applies.

import type { Program, TaskCtx } from '../../engine/steps.js';
import type { Kernel } from '../kernel.js';
import { MmuGather } from '../mm/mmu-gather.js';
import type { KProcess } from '../process.js';
import type { Task } from '../sched/task.js';
import { tlbFinishMmu, unmapVmas } from './zap.js';

export type MreleaseResult = 'reaped' | 'skipped' | 'no-mm' | 'not-dying';

/** process_mrelease(pidfd): returns what it did. */
export function* processMrelease(K: Kernel, k: TaskCtx, reaper: Task, victim: KProcess, out: { result: MreleaseResult }): Program {
  yield k.work(K.costs.process_mrelease_syscall_ns);
  yield k.call(reapTaskMm(K, k, reaper, victim, out, 'process_mrelease'));
}

/**
 * __oom_reap_task_mm() on `victim` in `reaper`'s context, the part
 * process_mrelease() and the oom reaper kthreads share; `counter` names the
 * vmstat counter and trace span of the caller.
 */
export function* reapTaskMm(K: Kernel, k: TaskCtx, reaper: Task, victim: KProcess, out: { result: MreleaseResult }, counter: 'process_mrelease' | 'oom_reaper'): Program {
  // task_will_free_mem(): the victim must be dying; its mm must still be there.
  if (!victim.sigkill) {
    out.result = 'not-dying';
    return;
  }
  const mm = victim.mm ?? (victim.dead ? null : victim.originalMm);
  if (!mm) {
    out.result = 'no-mm';
    return;
  }
  if (mm.flags.MMF_OOM_SKIP) {
    out.result = 'skipped';
    return;
  }
  const t0 = K.now;
  yield k.lock(mm.mmapLock, false); // mmap_read_lock_killable
  if (!mm.flags.MMF_OOM_SKIP) {
    const tlb = new MmuGather(mm, reaper, false);
    K.policy.tlbGatherMmu?.(K, tlb);
    yield k.call(unmapVmas(K, k, tlb, K.preset.reaperReverseWalk));
    yield* tlbFinishMmu(K, k, tlb);
    out.result = 'reaped';
  } else out.result = 'skipped';
  yield k.unlock(mm.mmapLock);
  mm.flags.MMF_OOM_SKIP = true;
  K.vmstat.count(counter);
  if (K.core.trace.enabled) K.core.trace.span(reaper, `${counter}(${victim.name})`, t0, K.now);
}
