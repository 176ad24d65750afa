// A user process as the kernel model sees it: its threads, mm_struct, the
// kill and death times, and the pidfd LMKD waits on.

import { Completion, WaitQueue } from '../engine/steps.js';
import type { MmStruct } from './mm/mm-struct.js';
import type { CpuCategory, Proc, Task } from './sched/task.js';

export class KProcess implements Proc {
  readonly threads: Task[] = [];
  /** mm_struct until exit_mm() detaches it. */
  mm: MmStruct | null;
  readonly originalMm: MmStruct;
  killedAtNs = -1;
  deadAtNs = -1;
  /** pidfd: completes when the last thread is dead (do_notify_pidfd). */
  readonly pidfd: Completion;
  /** Signal delivery wakes threads sleeping here. */
  readonly signalWait: WaitQueue;
  /** SIGKILL pending (fatal_signal_pending) for task_is_dying(). */
  sigkill = false;
  liveThreads = 0;
  /** Threads still holding the shared mm, files and fs (mm->mm_users and friends): the last put tears them down. */
  sharedUsers = 0;

  constructor(
    readonly pid: number,
    readonly name: string,
    readonly cgroup: string,
    mm: MmStruct,
    public oomScoreAdj: number,
    public category: CpuCategory,
  ) {
    this.mm = mm;
    this.originalMm = mm;
    this.pidfd = new Completion(`pidfd:${pid}`);
    this.signalWait = new WaitQueue(`signal:${pid}`);
  }

  get dead(): boolean {
    return this.deadAtNs >= 0;
  }
}

/** The pid table: every process the scenario created, by pid. */
export class ProcessTable {
  readonly all: KProcess[] = [];
  private readonly byPid = new Map<number, KProcess>();
  private pidNext = 1000;

  nextPid(): number {
    return this.pidNext++;
  }

  add(p: KProcess): void {
    this.all.push(p);
    this.byPid.set(p.pid, p);
  }

  get(pid: number): KProcess | undefined {
    return this.byPid.get(pid);
  }
}
