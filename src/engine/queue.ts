// The pending-event set: a 4-ary min-heap over parallel typed arrays.
//
// Ordering key: (timeNs, order) where order = priorityClass * 2^40 + seq, so
// events at the same time run by priority class, then first-in first-out.
// Payload is a slot index into the engine's event pool; the heap itself never
// allocates per push once grown.
//
// Costs (see bench/engine.ts for the figures on this machine): push and
// popMin are O(log4 n) with ~half the comparisons of a binary heap; cancel is
// O(1) (the engine marks the slot dead and pop skips it).

const ORDER_SEQ_BITS = 2 ** 40;

export class EventHeap {
  private timeNs: Float64Array;
  private order: Float64Array;
  private slot: Int32Array;
  private n = 0;

  constructor(initialCapacity = 1024) {
    this.timeNs = new Float64Array(initialCapacity);
    this.order = new Float64Array(initialCapacity);
    this.slot = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.n;
  }

  static orderKey(priorityClass: number, seq: number): number {
    return priorityClass * ORDER_SEQ_BITS + seq;
  }

  push(timeNs: number, order: number, slot: number): void {
    if (this.n === this.timeNs.length) this.grow();
    let i = this.n++;
    const t = this.timeNs, o = this.order, s = this.slot;
    // Sift up.
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = t[p]!;
      if (pt < timeNs || (pt === timeNs && o[p]! <= order)) break;
      t[i] = pt; o[i] = o[p]!; s[i] = s[p]!;
      i = p;
    }
    t[i] = timeNs; o[i] = order; s[i] = slot;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.timeNs[0]! : Infinity;
  }

  /** Removes the earliest event and returns its slot (-1 when empty). */
  popMin(): number {
    if (this.n === 0) return -1;
    const t = this.timeNs, o = this.order, s = this.slot;
    const top = s[0]!;
    const last = --this.n;
    if (last === 0) return top;
    const lt = t[last]!, lo = o[last]!, ls = s[last]!;
    let i = 0;
    // Sift down with the last element.
    for (;;) {
      const c = 4 * i + 1;
      if (c >= last) break;
      let m = c;
      let mt = t[c]!, mo = o[c]!;
      const end = c + 4 < last ? c + 4 : last;
      for (let k = c + 1; k < end; k++) {
        const kt = t[k]!;
        if (kt < mt || (kt === mt && o[k]! < mo)) { m = k; mt = kt; mo = o[k]!; }
      }
      if (lt < mt || (lt === mt && lo <= mo)) break;
      t[i] = mt; o[i] = mo; s[i] = s[m]!;
      i = m;
    }
    t[i] = lt; o[i] = lo; s[i] = ls;
    return top;
  }

  private grow(): void {
    const cap = this.timeNs.length * 2;
    const t = new Float64Array(cap); t.set(this.timeNs); this.timeNs = t;
    const o = new Float64Array(cap); o.set(this.order); this.order = o;
    const s = new Int32Array(cap); s.set(this.slot); this.slot = s;
  }
}
