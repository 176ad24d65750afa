// The shared core of swaplab's locks: holders, a FIFO queue of waiters with
// their arrival times, and hand-off on release. Whether a waiter spins or
// sleeps is the lock kind's business (kernel/locking/qspinlock.c, qrwlock.c,
// mutex.c); the scheduler reads `sleeping`.

import { SimulationError } from '../../engine/engine.js';
import type { SimLock, StepTask } from '../../engine/steps.js';
import { LockStats } from './lock-stats.js';

interface Waiter {
  task: StepTask;
  write: boolean;
  sinceNs: number;
}

export type LockKind = 'spinlock' | 'rwlock' | 'mutex' | 'rwsem';

export class QueuedLock implements SimLock {
  readonly stats = new LockStats();
  /** Current holders: one writer, or any number of readers; a set only for locks readers share (many ptl and ci->lock instances live at once). */
  private holder: StepTask | null = null;
  private readers: Set<StepTask> | null = null;
  private nHolders = 0;
  private writeHeld = false;
  private readonly waiters: Waiter[] = [];
  private heldSinceNs = 0;

  constructor(
    readonly name: string,
    readonly kind: LockKind,
  ) {}

  get sleeping(): boolean {
    return this.kind === 'mutex' || this.kind === 'rwsem';
  }

  /** Readers may share it (rwlock, rw_semaphore). */
  get shared(): boolean {
    return this.kind === 'rwlock' || this.kind === 'rwsem';
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
    const isWrite = write || !this.shared;
    if (this.holds(task)) throw new SimulationError('lock-recursion', `${task.name} takes ${this.name} it already holds`);
    // FIFO fairness: nobody overtakes a queued waiter.
    if (this.waiters.length > 0 || !this.compatible(isWrite)) return false;
    this.grant(task, isWrite, nowNs);
    this.stats.acquisitions++;
    return true;
  }

  enqueue(task: StepTask, write: boolean, nowNs: number): void {
    this.waiters.push({ task, write: write || !this.shared, sinceNs: nowNs });
  }

  release(task: StepTask, nowNs: number): StepTask[] {
    if (!this.holds(task)) {
      throw new SimulationError('lock-owner', `${task.name} releases ${this.name} which it does not hold`);
    }
    if (this.readers !== null) this.readers.delete(task);
    else this.holder = null;
    if (--this.nHolders === 0) {
      this.writeHeld = false;
      this.stats.totalHoldNs += nowNs - this.heldSinceNs;
    }
    const granted: StepTask[] = [];
    // Hand off in arrival order: one writer, or a run of readers.
    while (this.waiters.length > 0 && this.compatible(this.waiters[0]!.write)) {
      const w = this.waiters.shift()!;
      this.grant(w.task, w.write, nowNs);
      this.stats.acquisitions++;
      this.stats.recordWait(nowNs - w.sinceNs);
      granted.push(w.task);
      if (w.write) break;
    }
    return granted;
  }

  private compatible(write: boolean): boolean {
    if (this.nHolders === 0) return true;
    return !write && !this.writeHeld;
  }

  private grant(task: StepTask, write: boolean, nowNs: number): void {
    if (this.nHolders++ === 0) this.heldSinceNs = nowNs;
    if (this.shared) (this.readers ??= new Set()).add(task);
    else this.holder = task;
    this.writeHeld = write;
  }
}

/** Queued spinlock: waiters spin on their CPU with preemption off. */
export function spinlock(name: string): QueuedLock {
  return new QueuedLock(name, 'spinlock');
}

/** Reader-writer spinlock (qrwlock). */
export function rwlock(name: string): QueuedLock {
  return new QueuedLock(name, 'rwlock');
}

/** Reader-writer semaphore (mmap_lock): sleeping, readers share. */
export function rwsem(name: string): QueuedLock {
  return new QueuedLock(name, 'rwsem');
}

/** Sleeping mutex: waiters block. */
export function mutex(name: string): QueuedLock {
  return new QueuedLock(name, 'mutex');
}
