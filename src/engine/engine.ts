// The engine: one clock, one pending-event set, a step() that pops the
// earliest event and fires it. Everything the kernel does lives outside.

import { CalendarQueue } from './calendar-queue.js';
import { EventHeap } from './queue.js';
import { Fingerprint } from './fingerprint.js';
import { Rng } from './rng.js';

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

/** The pending-event set: EventHeap and CalendarQueue pop in the same total order. */
interface PendingEvents {
  readonly size: number;
  push(timeNs: number, order: number, slot: number): void;
  peekTime(): number;
  popMin(): number;
}

/** The calendar queue is the faster of the two on simulator workloads (bench/engine.ts). */
const DEFAULT_QUEUE: 'heap' | 'calendar' = 'calendar';

/** An opaque event handle: slot + generation, so a stale cancel is harmless. */
export type EventHandle = number;
export const NO_EVENT: EventHandle = -1;

const SLOT_BITS = 2 ** 24;

export class SimulationError extends Error {
  constructor(readonly invariant: string, message: string) {
    super(`${invariant}: ${message}`);
    this.name = 'SimulationError';
  }
}

export class Engine {
  nowNs = 0;
  eventsProcessed = 0;
  readonly rng: Rng;
  readonly fingerprint = new Fingerprint();

  private readonly heap: PendingEvents;
  private seq = 0;
  // Event pool (struct of arrays): target, tag, generation, live flag.
  private targets: Array<EventTarget | null> = [];
  private tags: number[] = [];
  private gens: number[] = [];
  private freeSlots: number[] = [];
  private stopped = false;

  constructor(seed: number, queue: 'heap' | 'calendar' = DEFAULT_QUEUE) {
    this.rng = new Rng(seed);
    this.heap = queue === 'heap' ? new EventHeap() : new CalendarQueue();
  }

  /** Schedules `target.fire(tag)` at absolute time `atNs` (integer ns, not in the past). */
  at(atNs: number, priority: number, target: EventTarget, tag = 0): EventHandle {
    if (!(atNs >= this.nowNs) || !Number.isFinite(atNs)) {
      throw new SimulationError('event-in-past', `event for ${target.fpId} at ${atNs} ns before now ${this.nowNs} ns`);
    }
    let slot: number;
    if (this.freeSlots.length > 0) slot = this.freeSlots.pop()!;
    else { slot = this.targets.length; this.targets.push(null); this.tags.push(0); this.gens.push(0); }
    this.targets[slot] = target;
    this.tags[slot] = tag;
    this.heap.push(Math.round(atNs), EventHeap.orderKey(priority, this.seq++), slot);
    return this.gens[slot]! * SLOT_BITS + slot;
  }

  /** Schedules after a relative delay. */
  after(delayNs: number, priority: number, target: EventTarget, tag = 0): EventHandle {
    if (delayNs < 0) throw new SimulationError('negative-delay', `delay ${delayNs} ns for ${target.fpId}`);
    return this.at(this.nowNs + delayNs, priority, target, tag);
  }

  /** Cancels a pending event in O(1); cancelling a fired or stale handle does nothing. */
  cancel(handle: EventHandle): void {
    if (handle < 0) return;
    const slot = handle % SLOT_BITS;
    const gen = Math.floor(handle / SLOT_BITS);
    if (this.gens[slot] === gen && this.targets[slot] !== null) {
      this.targets[slot] = null; // popped later and recycled
    }
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Stops `run` after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /** Fires the earliest event; false when nothing is pending or it lies beyond `untilNs`. */
  step(untilNs = Infinity): boolean {
    for (;;) {
      if (this.heap.peekTime() > untilNs) return false;
      const t = this.heap.peekTime();
      const slot = this.heap.popMin();
      if (slot < 0) return false;
      const target = this.targets[slot]!;
      const tag = this.tags[slot]!;
      this.targets[slot] = null;
      this.gens[slot]!++;
      this.freeSlots.push(slot);
      if (target === null) continue; // cancelled
      this.nowNs = t;
      this.eventsProcessed++;
      this.fingerprint.mix(t);
      this.fingerprint.mix(target.fpId * 64 + tag);
      target.fire(tag);
      return true;
    }
  }

  /** Runs until no event is pending, `untilNs` is reached, or stop() is called. */
  run(untilNs = Infinity): void {
    this.stopped = false;
    while (!this.stopped && this.step(untilNs)) { /* fire */ }
    if (!this.stopped && Number.isFinite(untilNs) && untilNs > this.nowNs) this.nowNs = untilNs;
  }
}

/** Allocates fingerprint ids for event targets in creation order (deterministic). */
export class IdAllocator {
  private next = 1;
  take(): number {
    return this.next++;
  }
}
