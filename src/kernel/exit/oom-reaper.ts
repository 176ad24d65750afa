// mm/oom_kill.c oom_reaper, made parallel as Shakeel Butt proposes
// (seeds/002, "making oom reaper able to reap processes in parallel"): a
// list of victims and N reaper kthreads; each takes the next victim and
// reaps it with __oom_reap_task_mm (reapTaskMm, the code process_mrelease
// runs). Today's kernel has one oom_reaper kthread reaping one mm at a time,
// and queues OOM-killer victims only after OOM_REAPER_DELAY (2 s).
//
// Simplification: the reaper takes mmap_read_lock blocking, as
// process_mrelease does, instead of oom_reap_task's mmap_read_trylock with
// 10 retries HZ/10 apart; an exiting victim holds the lock for read during
// unmap_vmas, so the two only conflict once exit_mmap takes it for write,
// after MMF_OOM_SKIP, when there is nothing left to reap.

import { WaitQueue, type Program, type TaskCtx } from '../../engine/steps.js';
import type { Kernel } from '../kernel.js';
import type { KProcess } from '../process.js';
import type { Task } from '../sched/task.js';
import { reapTaskMm, type MreleaseResult } from './oom-reap.js';

export interface OomReaperSpec {
  /** Reaper kthreads reaping at once (today: 1). */
  threads: number;
  /** Their nice level (the oom_reaper kthread runs at 0). */
  nice: number;
  /** Delay between queueing a victim and reaping it (OOM_REAPER_DELAY is 2 s for OOM-killer victims). */
  delayNs: number;
}

export class OomReaper {
  /** Victims reaped, and how many mms were being reaped at once at most. */
  reaped = 0;
  maxConcurrentReaping = 0;
  private reaping = 0;
  private readonly list: Array<{ victim: KProcess; dueNs: number }> = [];
  private readonly wait = new WaitQueue('oom_reaper_wait');
  private readonly queued = new Set<KProcess>();

  constructor(
    private readonly K: Kernel,
    readonly spec: OomReaperSpec,
  ) {
    if (!Number.isInteger(spec.threads) || spec.threads < 1) throw new RangeError(`oom reaper: ${spec.threads} threads`);
    for (let i = 0; i < spec.threads; i++) {
      K.sched.spawn({ name: `oom_reaper/${i}`, proc: K.core.workqueues.kthreadd, nice: spec.nice, cpuset: 'all', category: 'kworker' }, (k, t) => this.reaperThread(k, t));
    }
  }

  /** queue_oom_reaper(): put `victim` on the list (once) and wake a reaper. */
  queue(victim: KProcess): void {
    if (this.queued.has(victim)) return;
    this.queued.add(victim);
    this.list.push({ victim, dueNs: this.K.now + this.spec.delayNs });
    for (const w of this.wait.wakeAll()) this.K.sched.wake(w);
  }

  /** Victims queued or being reaped. */
  get busy(): boolean {
    return this.list.length > 0 || this.reaping > 0;
  }

  private *reaperThread(k: TaskCtx, t: Task): Program {
    const K = this.K;
    for (;;) {
      const next = this.list.shift();
      if (!next) {
        yield k.wait(this.wait);
        continue;
      }
      this.reaping++;
      this.maxConcurrentReaping = Math.max(this.maxConcurrentReaping, this.reaping);
      if (next.dueNs > K.now) yield k.sleep(next.dueNs - K.now);
      const out: { result: MreleaseResult } = { result: 'skipped' };
      yield k.call(reapTaskMm(K, k, t, next.victim, out, 'oom_reaper'));
      if (out.result === 'reaped') this.reaped++;
      this.reaping--;
    }
  }
}
