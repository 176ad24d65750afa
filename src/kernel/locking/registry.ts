// All locks of a machine, so statistics can be summed per lock name
// (every cluster's ci->lock reports as one "ci->lock" line, as lock_stat does
// per lock class). The registry keeps their statistics by lock id
// (lock-stats.ts), not the lock objects: an owner may drop an idle lock and
// revive it under the same id.

import { SimulationError } from '../../engine/engine.js';
import { LockClass, LockStatColumns, type LockKind } from './lock-stats.js';
import { QueuedLock } from './queued-lock.js';

export interface LockClassStats {
  name: string;
  acquisitions: number;
  contended: number;
  totalWaitNs: number;
  maxWaitNs: number;
  totalHoldNs: number;
}

export class LockRegistry {
  private readonly classes: LockClass[] = [];
  private readonly classByKind = new Map<LockKind, Map<string, LockClass>>();
  private readonly stats = new LockStatColumns();

  /** Queued spinlock: waiters spin on their CPU with preemption off. */
  spinlock(name: string): QueuedLock {
    return this.add(name, 'spinlock');
  }
  /** Reader-writer spinlock (qrwlock). */
  rwlock(name: string): QueuedLock {
    return this.add(name, 'rwlock');
  }
  /** Sleeping mutex: waiters block. */
  mutex(name: string): QueuedLock {
    return this.add(name, 'mutex');
  }
  /** Reader-writer semaphore (mmap_lock): sleeping, readers share. */
  rwsem(name: string): QueuedLock {
    return this.add(name, 'rwsem');
  }

  /** A new object for idle lock `id` whose owner dropped the last one: the same lock (class and statistics). */
  revive(id: number): QueuedLock {
    if (!(id >= 0 && id < this.stats.count)) throw new SimulationError('lock-id', `no lock with id ${id}`);
    return new QueuedLock(this.classes[this.stats.classOf[id]!]!, id);
  }

  private add(name: string, kind: LockKind): QueuedLock {
    const cls = this.lockClass(name, kind);
    return new QueuedLock(cls, this.stats.add(cls));
  }

  private lockClass(name: string, kind: LockKind): LockClass {
    // By kind, then name: no key string built per lock (a server run makes ~650k).
    let byName = this.classByKind.get(kind);
    if (!byName) {
      byName = new Map();
      this.classByKind.set(kind, byName);
    }
    let cls = byName.get(name);
    if (!cls) {
      if (this.classes.length > 0xffff) throw new SimulationError('lock-classes', `more than 65536 lock classes (${name})`);
      cls = new LockClass(name, kind, this.classes.length, this.stats);
      this.classes.push(cls);
      byName.set(name, cls);
    }
    return cls;
  }

  /** Statistics summed per lock class (name), sorted by name; times summed in lock creation order. */
  byClass(): LockClassStats[] {
    const m = new Map<string, LockClassStats>();
    const st = this.stats;
    const byIndex: LockClassStats[] = [];
    for (let id = 0; id < st.count; id++) {
      const cls = this.classes[st.classOf[id]!]!;
      let s = byIndex[cls.index];
      if (!s) {
        s = m.get(cls.name) ?? { name: cls.name, acquisitions: 0, contended: 0, totalWaitNs: 0, maxWaitNs: 0, totalHoldNs: 0 };
        m.set(cls.name, s);
        byIndex[cls.index] = s;
        s.acquisitions += cls.acquisitions;
      }
      // Never contended locks add zero wait, which leaves a sum as it is.
      const w = st.waits.get(id);
      if (w) {
        s.contended += w.contended;
        s.totalWaitNs += w.totalWaitNs;
        s.maxWaitNs = Math.max(s.maxWaitNs, w.maxWaitNs);
      }
      s.totalHoldNs += st.totalHoldNs[id]!;
    }
    return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
