// A calendar queue (R. Brown, CACM 1988): the pending-event set as an array
// of day buckets over a year; an event goes to bucket (day mod days), where
// day = floor(t / width), kept sorted by (time, order), and the dequeue walks
// the days of the current year. O(1) on average when the bucket width tracks
// the gap between the earliest events, which resize() keeps. Same interface
// and same total order (time, order) as EventHeap, so a run's event stream
// and fingerprint do not depend on which one the engine uses.
//
// Layout: typed arrays indexed by the event's slot (the engine's pool index,
// unique among pending events), so a push or pop allocates nothing: per slot
// its time, order and the next/prev links of a doubly linked day list; per
// day a head and a tail. Pops take the head; pushes walk from the tail, where
// a later event (the usual case) belongs. An event's day is always
// floor(time * invWidth) at the current width (a resize reinserts every
// event), and the dequeue compares day numbers (integers), so rounding in
// t / width can never pop events out of order. (One 32-byte record per node
// instead of parallel arrays was tried: faster at 1M pending, where every
// node touched is a cache miss, but 20% slower at 100 and 10k.)

import { grown } from './typed-arrays.js';

// Costs (bench/engine.ts prints the figures): O(1) expected push and pop for
// smooth time distributions, ~2x the 4-ary heap at 100 and 10k pending on the
// hold model; a resize costs O(n log n) at each doubling or halving of the
// pending count; a year with no event costs a scan of all day heads. At 1M
// pending every push and pop misses the cache on random slots, and the heap,
// whose top levels stay cached, is faster (see pending-events.ts).

const MIN_DAYS = 16;
/** Width = this many mean gaps between the earliest events (Brown's choice). */
const GAPS_PER_DAY = 3;
/** How many of the earliest events the width is measured over. */
const WIDTH_SAMPLE = 64;

export class CalendarQueue {
  // Per slot.
  private time = new Float64Array(1024);
  private order = new Float64Array(1024);
  private next = new Int32Array(1024);
  private prev = new Int32Array(1024);
  // Per day bucket: -1 when empty.
  private head = new Int32Array(MIN_DAYS).fill(-1);
  private tail = new Int32Array(MIN_DAYS).fill(-1);
  private dayMask = MIN_DAYS - 1;
  private invWidth = 1e-3;
  private n = 0;
  /** The day the dequeue is on; no pending event has an earlier day. */
  private curDay = 0;
  /** Time of the event the last successful pop returned. */
  poppedTimeNs = 0;

  get size(): number {
    return this.n;
  }

  push(timeNs: number, order: number, slot: number): void {
    if (slot >= this.time.length) this.growSlots(slot);
    this.time[slot] = timeNs;
    this.order[slot] = order;
    this.insert(slot);
    if (++this.n > 2 * (this.dayMask + 1)) this.resize((this.dayMask + 1) * 2);
  }

  peekTime(): number {
    if (this.n === 0) return Infinity;
    return this.time[this.findMin()]!;
  }

  popMin(): number {
    return this.popMinUntil(Infinity);
  }

  /** popMin, unless the earliest event lies beyond `untilNs` (then -1, nothing removed). */
  popMinUntil(untilNs: number): number {
    if (this.n === 0) return -1;
    const id = this.findMin();
    const t = this.time[id]!;
    if (t > untilNs) return -1;
    this.poppedTimeNs = t;
    // The earliest event is the head of its day's list.
    const b = this.curDay & this.dayMask; // findMin left the dequeue on its day
    const nx = this.next[id]!;
    this.head[b] = nx;
    if (nx < 0) this.tail[b] = -1;
    else this.prev[nx] = -1;
    if (--this.n < (this.dayMask + 1) / 2 && this.dayMask + 1 > MIN_DAYS) this.resize((this.dayMask + 1) / 2);
    return id;
  }

  /** Pushes every pending event into `sink`, earliest first, and empties this queue. */
  drainInto(sink: { push(timeNs: number, order: number, slot: number): void }): void {
    while (this.n > 0) {
      const id = this.popMin();
      sink.push(this.time[id]!, this.order[id]!, id);
    }
  }

  /** Links `id` (time and order set) into its day's list, sorted by (time, order). */
  private insert(id: number): void {
    const time = this.time,
      order = this.order,
      next = this.next,
      prev = this.prev;
    const t = time[id]!;
    const o = order[id]!;
    const d = Math.floor(t * this.invWidth);
    const b = d & this.dayMask;
    // Walk back from the tail past the events that sort after this one.
    let after = this.tail[b]!;
    while (after >= 0 && (time[after]! > t || (time[after] === t && order[after]! > o))) after = prev[after]!;
    prev[id] = after;
    let nx: number;
    if (after < 0) {
      nx = this.head[b]!;
      this.head[b] = id;
    } else {
      nx = next[after]!;
      next[after] = id;
    }
    next[id] = nx;
    if (nx < 0) this.tail[b] = id;
    else prev[nx] = id;
    // An event before the day the dequeue is on (after a peek moved it ahead) moves it back.
    if (d < this.curDay) this.curDay = d;
  }

  /** The earliest event, leaving the dequeue on its day. */
  private findMin(): number {
    const head = this.head,
      time = this.time,
      inv = this.invWidth,
      mask = this.dayMask;
    let d = this.curDay;
    for (let scanned = 0; scanned <= mask; scanned++, d++) {
      const h = head[d & mask]!;
      // A list is sorted, so its head has its earliest day; an earlier day than d cannot be pending.
      if (h >= 0 && Math.floor(time[h]! * inv) === d) {
        this.curDay = d;
        return h;
      }
    }
    // A whole year without an event: jump straight to the earliest one.
    const order = this.order;
    let best = -1;
    for (let b = 0; b <= mask; b++) {
      const h = head[b]!;
      if (h >= 0 && (best < 0 || time[h]! < time[best]! || (time[h] === time[best] && order[h]! < order[best]!))) best = h;
    }
    this.curDay = Math.floor(time[best]! * inv);
    return best;
  }

  /** Rebuilds with `nDays` days and a width of GAPS_PER_DAY mean gaps between the earliest events. */
  private resize(nDays: number): void {
    const time = this.time,
      order = this.order;
    const ids = new Int32Array(this.n);
    let k = 0;
    for (let b = 0; b <= this.dayMask; b++) {
      for (let id = this.head[b]!; id >= 0; id = this.next[id]!) ids[k++] = id;
    }
    // Reinserting in (time, order) order appends at each tail: O(1) each.
    ids.sort((a, b) => time[a]! - time[b]! || order[a]! - order[b]!);
    const sample = Math.min(k, WIDTH_SAMPLE);
    if (sample >= 2) {
      const spanNs = time[ids[sample - 1]!]! - time[ids[0]!]!;
      if (spanNs > 0) this.invWidth = (sample - 1) / (GAPS_PER_DAY * spanNs);
    }
    this.head = new Int32Array(nDays).fill(-1);
    this.tail = new Int32Array(nDays).fill(-1);
    this.dayMask = nDays - 1;
    this.curDay = k > 0 ? Math.floor(time[ids[0]!]! * this.invWidth) : 0;
    for (let i = 0; i < k; i++) this.insert(ids[i]!);
  }

  private growSlots(slot: number): void {
    let cap = this.time.length * 2;
    while (cap <= slot) cap *= 2;
    this.time = grown(this.time, cap);
    this.order = grown(this.order, cap);
    this.next = grown(this.next, cap);
    this.prev = grown(this.prev, cap);
  }
}
