// The engine's pending-event sets and when it moves between them: the 4-ary
// heap while the set is small, the calendar queue in the middle, where its
// random-slot accesses still stay in cache, and the heap again above that.
// Both pop in the same total order (time, then order), so moving every event
// from one to the other changes nothing a run can see; each pair of
// thresholds is apart so a set hovering near one does not move back and forth.
//
// Figures behind the upper thresholds (hold model, raw sets, CPU time on the
// 2-core dev machine, medians): calendar vs heap, 16M vs 13M events/s at 100
// pending, 14M vs 6.6M at 10k, 4.3M vs 3.4M at 100k, 1.8M vs 2.1M at 300k,
// 1.2M vs 1.9M at 1M: they cross between 100k and 300k.
//
// Below: a simulation's own pending set is small (20-70 events on the phone
// scenarios, a few on server-exit) and spread over time scales from now to
// hundreds of ms (wake-ups at this instant, 1 ms cpufreq ticks, 4 ms service
// periods, 100 ms timers), not uniformly as in the hold model. A calendar
// day then holds most of the near events and an insert walks ~14-18 of them
// (the width, Brown's mean gap, is set by the far ones). Replaying the
// pending-set operations of a run: quiet 3.4 ms on the calendar vs 2.5 ms on
// the heap, camera-launch 13.0 vs 5.5 ms (351k operations).

import { CalendarQueue } from './calendar-queue.js';
import { EventHeap } from './queue.js';

/** Which set an engine uses: 'adaptive' moves between the two at the thresholds below. */
export type PendingSetKind = 'adaptive' | 'heap' | 'calendar';

/** A small heap moves to the calendar queue above this many pending events... */
export const CALENDAR_ABOVE_PENDING = 1 << 12;
/** ...and the calendar queue back to the heap below this many. */
export const SMALL_HEAP_BELOW_PENDING = 1 << 10;
/** The calendar queue moves to the heap above this many pending events... */
export const HEAP_ABOVE_PENDING = 1 << 18;
/** ...and a large heap back to the calendar queue below this many. */
export const CALENDAR_BELOW_PENDING = 1 << 16;

/**
 * Whether the adaptive set moves from the heap to the calendar queue: a
 * small heap grown past CALENDAR_ABOVE_PENDING, or a large one shrunk below
 * CALENDAR_BELOW_PENDING (sizes change by one, so each crosses into this range).
 */
export function heapToCalendar(size: number): boolean {
  return size > CALENDAR_ABOVE_PENDING && size < CALENDAR_BELOW_PENDING;
}

/** A heap holding every event of `cal`, which is left empty. */
export function heapFrom(cal: CalendarQueue): EventHeap {
  const heap = new EventHeap(2 * cal.size);
  cal.drainInto(heap);
  return heap;
}

/** A calendar queue holding every event of `heap`, which is left empty. */
export function calendarFrom(heap: EventHeap): CalendarQueue {
  const cal = new CalendarQueue();
  heap.drainInto(cal);
  return cal;
}
