// kernel/signal.c and kernel/exit.c, the parts the exit path needs: SIGKILL
// delivery, task_is_dying(), and the notification when the last thread dies.

import type { Kernel } from '../kernel.js';
import { KProcess } from '../process.js';
import type { Task } from '../sched/task.js';

/** SIGKILL: marks the process dying and wakes its threads into do_exit. */
export function sendSigkill(K: Kernel, proc: KProcess): void {
  if (proc.sigkill || proc.dead) return;
  proc.sigkill = true;
  proc.killedAtNs = K.now;
  K.vmstat.count('sigkill');
  for (const t of proc.threads) t.category = 'exiting';
  for (const t of proc.signalWait.wakeAll()) K.sched.wake(t);
  K.core.trace.processKilled(proc, K.now);
  K.policy.processKilled?.(K, proc);
}

/** task_is_dying(): tsk_is_oom_victim || fatal_signal_pending || PF_EXITING, of `current`. */
export function taskIsDying(task: Task): boolean {
  return task.proc instanceof KProcess && task.proc.sigkill;
}

/** exit_notify(): the last thread finished do_exit; pidfd waiters (LMKD) wake. */
export function processDied(K: Kernel, proc: KProcess): void {
  proc.deadAtNs = K.now;
  for (const t of proc.pidfd.completeAll()) K.sched.wake(t);
  K.core.trace.processDied(proc, K.now);
}
