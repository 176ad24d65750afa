// All locks of a machine, so statistics can be summed per lock name
// (every cluster's ci->lock reports as one "ci->lock" line, as lock_stat does
// per lock class).

import { QueuedLock, mutex, rwlock, rwsem, spinlock } from './queued-lock.js';

export interface LockClassStats {
  name: string;
  acquisitions: number;
  contended: number;
  totalWaitNs: number;
  maxWaitNs: number;
  totalHoldNs: number;
}

export class LockRegistry {
  private readonly locks: QueuedLock[] = [];

  spinlock(name: string): QueuedLock {
    return this.add(spinlock(name));
  }
  rwlock(name: string): QueuedLock {
    return this.add(rwlock(name));
  }
  mutex(name: string): QueuedLock {
    return this.add(mutex(name));
  }
  rwsem(name: string): QueuedLock {
    return this.add(rwsem(name));
  }

  private add(l: QueuedLock): QueuedLock {
    this.locks.push(l);
    return l;
  }

  /** Statistics summed per lock class (name), sorted by name. */
  byClass(): LockClassStats[] {
    const m = new Map<string, LockClassStats>();
    for (const l of this.locks) {
      let s = m.get(l.name);
      if (!s) {
        s = { name: l.name, acquisitions: 0, contended: 0, totalWaitNs: 0, maxWaitNs: 0, totalHoldNs: 0 };
        m.set(l.name, s);
      }
      s.acquisitions += l.stats.acquisitions;
      s.contended += l.stats.contended;
      s.totalWaitNs += l.stats.totalWaitNs;
      s.maxWaitNs = Math.max(s.maxWaitNs, l.stats.maxWaitNs);
      s.totalHoldNs += l.stats.totalHoldNs;
    }
    return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
