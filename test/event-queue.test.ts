// The two pending-event sets must pop in the same total order (time, then
// priority class, then insertion), whatever the pattern of pushes.
import { describe, expect, it } from 'vitest';
import { CalendarQueue } from '../src/engine/calendar-queue.js';
import { EventHeap } from '../src/engine/queue.js';
import { RngStream } from '../src/engine/rng.js';

function drive(q: { push(t: number, o: number, s: number): void; popMin(): number; peekTime(): number; size: number }, seed: number): number[] {
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
});
