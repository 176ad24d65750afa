import { describe, expect, it } from 'vitest';
import type { TaskCtx } from '../src/engine/steps.js';
import { MS, machine, proc } from './helpers.js';
import type { QueuedLock } from '../src/kernel/locking/queued-lock.js';
import { PmdChunk } from '../src/kernel/mm/mm-struct.js';

describe('queued spinlock', () => {
  it('excludes mutually and hands off in FIFO order; spinning shows as CPU busy', () => {
    const m = machine([1024, 1024, 1024, 1024]);
    const lock = m.locks.spinlock('si->lock');
    const order: string[] = [];
    let inside = 0;
    let maxInside = 0;
    const tasks = [0, 1, 2, 3].map((i) =>
      m.sched.spawn({ name: `t${i}`, proc: proc('p'), category: 'exiting' }, function* (k: TaskCtx) {
        yield k.work(i * 0.1 * MS); // arrive in order t0, t1, t2, t3
        yield k.lock(lock);
        inside++;
        maxInside = Math.max(maxInside, inside);
        order.push(`t${i}`);
        yield k.work(2 * MS);
        inside--;
        yield k.unlock(lock);
      }),
    );
    let spinSliceNs = 0;
    m.sched.observers.push({
      cpuSlice: (_c, _t, s, e, spinning) => {
        if (spinning) spinSliceNs += e - s;
      },
    });
    m.engine.run();
    expect(order).toEqual(['t0', 't1', 't2', 't3']);
    expect(maxInside).toBe(1);
    const spun = tasks.reduce((a, t) => a + t.acct.spinningNs, 0);
    // t1 waits 1.9 ms, t2 3.8 ms, t3 5.7 ms.
    expect(spun).toBeCloseTo(11.4 * MS, -3);
    expect(spinSliceNs).toBe(spun);
    const st = m.locks.byClass().find((c) => c.name === 'si->lock')!;
    expect(st.acquisitions).toBe(4);
    expect(st.contended).toBe(3);
    expect(st.maxWaitNs).toBeCloseTo(5.7 * MS, -3);
  });

  it('a task holding a spinlock is not preempted, even by SCHED_FIFO', () => {
    const m = machine([1024]);
    const lock = m.locks.spinlock('ptl');
    let holderDone = -1;
    let rtStart = -1;
    m.sched.spawn({ name: 'holder', proc: proc('h'), category: 'exiting' }, function* (k) {
      yield k.lock(lock);
      yield k.work(5 * MS);
      holderDone = m.engine.nowNs;
      yield k.unlock(lock);
      yield k.work(5 * MS);
    });
    m.sched.spawn({ name: 'rt', proc: proc('rt'), policy: 'fifo', rtPriority: 90, category: 'system' }, function* (k) {
      yield k.sleep(1 * MS);
      rtStart = m.engine.nowNs;
      yield k.work(1 * MS);
    });
    m.engine.run();
    // The RT task woke at 1 ms but ran only when the lock was dropped, and then at once.
    expect(holderDone).toBe(5 * MS);
    expect(rtStart).toBe(holderDone);
  });

  it('releasing a lock one does not hold is a clear error', () => {
    const m = machine([1024]);
    const lock = m.locks.spinlock('ci->lock');
    m.sched.spawn({ name: 'rogue', proc: proc('r'), category: 'system' }, function* (k) {
      yield k.unlock(lock);
    });
    expect(() => m.engine.run()).toThrow(/lock-owner: rogue releases ci->lock which it does not hold/);
  });
});

describe('rwlock and mutex', () => {
  it('readers share an rwlock; a writer excludes them', () => {
    const m = machine([1024, 1024, 1024]);
    const l = m.locks.rwlock('mmap_lock');
    let readersTogether = 0,
      inside = 0,
      writerAlone = true;
    for (let i = 0; i < 2; i++)
      m.sched.spawn({ name: `r${i}`, proc: proc('r'), category: 'system' }, function* (k) {
        yield k.lock(l, false);
        inside++;
        readersTogether = Math.max(readersTogether, inside);
        yield k.work(2 * MS);
        inside--;
        yield k.unlock(l);
      });
    m.sched.spawn({ name: 'w', proc: proc('w'), category: 'system' }, function* (k) {
      yield k.work(0.5 * MS);
      yield k.lock(l, true);
      if (inside !== 0) writerAlone = false;
      yield k.work(1 * MS);
      yield k.unlock(l);
    });
    m.engine.run();
    expect(readersTogether).toBe(2);
    expect(writerAlone).toBe(true);
  });

  it('mutex waiters sleep (no CPU burnt) and get the lock in FIFO order', () => {
    const m = machine([1024, 1024]);
    const mu = m.locks.mutex('oom_lock');
    const order: number[] = [];
    const ts = [0, 1, 2].map((i) =>
      m.sched.spawn({ name: `m${i}`, proc: proc('m'), category: 'system' }, function* (k) {
        yield k.work(i * 0.1 * MS);
        yield k.lock(mu);
        order.push(i);
        yield k.work(1 * MS);
        yield k.unlock(mu);
      }),
    );
    m.engine.run();
    m.sched.finish();
    expect(order).toEqual([0, 1, 2]);
    for (const t of ts) expect(t.acct.spinningNs).toBe(0);
    expect(ts[2]!.acct.sleepingNs).toBeGreaterThan(1 * MS);
  });
});

describe('lock objects and their statistics', () => {
  it("a zapped chunk's idle PTE lock object goes; the lock it revives keeps counting as the same lock", () => {
    const m = machine([1024, 1024]);
    const chunk = new PmdChunk(1, 0, m.locks);
    const first = chunk.ptl;
    expect(chunk.ptl).toBe(first); // not zapped: kept
    let secondTake: QueuedLock | null = null;
    m.sched.spawn({ name: 'exit', proc: proc('p'), category: 'exiting' }, function* (k) {
      yield k.lock(chunk.ptl);
      chunk.zapped = true;
      yield k.work(2 * MS);
      yield k.unlock(chunk.ptl);
    });
    m.sched.spawn({ name: 'reaper', proc: proc('r'), category: 'system' }, function* (k) {
      yield k.work(1 * MS);
      yield k.lock(chunk.ptl); // waits 1 ms: the object it waits on stays while it is queued or holds it
      yield k.work(1 * MS);
      yield k.unlock(chunk.ptl);
      yield k.work(1 * MS);
      secondTake = chunk.ptl;
      yield k.lock(secondTake);
      yield k.work(1 * MS);
      yield k.unlock(secondTake);
    });
    m.engine.run();
    expect(secondTake).not.toBe(first);
    expect(secondTake!.id).toBe(first.id);
    expect(chunk.ptl).not.toBe(secondTake); // dropped again once idle
    const st = m.locks.byClass().find((c) => c.name === 'ptl')!;
    expect(st).toMatchObject({ acquisitions: 3, contended: 1 });
    expect(st.totalWaitNs).toBeCloseTo(1 * MS, -3);
    expect(st.totalHoldNs).toBeCloseTo(4 * MS, -3);
  });
});
