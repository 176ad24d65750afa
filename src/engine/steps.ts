// How model code says what a task does next. A task's behaviour is a
// generator that yields steps; the scheduler interprets them:
//
//   function* exitMmap(k: TaskCtx) {
//     yield k.lock(ptl);        // spin_lock(ptl): spins (burning CPU) if held
//     yield k.work(chunkNs);    // zap 512 PTEs: CPU work at capacity 1024
//     yield k.unlock(ptl);
//     yield k.condResched();    // cond_resched() between PMDs
//   }
//
// Each task owns one mutable StepRecord; the builders below fill it in and
// return it, so stepping a task allocates nothing of ours.

export type StepKind = 'work' | 'lock' | 'unlock' | 'sleep' | 'wait' | 'cond_resched' | 'call';

/** Anything a task can block on until `ready()` (a completion, a wait queue). */
export interface Waitable {
  readonly name: string;
  ready(): boolean;
  addWaiter(waiter: StepTask): void;
  removeWaiter(waiter: StepTask): void;
}

/** The minimal view of a task that locks and waitables keep. */
export interface StepTask {
  readonly tid: number;
  readonly name: string;
}

/** A lock as the step interpreter sees it; implementations live in kernel/locking. */
export interface SimLock {
  readonly name: string;
  readonly sleeping: boolean;
  /** Takes the lock at once if free (and no one queued ahead); returns success. */
  tryAcquire(task: StepTask, write: boolean, nowNs: number): boolean;
  /** Queues the task; it is granted later by a release. */
  enqueue(task: StepTask, write: boolean, nowNs: number): void;
  /**
   * Releases; puts the waiters now granted the lock (FIFO hand-off) in
   * granted[0..n) and returns n. The caller's list is reused from release to
   * release and never shortened, so a hand-off allocates nothing.
   */
  release(task: StepTask, nowNs: number, granted: StepTask[]): number;
}

export interface StepRecord {
  kind: StepKind;
  /** work: CPU ns at capacity 1024; sleep: ns; wait: timeout ns (Infinity for none). */
  ns: number;
  lock: SimLock | null;
  write: boolean;
  waitable: Waitable | null;
  /** call: the program to run to its end before this one goes on. */
  sub: Program | null;
}

export type Program = Generator<StepRecord, void, unknown>;

/**
 * %GeneratorPrototype%.next, which every program's `next` is. Called
 * directly, it spares the scheduler's loop `program.next`, a megamorphic
 * lookup through each generator function's own prototype (the exit and free
 * paths have dozens of generator functions).
 */
const generatorNext = (Object.getPrototypeOf(function* () {}) as { prototype: Program }).prototype.next;

/** program.next(): the program runs to its next step, or to its end. */
export function resume(program: Program): IteratorResult<StepRecord, void> {
  return generatorNext.call(program);
}

/**
 * The program's steps with each called program's steps in place, in the
 * order the scheduler runs them: for driving a program without one (unit
 * tests, the free-path benchmark), where no time passes and no lock waits.
 */
export function* stepsOf(program: Program): Generator<StepRecord, void, unknown> {
  for (const step of program) {
    if (step.kind === 'call') yield* stepsOf(step.sub!);
    else yield step;
  }
}

/** Step builders bound to one task. */
export class TaskCtx {
  readonly step: StepRecord = { kind: 'work', ns: 0, lock: null, write: true, waitable: null, sub: null };
  /** After a `wait` with a timeout: true when the timeout fired first. */
  timedOut = false;

  work(ns: number): StepRecord {
    return this.set('work', ns);
  }
  sleep(ns: number): StepRecord {
    return this.set('sleep', ns);
  }
  lock(lock: SimLock, write = true): StepRecord {
    const s = this.set('lock', 0);
    s.lock = lock;
    s.write = write;
    return s;
  }
  unlock(lock: SimLock): StepRecord {
    const s = this.set('unlock', 0);
    s.lock = lock;
    return s;
  }
  wait(waitable: Waitable, timeoutNs = Infinity): StepRecord {
    const s = this.set('wait', timeoutNs);
    s.waitable = waitable;
    return s;
  }
  /**
   * Runs `program` to its end, then goes on: what `yield* program` does,
   * except that the scheduler keeps this frame aside and resumes `program`
   * directly, so a step deep in the exit path does not resume every
   * generator above it (V8 walks a yield* chain frame by frame).
   */
  call(program: Program): StepRecord {
    const s = this.set('call', 0);
    s.sub = program;
    return s;
  }
  condResched(): StepRecord {
    return this.set('cond_resched', 0);
  }

  private set(kind: StepKind, ns: number): StepRecord {
    const s = this.step;
    s.kind = kind;
    s.ns = ns;
    s.lock = null;
    s.waitable = null;
    s.write = true;
    return s;
  }
}

/** A sticky completion (kernel struct completion, complete_all). */
export class Completion implements Waitable {
  done = false;
  private waiters: StepTask[] = [];
  constructor(readonly name: string) {}
  ready(): boolean {
    return this.done;
  }
  addWaiter(t: StepTask): void {
    this.waiters.push(t);
  }
  removeWaiter(t: StepTask): void {
    const i = this.waiters.indexOf(t);
    if (i >= 0) this.waiters.splice(i, 1);
  }
  /** Marks done and hands back the waiters to wake, in arrival order. */
  completeAll(): StepTask[] {
    this.done = true;
    const w = this.waiters;
    this.waiters = [];
    return w;
  }
}

/** A non-sticky wait queue: waiters sleep until the next wake-up. */
export class WaitQueue implements Waitable {
  private waiters: StepTask[] = [];
  private pendingWakeups = 0;
  constructor(readonly name: string) {}
  ready(): boolean {
    if (this.pendingWakeups > 0) {
      this.pendingWakeups--;
      return true;
    }
    return false;
  }
  addWaiter(t: StepTask): void {
    this.waiters.push(t);
  }
  removeWaiter(t: StepTask): void {
    const i = this.waiters.indexOf(t);
    if (i >= 0) this.waiters.splice(i, 1);
  }
  get waiting(): number {
    return this.waiters.length;
  }
  /** Wakes all current waiters; with none waiting, the next wait returns at once. */
  wakeAll(): StepTask[] {
    const w = this.waiters;
    this.waiters = [];
    if (w.length === 0) this.pendingWakeups = 1;
    return w;
  }
}
