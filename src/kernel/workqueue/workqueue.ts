// kernel/workqueue.c: alloc_workqueue(), queue_work(), and worker threads.
//
// Modeled: WQ_UNBOUND workers may run on any CPU; WQ_HIGHPRI workers run at
// nice -20 (weight 88761); max_active bounds how many of a workqueue's items
// execute at once (0 means the kernel version's default, WQ_DFL_ACTIVE);
// queue_work() on a pending item is a no-op; workers are created on demand
// (create_worker, a kthread creation that costs CPU time) and idle workers
// are reused; WQ_MEM_RECLAIM gives a rescuer thread that takes over after
// the mayday timeout when a worker cannot be created under memory pressure.

import { EventPriority, SimulationError, type EventTarget } from '../../engine/engine.js';
import { WaitQueue, type Program, type TaskCtx } from '../../engine/steps.js';
import type { Scheduler } from '../sched/core.js';
import type { Proc, Task } from '../sched/task.js';
import type { CpuMask } from '../sched/topology.js';
import type { TracePoints } from '../trace-points.js';

export const WQ_UNBOUND = 1 << 1;
export const WQ_HIGHPRI = 1 << 4;
export const WQ_MEM_RECLAIM = 1 << 3;

export interface WorkStruct {
  readonly name: string;
  /** The work function; runs in the worker's context. */
  readonly fn: (k: TaskCtx, worker: Task) => Program;
  pending: boolean;
}

export function initWork(name: string, fn: (k: TaskCtx, worker: Task) => Program): WorkStruct {
  return { name, fn, pending: false };
}

export interface WorkqueueParams {
  /** WQ_DFL_ACTIVE of the kernel version (256 through 6.12, 1024 from 6.13). */
  defaultMaxActive: number;
  /** CPU cost of create_worker() (kthread_create and first wake-up), ns at capacity 1024. */
  createWorkerNs: number;
  /** MAYDAY_INITIAL_TIMEOUT: how long before the rescuer is summoned. */
  maydayTimeoutNs: number;
}

export class Workqueue implements EventTarget {
  readonly fpId: number;
  readonly maxActive: number;
  /** Items executed to completion (per-workqueue counter for reports). */
  executed = 0;
  workersCreated = 0;
  maxConcurrentSeen = 0;
  private readonly items: WorkStruct[] = [];
  private readonly idle: Array<{ task: Task; wq: WaitQueue }> = [];
  private active = 0;
  private rescuer: { task: Task; wq: WaitQueue } | null = null;
  private maydayArmed = false;
  private workerSeq = 0;

  constructor(
    private readonly sys: WorkqueueSystem,
    readonly name: string,
    readonly flags: number,
    maxActive: number,
    private readonly cpumask?: CpuMask,
  ) {
    if (!Number.isInteger(maxActive) || maxActive < 0) throw new RangeError(`alloc_workqueue(${name}): max_active ${maxActive} must be an integer >= 0`);
    this.maxActive = maxActive === 0 ? sys.params.defaultMaxActive : maxActive;
    this.fpId = sys.sched.ids.take();
    if (flags & WQ_MEM_RECLAIM) this.rescuer = this.spawnWorker(name, true);
  }

  get highpri(): boolean {
    return (this.flags & WQ_HIGHPRI) !== 0;
  }
  get unbound(): boolean {
    return (this.flags & WQ_UNBOUND) !== 0;
  }
  /** Items queued but not yet picked up by a worker. */
  get queued(): number {
    return this.items.length;
  }
  /** Items executing right now. */
  get activeCount(): number {
    return this.active;
  }

  /** queue_work(): false if the item is already pending. */
  queueWork(work: WorkStruct): boolean {
    if (work.pending) return false;
    work.pending = true;
    this.items.push(work);
    this.kick();
    return true;
  }

  /** Starts another worker if the max_active budget allows. */
  private kick(): void {
    if (this.items.length === 0 || this.active >= this.maxActive) return;
    this.active++;
    this.maxConcurrentSeen = Math.max(this.maxConcurrentSeen, this.active);
    const idle = this.idle.shift();
    if (idle) {
      this.sys.sched.wake(idle.task);
      idle.wq.wakeAll();
      return;
    }
    if (this.rescuer && this.sys.workerCreationBlocked()) {
      this.active--;
      if (!this.maydayArmed) {
        this.maydayArmed = true;
        this.sys.sched.engine.after(this.sys.params.maydayTimeoutNs, EventPriority.timer, this, 0);
      }
      return;
    }
    this.spawnWorker(this.workerName(), false);
    this.workersCreated++;
  }

  /** Mayday timer: the rescuer drains what no worker could be created for. */
  fire(_tag: number): void {
    this.maydayArmed = false;
    if (this.items.length === 0 || !this.rescuer) return;
    if (!this.sys.workerCreationBlocked()) {
      this.kick();
      return;
    }
    this.rescuer.wq.wakeAll();
    this.sys.sched.wake(this.rescuer.task);
  }

  private workerName(): string {
    const n = this.sys.sched.cpus.length;
    const pool = this.unbound ? `u${2 * n + (this.highpri ? 1 : 0)}` : `0`;
    return `kworker/${pool}:${this.workerSeq++}${!this.unbound && this.highpri ? 'H' : ''}`;
  }

  private spawnWorker(name: string, rescuer: boolean): { task: Task; wq: WaitQueue } {
    const wq = new WaitQueue(`${name}-idle`);
    const self = this;
    const nice = this.highpri || rescuer ? -20 : 0;
    const task = this.sys.sched.spawn(
      // The rescuer exists from boot, asleep: it must not take a CPU before it is needed.
      { name, proc: this.sys.kthreadd, nice, cpuset: 'all', affinity: this.cpumask, category: 'kworker', startSleeping: rescuer },
      function* (k, t) {
        if (rescuer) yield k.wait(wq);
        else yield k.work(self.sys.params.createWorkerNs);
        for (;;) {
          const item = self.items.shift();
          if (!item) {
            if (!rescuer) {
              self.active--;
              self.idle.push(entry);
            }
            yield k.wait(wq);
            continue;
          }
          item.pending = false; // cleared before the function runs, as process_one_work does
          const start = self.sys.sched.engine.nowNs;
          yield k.call(item.fn(k, t));
          self.executed++;
          if (self.sys.trace.enabled) self.sys.trace.span(t, item.name, start, self.sys.sched.engine.nowNs, { workqueue: self.name });
        }
      },
    );
    const entry = { task, wq };
    return entry;
  }
}

export class WorkqueueSystem {
  readonly workqueues: Workqueue[] = [];
  /** kworkers belong to no user process: their CPU time is charged to kthreadd's group. */
  readonly kthreadd: Proc = { pid: 2, name: 'kthreadd', cgroup: 'kernel' };
  /** Set by the mm model: true while a kthread cannot be allocated (below min watermark). */
  workerCreationBlocked: () => boolean = () => false;

  constructor(
    readonly sched: Scheduler,
    readonly params: WorkqueueParams,
    readonly trace: TracePoints,
  ) {}

  /** alloc_workqueue(); `cpumask` restricts an unbound queue's workers (apply_workqueue_attrs). */
  allocWorkqueue(name: string, flags: number, maxActive: number, cpumask?: CpuMask): Workqueue {
    if (this.workqueues.some((w) => w.name === name)) throw new SimulationError('workqueue-name', `workqueue ${name} exists`);
    const wq = new Workqueue(this, name, flags, maxActive, cpumask);
    this.workqueues.push(wq);
    return wq;
  }
}
