import { describe, expect, it } from 'vitest';
import { initWork, WQ_HIGHPRI, WQ_UNBOUND } from '../src/kernel/workqueue/workqueue.js';
import { CoreMachine, phoneCpus } from '../src/kernel/core-machine.js';
import { MS, proc } from './helpers.js';

/** A busy little world whose shape depends on the seed's random draws. */
function world(seed: number, traced: boolean): string {
  const m = new CoreMachine({ seed, cpus: phoneCpus() });
  if (traced) {
    m.sched.observers.push({ cpuSlice: () => {} });
    m.trace.observers.push({ span: () => {} });
  }
  const rng = m.engine.rng.stream('workload');
  const lock = m.locks.spinlock('si->lock');
  const wq = m.workqueues.allocWorkqueue('events', WQ_UNBOUND | WQ_HIGHPRI, 2);
  for (let i = 0; i < 12; i++) {
    const nice = rng.int(-5, 5);
    const chunks = rng.int(5, 30);
    m.sched.spawn({ name: `p${i}`, proc: proc(`p${i}`), nice, category: 'exiting' }, function* (k) {
      for (let c = 0; c < chunks; c++) {
        yield k.work(rng.uniform(0.05, 0.5) * MS);
        yield k.lock(lock);
        yield k.work(0.02 * MS);
        yield k.unlock(lock);
        if (c % 7 === 0)
          wq.queueWork(
            initWork(`w${i}.${c}`, function* (kk) {
              yield kk.work(0.1 * MS);
            }),
          );
      }
    });
  }
  m.engine.run(500 * MS);
  return m.engine.fingerprint.hex() + ':' + m.engine.eventsProcessed;
}

describe('determinism', () => {
  it('same seed, same fingerprint; another seed, another', () => {
    expect(world(7, false)).toBe(world(7, false));
    expect(world(7, false)).not.toBe(world(8, false));
  });

  it('tracing on or off gives the same fingerprint', () => {
    expect(world(3, true)).toBe(world(3, false));
  });

  it('a policy drawing from its own stream does not shift the workload stream', () => {
    const m1 = new CoreMachine({ seed: 5, cpus: phoneCpus() });
    const m2 = new CoreMachine({ seed: 5, cpus: phoneCpus() });
    m2.engine.rng.stream('policy').nextU32();
    const a = Array.from({ length: 5 }, () => m1.engine.rng.stream('workload').nextU32());
    const b = Array.from({ length: 5 }, () => m2.engine.rng.stream('workload').nextU32());
    expect(a).toEqual(b);
  });
});
