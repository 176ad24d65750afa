// The engine's default pending-event set: a calendar queue while the set is
// small enough for its random-slot accesses to stay in cache, the 4-ary heap
// above that. Both pop in the same total order (time, then order), so moving
// every event from one to the other at a threshold changes nothing a run can
// see; the thresholds are apart so a set hovering near one does not move
// back and forth.
//
// Figures behind the thresholds (hold model, bench/engine.ts, CPU time on the
// 2-core dev machine): calendar vs heap, 17M vs 14M events/s at 100 pending,
// 14.5M vs 6.6M at 10k, 1.1M vs 2.0M at 1M.

import { CalendarQueue } from './calendar-queue.js';
import { EventHeap } from './queue.js';

/** Move to the heap above this many pending events... */
export const HEAP_ABOVE_PENDING = 1 << 18;
/** ...and back to the calendar queue below this many. */
export const CALENDAR_BELOW_PENDING = 1 << 16;

export class AdaptivePendingSet {
  private calendar: CalendarQueue | null = new CalendarQueue();
  private heap: EventHeap | null = null;

  get size(): number {
    return this.calendar !== null ? this.calendar.size : this.heap!.size;
  }

  /** Which structure holds the events now (for tests and the benchmark). */
  get structure(): 'calendar' | 'heap' {
    return this.calendar !== null ? 'calendar' : 'heap';
  }

  push(timeNs: number, order: number, slot: number): void {
    const cal = this.calendar;
    if (cal !== null) {
      cal.push(timeNs, order, slot);
      if (cal.size > HEAP_ABOVE_PENDING) this.toHeap(cal);
    } else {
      this.heap!.push(timeNs, order, slot);
    }
  }

  peekTime(): number {
    return this.calendar !== null ? this.calendar.peekTime() : this.heap!.peekTime();
  }

  popMin(): number {
    if (this.calendar !== null) return this.calendar.popMin();
    const heap = this.heap!;
    const slot = heap.popMin();
    if (heap.size < CALENDAR_BELOW_PENDING) this.toCalendar(heap);
    return slot;
  }

  private toHeap(cal: CalendarQueue): void {
    const heap = new EventHeap(2 * cal.size);
    cal.drainInto(heap);
    this.heap = heap;
    this.calendar = null;
  }

  private toCalendar(heap: EventHeap): void {
    const cal = new CalendarQueue();
    heap.drainInto(cal);
    this.calendar = cal;
    this.heap = null;
  }
}
