// The engine: one clock, one pending-event set, a step() that pops the
// earliest event and fires it. Everything the kernel does lives outside.

import { CalendarQueue } from './calendar-queue.js';
import { calendarFrom, HEAP_ABOVE_PENDING, heapFrom, heapToCalendar, SMALL_HEAP_BELOW_PENDING, type PendingSetKind } from './pending-events.js';
import { EventHeap } from './queue.js';
import { Fingerprint } from './fingerprint.js';
import { Rng } from './rng.js';
import { grown } from './typed-arrays.js';

/** Something an event can be delivered to. `fpId` identifies it in the fingerprint. */
export interface EventTarget {
  readonly fpId: number;
  fire(tag: number): void;
}

/** Same-time ordering: lower classes fire first; within a class, first-in first-out. */
export const EventPriority = {
  /** Lock hand-offs and wake-ups settle before scheduling decisions. */
  wakeup: 0,
  /** A task's step completes (work done, sleep over). */
  task: 1,
  /** Scheduler ticks: slice expiry, RT throttling, balancing. */
  sched: 2,
  /** Userspace daemons' timers (LMKD polls, frame deadlines). */
  timer: 3,
  /** Metric samplers run last so they see the settled state at an instant. */
  sample: 4,
} as const;
export type EventPriorityName = keyof typeof EventPriority;

/**
 * The 4-ary heap up to a few thousand pending (a simulation's own sets, log-spread
 * over time), the calendar queue up to 256k and the heap above: the faster of
 * the two at each size (pending-events.ts, bench/engine.ts, docs/performance.md).
 */
const DEFAULT_PENDING_SET: PendingSetKind = 'adaptive';

/** An opaque event handle: slot + generation, so a stale cancel is harmless. */
export type EventHandle = number;
export const NO_EVENT: EventHandle = -1;

const SLOT_BITS = 2 ** 24;

export class SimulationError extends Error {
  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(`${invariant}: ${message}`);
    this.name = 'SimulationError';
  }
}

// The errors are built out of line: a template string in at() or after()
// makes them too big for V8 to inline into their callers.
function eventInPast(target: EventTarget, atNs: number, nowNs: number): SimulationError {
  return new SimulationError('event-in-past', `event for ${target.fpId} at ${atNs} ns before now ${nowNs} ns`);
}

function negativeDelay(target: EventTarget, delayNs: number): SimulationError {
  return new SimulationError('negative-delay', `delay ${delayNs} ns for ${target.fpId}`);
}

export class Engine {
  nowNs = 0;
  eventsProcessed = 0;
  readonly rng: Rng;
  readonly fingerprint = new Fingerprint();

  // The pending-event set: exactly one of the two is non-null. Two typed
  // fields and a branch, not an interface, so every call site stays
  // monomorphic and inlinable (a wrapper object cost ~20% on the hold model).
  private calendar: CalendarQueue | null;
  private heap: EventHeap | null;
  private readonly adaptive: boolean;
  private seq = 0;
  // Event pool: target (null when free or cancelled), tag and generation per
  // slot; freed slots on a stack, reused last-in first-out.
  private targets: Array<EventTarget | null> = [];
  /** Per slot [tag, generation], side by side: one cache line per event at 1M pending. */
  private tagGen = new Float64Array(2 * 1024);
  private freeSlots = new Int32Array(1024);
  private freeTop = 0;
  private stopped = false;

  constructor(seed: number, pendingSet: PendingSetKind = DEFAULT_PENDING_SET) {
    this.rng = new Rng(seed);
    // The adaptive set starts empty, on the heap.
    this.calendar = pendingSet === 'calendar' ? new CalendarQueue() : null;
    this.heap = pendingSet === 'calendar' ? null : new EventHeap();
    this.adaptive = pendingSet === 'adaptive';
  }

