// The shared core of swaplab's locks: holders, a FIFO queue of waiters with
// their arrival times, and hand-off on release. Whether a waiter spins or
// sleeps is the lock kind's business (kernel/locking/qspinlock.c, qrwlock.c,
// mutex.c); the scheduler reads `sleeping`.
//
// A lock object is the lock's state while someone holds it or waits for it;
// its statistics live in the registry under its id (lock-stats.ts). An idle
// lock has no other state, so an owner that will not take it again soon may
// drop the object and get a new one for the same id when it does
// (LockRegistry.revive): the PTE lock of a zapped PMD chunk goes this way.

import { SimulationError } from '../../engine/engine.js';
import type { SimLock, StepTask } from '../../engine/steps.js';
import type { LockClass } from './lock-stats.js';

interface Waiter {
  task: StepTask;
  write: boolean;
  sinceNs: number;
}

/** Told when its lock goes idle (no holder, nobody queued). */
export interface IdleLockOwner {
  lockIdle(lock: QueuedLock): void;
}

const NO_WAITERS: Waiter[] = [];

export class QueuedLock implements SimLock {
  /** Current holders: one writer, or any number of readers; a set only for locks readers share (many ptl and ci->lock instances live at once). */
  private holder: StepTask | null = null;
  private readers: Set<StepTask> | null = null;
  private nHolders = 0;
  private writeHeld = false;
  /** Created on first contention: most ptl and ci->lock instances never see any. */
  private waiters: Waiter[] = NO_WAITERS;
  /** Told when the lock goes idle, if set. */
  owner: IdleLockOwner | null = null;

  constructor(
    readonly cls: LockClass,
    /** Index of its statistics in the registry's columns (cls.stats). */
    readonly id: number,
  ) {}

  get name(): string {
    return this.cls.name;
  }

  get kind(): LockClass['kind'] {
    return this.cls.kind;
  }

  get sleeping(): boolean {
    return this.cls.sleeping;
  }

  /** Readers may share it (rwlock, rw_semaphore). */
  get shared(): boolean {
    return this.cls.shared;
  }

  get isLocked(): boolean {
    return this.nHolders > 0;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  holds(task: StepTask): boolean {
    return this.readers !== null ? this.readers.has(task) : this.holder === task;
  }

  tryAcquire(task: StepTask, write: boolean, nowNs: number): boolean {
    const isWrite = write || !this.cls.shared;
    if (this.holds(task)) throw new SimulationError('lock-recursion', `${task.name} takes ${this.name} it already holds`);
    // FIFO fairness: nobody overtakes a queued waiter.
    if (this.waiters.length > 0 || !this.compatible(isWrite)) return false;
    this.grant(task, isWrite, nowNs);
    this.cls.acquisitions++;
    return true;
  }

  enqueue(task: StepTask, write: boolean, nowNs: number): void {
    if (this.waiters === NO_WAITERS) this.waiters = [];
    this.waiters.push({ task, write: write || !this.cls.shared, sinceNs: nowNs });
  }

  release(task: StepTask, nowNs: number, granted: StepTask[]): number {
    if (!this.holds(task)) {
      throw new SimulationError('lock-owner', `${task.name} releases ${this.name} which it does not hold`);
    }
    if (this.readers !== null) this.readers.delete(task);
    else this.holder = null;
    if (--this.nHolders === 0) {
      this.writeHeld = false;
      const st = this.cls.stats;
      st.totalHoldNs[this.id] += nowNs - st.heldSinceNs[this.id]!;
    }
    const waiters = this.waiters;
    if (waiters.length === 0) {
      if (this.nHolders === 0 && this.owner !== null) this.owner.lockIdle(this);
      return 0;
    }
    let n = 0;
    // Hand off in arrival order: one writer, or a run of readers.
    while (waiters.length > 0 && this.compatible(waiters[0]!.write)) {
      const w = waiters.shift()!;
      this.grant(w.task, w.write, nowNs);
      this.cls.acquisitions++;
      this.cls.stats.waitStats(this.id).recordWait(nowNs - w.sinceNs);
      if (n < granted.length) granted[n] = w.task;
      else granted.push(w.task);
      n++;
      if (w.write) break;
    }
    return n;
  }

  private compatible(write: boolean): boolean {
    if (this.nHolders === 0) return true;
    return !write && !this.writeHeld;
  }

  private grant(task: StepTask, write: boolean, nowNs: number): void {
    if (this.nHolders++ === 0) this.cls.stats.heldSinceNs[this.id] = nowNs;
    if (this.cls.shared) (this.readers ??= new Set()).add(task);
    else this.holder = task;
    this.writeHeld = write;
  }
}
