// The pending-event sets must pop in the same total order (time, then
// priority class, then insertion), whatever the pattern of pushes, and the
// engine must fire the same event stream (same fingerprint) on each of them.
import { describe, expect, it } from 'vitest';
import { CalendarQueue } from '../src/engine/calendar-queue.js';
import { Engine, type EventTarget } from '../src/engine/engine.js';
import { Fingerprint } from '../src/engine/fingerprint.js';
import { CALENDAR_ABOVE_PENDING, calendarFrom, heapFrom, HEAP_ABOVE_PENDING, SMALL_HEAP_BELOW_PENDING, type PendingSetKind } from '../src/engine/pending-events.js';
import { EventHeap } from '../src/engine/queue.js';
import { RngStream } from '../src/engine/rng.js';

interface PendingSet {
  push(t: number, o: number, s: number): void;
  popMin(): number;
  peekTime(): number;
  size: number;
}

function drive(q: PendingSet, seed: number): number[] {
  const rng = new RngStream(seed);
  const out: number[] = [];
  let now = 0;
  let seq = 0;
  for (let step = 0; step < 20_000; step++) {
    const r = rng.float();
    if (r < 0.55 || q.size === 0) {
      // Mostly near future, some same-instant ties, some far future.
      const kind = rng.float();
      const dt = kind < 0.2 ? 0 : kind < 0.9 ? rng.int(1, 5000) : rng.int(1, 50_000_000);
      q.push(now + dt, EventHeap.orderKey(rng.int(0, 4), seq), seq);
      seq++;
    } else {
      const t = q.peekTime();
      expect(t).toBeGreaterThanOrEqual(now);
      now = t;
      out.push(q.popMin());
    }
  }
  while (q.size > 0) out.push(q.popMin());
  return out;
}

/** The order every set must produce: sort by (time, order). */
function sortedOrder(events: Array<{ t: number; o: number; s: number }>): number[] {
  return [...events].sort((a, b) => a.t - b.t || a.o - b.o).map((e) => e.s);
}

describe('pending-event sets', () => {
  it('the calendar queue pops exactly as the heap does', () => {
    for (const seed of [1, 2, 3]) {
      const a = drive(new EventHeap(16), seed);
      const b = drive(new CalendarQueue(), seed);
      expect(b.length).toBe(a.length);
      expect(b).toEqual(a);
    }
  });

  it('ties at one instant pop by priority class, then first in first out', () => {
    for (const q of [new EventHeap(4), new CalendarQueue()]) {
      q.push(100, EventHeap.orderKey(2, 0), 0);
      q.push(100, EventHeap.orderKey(1, 1), 1);
      q.push(100, EventHeap.orderKey(2, 2), 2);
      q.push(50, EventHeap.orderKey(4, 3), 3);
      q.push(100, EventHeap.orderKey(1, 4), 4);
      expect([q.popMin(), q.popMin(), q.popMin(), q.popMin(), q.popMin()]).toEqual([3, 1, 4, 0, 2]);
    }
  });

  it('both pop in sorted order through bursts, outliers, resizes and a peek followed by an earlier push', () => {
    const rng = new RngStream(7);
    const events: Array<{ t: number; o: number; s: number }> = [];
    // A burst of 3000 events at one instant, a spread, and far outliers: the calendar resizes
    // several times and has to jump over empty years.
    for (let s = 0; s < 3000; s++) events.push({ t: 1000, o: EventHeap.orderKey(rng.int(0, 4), s), s });
    for (let s = 3000; s < 6000; s++) events.push({ t: rng.int(0, 2_000_000), o: EventHeap.orderKey(1, s), s });
    for (let s = 6000; s < 6010; s++) events.push({ t: rng.int(1e12, 2e12), o: EventHeap.orderKey(3, s), s });
    for (const q of [new EventHeap(4), new CalendarQueue()]) {
      for (const e of events) q.push(e.t, e.o, e.s);
      const popped: number[] = [];
      while (q.size > 0) popped.push(q.popMin());
      expect(popped).toEqual(sortedOrder(events));
      // Peek moves the calendar onto the day of a far event; a push before it must still pop first.
      q.push(5e9, EventHeap.orderKey(1, 0), 1);
      expect(q.peekTime()).toBe(5e9);
      q.push(3e9, EventHeap.orderKey(1, 1), 2);
      expect([q.popMin(), q.popMin(), q.popMin()]).toEqual([2, 1, -1]);
    }
  });

  it('popMinUntil leaves an event beyond the bound in place', () => {
    for (const q of [new EventHeap(4), new CalendarQueue()]) {
      q.push(500, EventHeap.orderKey(1, 0), 7);
      expect(q.popMinUntil(499)).toBe(-1);
      expect(q.size).toBe(1);
      expect(q.popMinUntil(500)).toBe(7);
      expect(q.poppedTimeNs).toBe(500);
      expect(q.size).toBe(0);
    }
  });

  it('moving every event between the calendar and the heap keeps their order', () => {
    const rng = new RngStream(11);
    const events = Array.from({ length: 5000 }, (_, s) => ({ t: rng.int(0, 100_000), o: EventHeap.orderKey(rng.int(0, 4), s), s }));
    const cal = new CalendarQueue();
    for (const e of events) cal.push(e.t, e.o, e.s);
    // Pop a few first, so the heap's vacant root is in play when it moves back.
    const heap = heapFrom(cal);
    expect(cal.size).toBe(0);
    const popped = [heap.popMin(), heap.popMin()];
    const back = calendarFrom(heap);
    expect(heap.size).toBe(0);
    while (back.size > 0) popped.push(back.popMin());
    expect(popped).toEqual(sortedOrder(events));
  });
});

