// A calendar queue (R. Brown, CACM 1988): the pending-event set as an array
// of day buckets over a year; an event goes to bucket floor(t / width) mod
// days, kept sorted, and the dequeue walks the days of the current year.
// O(1) on average when the bucket width tracks the mean gap between events,
// which resize() keeps. Same interface and same total order (time, order)
// as EventHeap, so a run's event stream and fingerprint do not depend on
// which one the engine uses.
//
// Costs (bench/engine.ts): beats the 4-ary heap at large pending counts
// with spread-out times; the heap wins on small sets and tightly packed
// times (many events at the same instant).

export class CalendarQueue {
  // Node pool (struct of arrays).
  private time = new Float64Array(1024);
  private order = new Float64Array(1024);
  private slot = new Int32Array(1024);
  private freeNodes: number[] = [];
  private nodes = 0;
  /** Per day: node ids sorted by (time, order) DEScending, so the earliest pops from the end. */
  private days: number[][] = [];
  private nDays = 0;
  private width = 1;
  private n = 0;
  /** The day and the end time of that day within the current year. */
  private curDay = 0;
  private curTop = 0;

  constructor() {
    this.reset(16, 1000, 0);
  }

  get size(): number {
    return this.n;
  }

  push(timeNs: number, order: number, slot: number): void {
    const id = this.alloc();
    this.time[id] = timeNs; this.order[id] = order; this.slot[id] = slot;
    this.insert(id);
    this.n++;
    if (this.n > 2 * this.nDays) this.resize(this.nDays * 2);
  }

  peekTime(): number {
    if (this.n === 0) return Infinity;
    const id = this.findMin(false);
    return this.time[id]!;
  }

  popMin(): number {
    if (this.n === 0) return -1;
    const id = this.findMin(true);
    const s = this.slot[id]!;
    this.freeNodes.push(id);
    this.n--;
    if (this.n < this.nDays / 2 && this.nDays > 16) this.resize(this.nDays / 2);
    return s;
  }

  private alloc(): number {
    if (this.freeNodes.length > 0) return this.freeNodes.pop()!;
    if (this.nodes === this.time.length) {
      const cap = this.time.length * 2;
      const t = new Float64Array(cap); t.set(this.time); this.time = t;
      const o = new Float64Array(cap); o.set(this.order); this.order = o;
      const s = new Int32Array(cap); s.set(this.slot); this.slot = s;
    }
    return this.nodes++;
  }

  private insert(id: number): void {
    const t = this.time[id]!;
    const o = this.order[id]!;
    const day = this.days[Math.floor(t / this.width) & (this.nDays - 1)]!;
    // Descending order: walk from the end (earliest) while the entry is later than ours.
    let i = day.length;
    while (i > 0) {
      const j = day[i - 1]!;
      const jt = this.time[j]!;
      if (jt > t || (jt === t && this.order[j]! > o)) break;
      i--;
    }
    if (i === day.length) day.push(id); else day.splice(i, 0, id);
    // An event before the day the cursor is on (it only passes days empty for this year) moves it back.
    if (t < this.curTop - this.width) this.seek(t);
  }

  /** Earliest node; removes it when `take`. */
  private findMin(take: boolean): number {
    for (let scanned = 0; scanned < this.nDays; scanned++) {
      const day = this.days[this.curDay]!;
      if (day.length > 0) {
        const id = day[day.length - 1]!;
        if (this.time[id]! < this.curTop) {
          if (take) day.pop();
          return id;
        }
      }
      this.curDay = (this.curDay + 1) & (this.nDays - 1);
      this.curTop += this.width;
    }
    // A whole year without an event: jump straight to the earliest one.
    let best = -1;
    for (const day of this.days) {
      if (day.length === 0) continue;
      const id = day[day.length - 1]!;
      if (best < 0 || this.time[id]! < this.time[best]! || (this.time[id] === this.time[best] && this.order[id]! < this.order[best]!)) best = id;
    }
    this.seek(this.time[best]!);
    return this.findMin(take);
  }

  /** Positions the dequeue cursor on the day holding time t. */
  private seek(t: number): void {
    const k = Math.floor(t / this.width);
    this.curDay = k & (this.nDays - 1);
    this.curTop = (k + 1) * this.width;
  }

  /** Rebuilds with `nDays` days and a width of ~3 mean gaps between the earliest events. */
  private resize(nDays: number): void {
    const ids: number[] = [];
    for (const day of this.days) for (const id of day) ids.push(id);
    ids.sort((a, b) => this.time[a]! - this.time[b]! || this.order[a]! - this.order[b]!);
    let width = this.width;
    const sample = Math.min(ids.length, 64);
    if (sample >= 2) {
      const span = this.time[ids[sample - 1]!]! - this.time[ids[0]!]!;
      if (span > 0) width = (3 * span) / (sample - 1);
    }
    this.reset(nDays, width, ids.length > 0 ? this.time[ids[0]!]! : this.curTop - this.width);
    for (const id of ids) this.insert(id);
  }

  private reset(nDays: number, width: number, startTime: number): void {
    this.nDays = nDays;
    this.width = width;
    this.days = Array.from({ length: nDays }, () => []);
    this.seek(startTime);
  }
}
