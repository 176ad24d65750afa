import { describe, expect, it } from 'vitest';
import { initWork, WQ_HIGHPRI, WQ_MEM_RECLAIM, WQ_UNBOUND } from '../src/kernel/workqueue/workqueue.js';
import { MS, machine, proc } from './helpers.js';

describe('workqueue', () => {
  it('queue_work on a pending item is a no-op', () => {
    const m = machine([1024]);
    const wq = m.workqueues.allocWorkqueue('events', WQ_UNBOUND, 0);
    let runs = 0;
    const w = initWork('w', function* (k) {
      runs++;
      yield k.work(1 * MS);
    });
    expect(wq.queueWork(w)).toBe(true);
    expect(wq.queueWork(w)).toBe(false);
    m.engine.run();
    expect(runs).toBe(1);
    expect(wq.executed).toBe(1);
  });

  it('never runs more than max_active items at once, and drains them all', () => {
    for (const maxActive of [1, 3]) {
      const m = machine([1024, 1024, 1024, 1024, 1024, 1024]);
      const wq = m.workqueues.allocWorkqueue('smfree_wq', WQ_UNBOUND | WQ_HIGHPRI | WQ_MEM_RECLAIM, maxActive);
      let running = 0,
        peak = 0;
      for (let i = 0; i < 10; i++) {
        wq.queueWork(
          initWork(`item${i}`, function* (k) {
            running++;
            peak = Math.max(peak, running);
            yield k.work(2 * MS);
            running--;
          }),
        );
      }
      m.engine.run();
      expect(peak).toBe(maxActive);
      expect(wq.maxConcurrentSeen).toBe(maxActive);
      expect(wq.executed).toBe(10);
    }
  });

  it('max_active 0 means the version default', () => {
    const m = machine([1024]);
    expect(m.workqueues.allocWorkqueue('async_swap_free', WQ_UNBOUND, 0).maxActive).toBe(256);
  });

  it('a WQ_HIGHPRI worker preempts nice-0 work on wake-up', () => {
    const m = machine([1024]);
    const wq = m.workqueues.allocWorkqueue('hi', WQ_UNBOUND | WQ_HIGHPRI, 1);
    m.sched.spawn({ name: 'app', proc: proc('app'), category: 'foreground' }, function* (k) {
      for (;;) yield k.work(100 * MS);
    });
    let startedAt = -1;
    let queuedAt = -1;
    m.sched.spawn({ name: 'queuer', proc: proc('q'), category: 'system' }, function* (k) {
      yield k.sleep(20 * MS);
      // First item creates the worker; the second wakes the now-idle worker.
      wq.queueWork(
        initWork('first', function* (kk) {
          yield kk.work(0.1 * MS);
        }),
      );
      yield k.sleep(20 * MS);
      queuedAt = m.engine.nowNs;
      wq.queueWork(
        initWork('second', function* (kk) {
          startedAt = m.engine.nowNs;
          yield kk.work(0.1 * MS);
        }),
      );
    });
    m.engine.run(100 * MS);
    expect(queuedAt).toBeGreaterThan(0);
    expect(startedAt).toBe(queuedAt);
    const worker = m.sched.tasks.find((t) => t.name.startsWith('kworker/u3:'))!;
    expect(worker.nice).toBe(-20);
  });

  it('WQ_MEM_RECLAIM: the rescuer drains items when workers cannot be created', () => {
    const m = machine([1024]);
    m.workqueues.workerCreationBlocked = () => true;
    const wq = m.workqueues.allocWorkqueue('smfree_wq', WQ_UNBOUND | WQ_HIGHPRI | WQ_MEM_RECLAIM, 1);
    let doneAt = -1;
    wq.queueWork(
      initWork('item', function* (k) {
        yield k.work(1 * MS);
        doneAt = m.engine.nowNs;
      }),
    );
    m.engine.run();
    expect(wq.workersCreated).toBe(0);
    expect(doneAt).toBeGreaterThanOrEqual(10 * MS); // after the mayday timeout
    const noRescuer = m.workqueues.allocWorkqueue('plain', WQ_UNBOUND, 1);
    let ran = false;
    noRescuer.queueWork(
      initWork('x', function* (k) {
        ran = true;
        yield k.work(1);
      }),
    );
    m.engine.run();
    expect(ran).toBe(true); // without WQ_MEM_RECLAIM the worker is created regardless
  });
});
