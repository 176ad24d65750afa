// The engine's pending-event sets and when it moves between them: the
// calendar queue while the set is small enough for its random-slot accesses
// to stay in cache, the 4-ary heap above that. Both pop in the same total
// order (time, then order), so moving every event from one to the other
// changes nothing a run can see; the two thresholds are apart so a set
// hovering near one does not move back and forth.
//
// Figures behind the thresholds (hold model, raw sets, CPU time on the 2-core
// dev machine, medians): calendar vs heap, 16M vs 13M events/s at 100
// pending, 14M vs 6.6M at 10k, 4.3M vs 3.4M at 100k, 1.8M vs 2.1M at 300k,
// 1.2M vs 1.9M at 1M: they cross between 100k and 300k.

import { CalendarQueue } from './calendar-queue.js';
import { EventHeap } from './queue.js';

/** Which set an engine uses: 'adaptive' moves between the two at the thresholds below. */
export type PendingSetKind = 'adaptive' | 'heap' | 'calendar';

/** Move to the heap above this many pending events... */
export const HEAP_ABOVE_PENDING = 1 << 18;
/** ...and back to the calendar queue below this many. */
export const CALENDAR_BELOW_PENDING = 1 << 16;

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
