// task_struct as the model needs it: scheduling class and weight, affinity,
// the step program, and per-state time accounting.

import type { EventTarget } from '../../engine/engine.js';
import { asDoubleFields } from '../../engine/double-fields.js';
import { TaskCtx, type Program, type StepTask } from '../../engine/steps.js';
import type { CpuMask } from './topology.js';

/** Who CPU time is charged to in reports (the accounting label of a task). */
export type CpuCategory = 'exiting' | 'kworker' | 'foreground' | 'system' | 'lmkd' | 'background' | 'idle';
export const CPU_CATEGORIES: readonly CpuCategory[] = ['exiting', 'kworker', 'foreground', 'system', 'lmkd', 'background', 'idle'];
/** A category's index in CPU_CATEGORIES: observers keep per-category figures in arrays. */
export const CPU_CATEGORY_INDEX = Object.fromEntries(CPU_CATEGORIES.map((c, i) => [c, i])) as Record<CpuCategory, number>;

export type SchedPolicy = 'fair' | 'fifo';
export type TaskState = 'runnable' | 'running' | 'spinning' | 'sleeping' | 'dead';
export const TASK_STATES: readonly TaskState[] = ['runnable', 'running', 'spinning', 'sleeping', 'dead'];

/** A thread group (process): what per-process accounting sums over. */
export interface Proc {
  readonly pid: number;
  readonly name: string;
  readonly cgroup: string;
}

export interface TaskSpec {
  name: string;
  proc: Proc;
  policy?: SchedPolicy;
  nice?: number;
  rtPriority?: number;
  affinity?: CpuMask;
  /** Named cpuset; affinity defaults to it. */
  cpuset?: string;
  category: CpuCategory;
  /** Created asleep (like a kthread parked at boot): it first runs when woken. */
  startSleeping?: boolean;
}

export class TaskAccounting {
  runningNs = 0;
  spinningNs = 0;
  runnableNs = 0;
  sleepingNs = 0;

  constructor() {
    asDoubleFields(this, ['runningNs', 'spinningNs', 'runnableNs', 'sleepingNs']);
  }

  add(state: TaskState, ns: number): void {
    switch (state) {
      case 'running':
        this.runningNs += ns;
        break;
      case 'spinning':
        this.spinningNs += ns;
        break;
      case 'runnable':
        this.runnableNs += ns;
        break;
      case 'sleeping':
        this.sleepingNs += ns;
        break;
      case 'dead':
        break;
      default: {
        const never: never = state;
        throw new Error(`state ${String(never)}`);
      }
    }
  }

  /** CPU time: executing plus spinning on locks. */
  get cpuNs(): number {
    return this.runningNs + this.spinningNs;
  }
}

/** Receives a task's own timer events (work done, sleep over, lock granted). */
export interface TaskEventOwner {
  onTaskEvent(task: Task, tag: number): void;
}

export class Task implements StepTask, EventTarget {
  readonly ctx = new TaskCtx();
  readonly acct = new TaskAccounting();
  state: TaskState = 'sleeping';
  stateSinceNs = 0;
  /** CPU the task runs on, or ran on last. */
  cpu = -1;
  vruntime = 0;
  weight = 1024;
  /** >0 while holding or spinning on a spinlock: not preemptible. */
  preemptCount = 0;
  needResched = false;
  /** Remaining CPU work of the current `work` step, ns at capacity 1024. */
  workLeftNs = 0;
  /** Pending timer (sleep end or wait timeout). */
  timer = -1;
  /** Set while the program must be stepped once the task is on a CPU. */
  resume = false;
  exitNs = -1;
  /** The step program; set once at spawn (it needs this task's ctx to build). */
  program!: Program;
  /** Programs waiting for the one running to end (TaskCtx.call), innermost last. */
  readonly callers: Program[] = [];
  /** Who the task's CPU time is charged to (occupancy plots, energy); see `category`. */
  private cat!: CpuCategory;
  /** CPU_CATEGORY_INDEX of the category, read by observers on every CPU slice. */
  categoryIndex = 0;

  constructor(
    readonly tid: number,
    readonly fpId: number,
    public name: string,
    readonly proc: Proc,
    public policy: SchedPolicy,
    public nice: number,
    public rtPriority: number,
    public affinity: CpuMask,
    public cpuset: string,
    category: CpuCategory,
    private readonly owner: TaskEventOwner,
  ) {
    this.category = category;
    // Times in ns and the vruntime: doubles from the start (engine/double-fields.ts).
    asDoubleFields(this, ['stateSinceNs', 'vruntime', 'workLeftNs', 'exitNs']);
  }

  get category(): CpuCategory {
    return this.cat;
  }

  /** Re-labelled when the task's process is killed or changes state (foreground, background). */
  set category(c: CpuCategory) {
    this.cat = c;
    this.categoryIndex = CPU_CATEGORY_INDEX[c];
  }

  fire(tag: number): void {
    this.owner.onTaskEvent(this, tag);
  }

  get isRt(): boolean {
    return this.policy === 'fifo';
  }
}