  /** Schedules `target.fire(tag)` at absolute time `atNs` (integer ns, not in the past). */
  at(atNs: number, priority: number, target: EventTarget, tag = 0): EventHandle {
    // One test for "not before now" and "finite" (NaN fails both comparisons).
    if (!(atNs >= this.nowNs && atNs < Infinity)) throw eventInPast(target, atNs, this.nowNs);
    const slot = this.freeTop > 0 ? this.freeSlots[--this.freeTop]! : this.newSlot();
    this.targets[slot] = target;
    this.tagGen[2 * slot] = tag;
    const timeNs = Math.round(atNs);
    const order = EventHeap.orderKey(priority, this.seq++);
    const cal = this.calendar;
    if (cal !== null) {
      cal.push(timeNs, order, slot);
      if (this.adaptive && cal.size > HEAP_ABOVE_PENDING) {
        this.heap = heapFrom(cal);
        this.calendar = null;
      }
    } else {
      const heap = this.heap!;
      heap.push(timeNs, order, slot);
      if (this.adaptive && heapToCalendar(heap.size)) {
        this.calendar = calendarFrom(heap);
        this.heap = null;
      }
    }
    return this.tagGen[2 * slot + 1]! * SLOT_BITS + slot;
  }

  /** Schedules after a relative delay. */
  after(delayNs: number, priority: number, target: EventTarget, tag = 0): EventHandle {
    if (delayNs < 0) throw negativeDelay(target, delayNs);
    return this.at(this.nowNs + delayNs, priority, target, tag);
  }

  /** Cancels a pending event in O(1); cancelling a fired or stale handle does nothing. */
  cancel(handle: EventHandle): void {
    if (handle < 0) return;
    const slot = handle % SLOT_BITS;
    const gen = Math.floor(handle / SLOT_BITS);
    if (slot < this.targets.length && this.tagGen[2 * slot + 1] === gen && this.targets[slot] !== null) {
      this.targets[slot] = null; // popped later and recycled
    }
  }

  /** The pending-event set in use now (the adaptive default moves between the two). */
  get pendingSet(): 'calendar' | 'heap' {
    return this.calendar !== null ? 'calendar' : 'heap';
  }

  get pending(): number {
    return this.calendar !== null ? this.calendar.size : this.heap!.size;
  }

  /** Stops `run` after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /** Fires the earliest event; false when nothing is pending or it lies beyond `untilNs`. */
  step(untilNs = Infinity): boolean {
    for (;;) {
      let slot: number, t: number;
      const cal = this.calendar;
      if (cal !== null) {
        slot = cal.popMinUntil(untilNs);
        if (slot < 0) return false;
        t = cal.poppedTimeNs;
        if (this.adaptive && cal.size < SMALL_HEAP_BELOW_PENDING) {
          this.heap = heapFrom(cal);
          this.calendar = null;
        }
      } else {
        const heap = this.heap!;
        slot = heap.popMinUntil(untilNs);
        if (slot < 0) return false;
        t = heap.poppedTimeNs;
        if (this.adaptive && heapToCalendar(heap.size)) {
          this.calendar = calendarFrom(heap);
          this.heap = null;
        }
      }
      const target = this.targets[slot]!;
      // Free the slot before firing, so the handler's first schedule reuses it.
      this.targets[slot] = null;
      this.tagGen[2 * slot + 1]!++;
      this.freeSlots[this.freeTop++] = slot;
      if (target === null) continue; // cancelled
      const tag = this.tagGen[2 * slot]!;
      this.nowNs = t;
      this.eventsProcessed++;
      this.fingerprint.mixEvent(t, target.fpId * 64 + tag);
      target.fire(tag);
      return true;
    }
  }

  /** Runs until no event is pending, `untilNs` is reached, or stop() is called. */
  run(untilNs = Infinity): void {
    this.stopped = false;
    while (!this.stopped && this.step(untilNs)) {
      /* fire */
    }
    if (!this.stopped && Number.isFinite(untilNs) && untilNs > this.nowNs) this.nowNs = untilNs;
  }

  /** A fresh pool slot, growing the typed arrays by doubling. */
  private newSlot(): number {
    const slot = this.targets.length;
    this.targets.push(null);
    if (slot === this.freeSlots.length) {
      const cap = slot * 2;
      this.tagGen = grown(this.tagGen, 2 * cap);
      this.freeSlots = grown(this.freeSlots, cap);
    }
    return slot;
  }
}

/** Allocates fingerprint ids for event targets in creation order (deterministic). */
export class IdAllocator {
  private next = 1;
  take(): number {
    return this.next++;
  }
}
