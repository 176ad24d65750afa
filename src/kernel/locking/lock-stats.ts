// Lock statistics, the fields of /proc/lock_stat that matter here, kept by
// the machine's LockRegistry per lock id rather than in each lock object:
// server-exit makes ~650k ptl and ci->lock instances, and an object per
// lock's counters cost more than the lock itself. Acquisitions are integers
// and sum exactly in any order, so they are counted per class; hold and wait
// times are sums of doubles, kept per lock so a class's total adds them up in
// lock creation order (lock_stat's per-class line, bit for bit the same
// whatever the lock objects' lifetimes).

import { grown } from '../../engine/typed-arrays.js';

/** Wait statistics of one lock that was contended at least once (most never are). */
export class LockWaitStats {
  contended = 0;
  totalWaitNs = 0;
  maxWaitNs = 0;

  recordWait(waitNs: number): void {
    this.contended++;
    this.totalWaitNs += waitNs;
    if (waitNs > this.maxWaitNs) this.maxWaitNs = waitNs;
  }
}

/** What a lock class is: its name (the lock_stat line) and kind, and its acquisitions summed over its instances. */
export class LockClass {
  acquisitions = 0;
  readonly sleeping: boolean;
  readonly shared: boolean;

  constructor(
    readonly name: string,
    readonly kind: LockKind,
    readonly index: number,
    /** The registry's per-lock columns, where its instances keep their statistics. */
    readonly stats: LockStatColumns,
  ) {
    this.sleeping = kind === 'mutex' || kind === 'rwsem';
    this.shared = kind === 'rwlock' || kind === 'rwsem';
  }
}

export type LockKind = 'spinlock' | 'rwlock' | 'mutex' | 'rwsem';

/** Per-lock columns indexed by lock id: its class, total hold time, and since when it is held. */
export class LockStatColumns {
  count = 0;
  classOf = new Uint16Array(1024);
  totalHoldNs = new Float64Array(1024);
  heldSinceNs = new Float64Array(1024);
  /** Wait statistics by lock id, for the locks ever contended. */
  readonly waits = new Map<number, LockWaitStats>();

  /** A new lock id of class `cls`. */
  add(cls: LockClass): number {
    const id = this.count++;
    if (id === this.classOf.length) this.grow(2 * id);
    this.classOf[id] = cls.index;
    return id;
  }

  waitStats(id: number): LockWaitStats {
    let w = this.waits.get(id);
    if (!w) {
      w = new LockWaitStats();
      this.waits.set(id, w);
    }
    return w;
  }

  private grow(n: number): void {
    this.classOf = grown(this.classOf, n);
    this.totalHoldNs = grown(this.totalHoldNs, n);
    this.heldSinceNs = grown(this.heldSinceNs, n);
  }
}
