// The pending-event set: a 4-ary min-heap over parallel typed arrays.
//
// Ordering key: (timeNs, order) where order = priorityClass * 2^40 + seq, so
// events at the same time run by priority class, then first-in first-out.
// Keys are unique (seq is), so any correct heap pops the same sequence.
// Payload is a slot index into the engine's event pool; the heap itself never
// allocates per push once grown.
//
// For the engine's pattern (pop the earliest, then usually push one event
// from its handler), popMin leaves the root vacant; the next push drops its
// event into the hole and sifts it down once, instead of a sift-down to
// refill the root followed by a sift-up for the push. A peek or pop with no
// push in between refills the root from the last leaf. (Tried and dropped, no
// faster in V8: a bottom-up sift-down, a branch-free tournament of the four
// children, keeping `order` per slot so a move writes two arrays, not three.)
//
// Costs (bench/engine.ts prints the figures on this machine): push and popMin
// are O(log4 n); cancel is O(1) (the engine marks the slot dead and pop skips
// it). Slower than the calendar queue from ~100 to ~100k pending on the hold
// model, faster at 1M, where its top levels stay in cache, and on the small,
// log-spread pending sets of the shipped scenarios (see pending-events.ts).

import { grown } from './typed-arrays.js';

const ORDER_SEQ_BITS = 2 ** 40;

export class EventHeap {
  private timeNs: Float64Array;
  private order: Float64Array;
  private slot: Int32Array;
  /** Entries in the arrays, counting a vacant root. */
  private n = 0;
  /** popMin took the root and nothing has filled it yet. */
  private rootVacant = false;
  /** Time of the event the last successful pop returned. */
  poppedTimeNs = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(4, initialCapacity);
    this.timeNs = new Float64Array(cap);
    this.order = new Float64Array(cap);
    this.slot = new Int32Array(cap);
  }

  get size(): number {
    return this.rootVacant ? this.n - 1 : this.n;
  }

  static orderKey(priorityClass: number, seq: number): number {
    return priorityClass * ORDER_SEQ_BITS + seq;
  }

  push(timeNs: number, order: number, slot: number): void {
    if (this.rootVacant) {
      this.rootVacant = false;
      this.placeFromRoot(timeNs, order, slot, this.n);
      return;
    }
    if (this.n === this.timeNs.length) this.grow();
    this.siftUp(this.n++, timeNs, order, slot);
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    if (this.rootVacant) this.refillRoot();
    return this.n > 0 ? this.timeNs[0]! : Infinity;
  }

  /** Removes the earliest event and returns its slot (-1 when empty). */
  popMin(): number {
    return this.popMinUntil(Infinity);
  }

  /** popMin, unless the earliest event lies beyond `untilNs` (then -1, nothing removed). */
  popMinUntil(untilNs: number): number {
    if (this.rootVacant) this.refillRoot();
    if (this.n === 0) return -1;
    const t = this.timeNs[0]!;
    if (t > untilNs) return -1;
    this.poppedTimeNs = t;
    this.rootVacant = true;
    return this.slot[0]!;
  }

  /** Pushes every pending event into `sink` and empties this heap. */
  drainInto(sink: { push(timeNs: number, order: number, slot: number): void }): void {
    if (this.rootVacant) this.refillRoot();
    for (let i = 0; i < this.n; i++) sink.push(this.timeNs[i]!, this.order[i]!, this.slot[i]!);
    this.n = 0;
  }

  /** Moves the last leaf into the vacant root. */
  private refillRoot(): void {
    this.rootVacant = false;
    const last = --this.n;
    if (last === 0) return;
    this.placeFromRoot(this.timeNs[last]!, this.order[last]!, this.slot[last]!, last);
  }

  /** Puts an event into the hole at the root of a heap of `n` entries (hole included). */
  private placeFromRoot(timeNs: number, order: number, slot: number, n: number): void {
    const t = this.timeNs,
      o = this.order,
      s = this.slot;
    let i = 0;
    for (;;) {
      const c = 4 * i + 1;
      if (c >= n) break;
      let m = c,
        mt = t[c]!;
      const end = c + 4 < n ? c + 4 : n;
      for (let k = c + 1; k < end; k++) {
        const kt = t[k]!;
        if (kt < mt || (kt === mt && o[k]! < o[m]!)) {
          m = k;
          mt = kt;
        }
      }
      if (timeNs < mt || (timeNs === mt && order < o[m]!)) break;
      t[i] = mt;
      o[i] = o[m]!;
      s[i] = s[m]!;
      i = m;
    }
    t[i] = timeNs;
    o[i] = order;
    s[i] = slot;
  }

  /** Puts an event into the hole at `i`, moving later parents down. */
  private siftUp(i: number, timeNs: number, order: number, slot: number): void {
    const t = this.timeNs,
      o = this.order,
      s = this.slot;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = t[p]!;
      if (pt < timeNs || (pt === timeNs && o[p]! < order)) break;
      t[i] = pt;
      o[i] = o[p]!;
      s[i] = s[p]!;
      i = p;
    }
    t[i] = timeNs;
    o[i] = order;
    s[i] = slot;
  }

  private grow(): void {
    const cap = this.timeNs.length * 2;
    this.timeNs = grown(this.timeNs, cap);
    this.order = grown(this.order, cap);
    this.slot = grown(this.slot, cap);
  }
}