describe('engine on each pending-event set', () => {
  /**
   * A self-rescheduling workload with same-instant ties, cancels and far timers, grown to
   * `pendingTarget` pending events; returns its fingerprint and the sets the engine used.
   */
  function run(kind: PendingSetKind, pendingTarget: number, steps: number): { fingerprint: string; sets: Set<string> } {
    const engine = new Engine(1, kind);
    const rng = new RngStream(5);
    const sets = new Set<string>();
    let cancelMe = -1;
    const targets: EventTarget[] = Array.from({ length: 8 }, (_, i) => ({
      fpId: i + 1,
      fire: (tag: number) => {
        const draw = rng.float();
        if (draw < 0.1) engine.after(0, rng.int(0, 4), targets[(i + 1) % 8]!, (tag + 1) & 31);
        const handle = engine.after(rng.int(1, 10_000), rng.int(0, 4), targets[i]!, tag);
        if (draw > 0.9) {
          engine.cancel(cancelMe);
          cancelMe = handle;
        }
        if (engine.pending < pendingTarget) engine.after(rng.int(1, 1_000_000_000), 3, targets[(i + 3) % 8]!, 1);
        sets.add(engine.pendingSet);
      },
    }));
    for (let i = 0; i < 8; i++) engine.at(0, 1, targets[i]!, 0);
    for (let i = 0; i < steps && engine.step(); i++) {
      /* fire */
    }
    expect(engine.eventsProcessed).toBe(steps);
    return { fingerprint: engine.fingerprint.hex(), sets };
  }

  it('fires the same event stream on the heap, the calendar queue and the adaptive set', () => {
    const heap = run('heap', 2000, 30_000);
    expect(run('calendar', 2000, 30_000).fingerprint).toBe(heap.fingerprint);
    expect(run('adaptive', 2000, 30_000).fingerprint).toBe(heap.fingerprint);
  });

  it('the adaptive set moves to the heap above its threshold, and the stream does not change', () => {
    const pendingTarget = HEAP_ABOVE_PENDING + 10_000;
    const adaptive = run('adaptive', pendingTarget, pendingTarget + 20_000);
    expect(adaptive.sets).toEqual(new Set(['calendar', 'heap']));
    expect(adaptive.fingerprint).toBe(run('heap', pendingTarget, pendingTarget + 20_000).fingerprint);
  });

  it('the adaptive set is the heap while small, the calendar queue in the middle, the heap again as it drains', () => {
    const engine = new Engine(1);
    const fired: number[] = [];
    const target: EventTarget = { fpId: 1, fire: () => fired.push(engine.nowNs) };
    const seen: string[] = [];
    let last = '';
    const note = () => {
      if (engine.pendingSet !== last) seen.push(`${engine.pendingSet} at ${engine.pending}`);
      last = engine.pendingSet;
    };
    const rng = new RngStream(8);
    note();
    for (let i = 0; i < CALENDAR_ABOVE_PENDING + 10; i++) {
      engine.at(rng.int(0, 1_000_000), 1, target);
      note();
    }
    while (engine.step()) note();
    expect(seen).toEqual(['heap at 0', `calendar at ${CALENDAR_ABOVE_PENDING + 1}`, `heap at ${SMALL_HEAP_BELOW_PENDING - 1}`]);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
  });
});

describe('fingerprint', () => {
  it('mixEvent(t, code) equals mix(t) then mix(code), times beyond 2^32 ns included', () => {
    const rng = new RngStream(3);
    const a = new Fingerprint();
    const b = new Fingerprint();
    for (let i = 0; i < 10_000; i++) {
      const t = i % 3 === 0 ? rng.int(0, 1000) : Math.floor(rng.float() * 2 ** 52);
      const code = rng.int(0, 2 ** 31);
      a.mix(t);
      a.mix(code);
      b.mixEvent(t, code);
    }
    expect(b.hex()).toBe(a.hex());
    expect(b.hex()).not.toBe(new Fingerprint().hex());
  });
});
