import { describe, expect, it } from 'vitest';
import { MS, machine, proc } from './helpers.js';

/** A task that only computes, forever (until the run stops). */
function* hog(k: import('../src/engine/steps.js').TaskCtx) {
  for (;;) yield k.work(1000 * MS);
}

describe('fair class', () => {
  it('two nice-0 hogs on one CPU split it 50/50 within 1%', () => {
    const m = machine([1024]);
    const a = m.sched.spawn({ name: 'a', proc: proc('a'), category: 'system' }, hog);
    const b = m.sched.spawn({ name: 'b', proc: proc('b'), category: 'system' }, hog);
    m.engine.run(2000 * MS);
    m.sched.finish();
    const share = a.acct.runningNs / (a.acct.runningNs + b.acct.runningNs);
    expect(Math.abs(share - 0.5)).toBeLessThan(0.01);
    expect(a.acct.runningNs + b.acct.runningNs).toBe(2000 * MS);
  });

  it('nice -20 against nice 0 splits 88761:1024 within 1%', () => {
    const m = machine([1024]);
    const hi = m.sched.spawn({ name: 'hi', proc: proc('hi'), nice: -20, category: 'system' }, hog);
    const lo = m.sched.spawn({ name: 'lo', proc: proc('lo'), nice: 0, category: 'system' }, hog);
    // 20 s: the nice-0 task runs ~230 ms, so one 0.75 ms slice is well under 1%.
    m.engine.run(20_000 * MS);
    m.sched.finish();
    const ratio = hi.acct.runningNs / lo.acct.runningNs;
    expect(Math.abs(ratio / (88761 / 1024) - 1)).toBeLessThan(0.01);
  });

  it('a waking highpri-weight task preempts nice-0 work at once', () => {
    const m = machine([1024]);
    const busy = m.sched.spawn({ name: 'busy', proc: proc('busy'), category: 'system' }, hog);
    let ranAt = -1;
    let wakeAt = -1;
    m.sched.spawn({ name: 'kworker', proc: proc('kw'), nice: -20, category: 'kworker' }, function* (k) {
      wakeAt = m.engine.nowNs + 10 * MS;
      yield k.sleep(10 * MS);
      ranAt = m.engine.nowNs;
      yield k.work(1 * MS);
    });
    m.engine.run(50 * MS);
    expect(wakeAt).toBeGreaterThan(0);
    expect(ranAt).toBe(wakeAt);
    expect(busy.state).toBe('running');
  });

  it('work on a capacity-512 core takes twice as long', () => {
    const m = machine([512]);
    let done = -1;
    m.sched.spawn({ name: 'w', proc: proc('w'), category: 'system' }, function* (k) {
      yield k.work(10 * MS);
      done = m.engine.nowNs;
    });
    m.engine.run();
    expect(done).toBe(20 * MS);
  });
});

describe('SCHED_FIFO', () => {
  it('a FIFO task preempts a fair task at once', () => {
    const m = machine([1024]);
    const fair = m.sched.spawn({ name: 'fair', proc: proc('f'), category: 'system' }, hog);
    let start = -1;
    m.sched.spawn({ name: 'rt', proc: proc('rt'), policy: 'fifo', rtPriority: 50, category: 'system' }, function* (k) {
      yield k.sleep(5 * MS);
      start = m.engine.nowNs;
      yield k.work(3 * MS);
    });
    m.engine.run(20 * MS);
    m.sched.finish();
    expect(start).toBe(5 * MS);
    // fair ran 0..5 and 8..20
    expect(fair.acct.runningNs).toBe(17 * MS);
    expect(fair.acct.runnableNs).toBe(3 * MS);
  });

  it('with throttling on, fair tasks on a FIFO-saturated CPU get about 5%; off, 0', () => {
    for (const throttling of [true, false]) {
      const m = machine([1024], { rtThrottling: throttling });
      m.sched.spawn({ name: 'rt', proc: proc('rt'), policy: 'fifo', rtPriority: 10, category: 'system' }, hog);
      const fair = m.sched.spawn({ name: 'fair', proc: proc('f'), category: 'system' }, hog);
      m.engine.run(3000 * MS);
      m.sched.finish();
      const share = fair.acct.runningNs / (3000 * MS);
      if (throttling) expect(Math.abs(share - 0.05)).toBeLessThan(0.005);
      else expect(share).toBe(0);
    }
  });
});

describe('placement and affinity', () => {
  it('a waking task lands on an idle allowed CPU, preferring higher capacity', () => {
    const m = machine([400, 400, 1024, 860]);
    m.sched.spawn({ name: 'busy', proc: proc('b'), category: 'system', affinity: m.sched.mask([2]) }, hog);
    let cpuSeen = -1;
    const t = m.sched.spawn({ name: 'sleeper', proc: proc('s'), category: 'system' }, function* (k, self) {
      yield k.sleep(1 * MS);
      cpuSeen = self.cpu;
      yield k.work(1 * MS);
    });
    m.engine.run(10 * MS);
    expect(cpuSeen).toBe(3); // cpu2 (1024) is busy; cpu3 (860) is the biggest idle one
    expect(t.state).toBe('dead');
  });

  it('a task pinned to little cores never runs on a big one', () => {
    const m = machine([400, 400, 1024, 1024]);
    const little = m.sched.defineCpuset('background', [0, 1]);
    const seen = new Set<number>();
    m.sched.observers.push({
      cpuSlice: (cpu, task) => {
        if (task.cpuset === 'background') seen.add(cpu);
      },
    });
    for (let i = 0; i < 4; i++) m.sched.spawn({ name: `bg${i}`, proc: proc('bg'), cpuset: 'background', category: 'background' }, hog);
    m.engine.run(100 * MS);
    m.sched.finish();
    expect([...seen].every((c) => little.has(c))).toBe(true);
    expect(seen.size).toBe(2);
  });

  it('an idle CPU pulls runnable work', () => {
    const m = machine([1024, 1024]);
    const tasks = [0, 1, 2].map((i) =>
      m.sched.spawn({ name: `t${i}`, proc: proc('t'), category: 'system' }, function* (k) {
        yield k.work(10 * MS);
      }),
    );
    m.engine.run();
    // 30 ms of work over two CPUs: done by 20 ms, not 30 ms.
    expect(Math.max(...tasks.map((t) => t.exitNs))).toBeLessThanOrEqual(20 * MS);
  });

  it('rejects an affinity mask with no CPUs', () => {
    const m = machine([1024]);
    expect(() => m.sched.mask([])).toThrow(/no CPUs/);
    expect(() => m.sched.mask([3])).toThrow(/cpu 3/);
  });

  it('rejects a negative duration with a clear error', () => {
    const m = machine([1024]);
    m.sched.spawn({ name: 'bad', proc: proc('bad'), category: 'system' }, function* (k) {
      yield k.work(-5);
    });
    expect(() => m.engine.run()).toThrow(/negative-duration: bad: work of -5 ns/);
  });
});

describe('accounting', () => {
  it('per-state times add up to the elapsed time for every task', () => {
    const m = machine([1024, 400]);
    const lock = m.locks.spinlock('l');
    const ts = [0, 1, 2].map((i) =>
      m.sched.spawn({ name: `t${i}`, proc: proc('t'), category: 'system' }, function* (k) {
        for (let j = 0; j < 5; j++) {
          yield k.lock(lock);
          yield k.work(2 * MS);
          yield k.unlock(lock);
          yield k.sleep(1 * MS);
        }
      }),
    );
    m.engine.run(200 * MS);
    m.sched.finish();
    for (const t of ts) {
      const a = t.acct;
      expect(a.runningNs + a.spinningNs + a.runnableNs + a.sleepingNs).toBe(t.exitNs);
    }
  });
});

describe('call steps', () => {
  /** Two tasks contending for a spinlock inside nested sub-programs; `nest` says how a sub-program is entered. */
  function contended(nest: 'call' | 'yield*'): { log: string[]; fingerprint: string; events: number } {
    const m = machine([1024, 1024]);
    const lock = m.locks.spinlock('l');
    const log: string[] = [];
    type K = import('../src/engine/steps.js').TaskCtx;
    function* critical(k: K, who: string) {
      yield k.lock(lock);
      log.push(`${who} in @${m.engine.nowNs}`);
      yield k.work(1 * MS);
      yield k.unlock(lock);
    }
    function* twice(k: K, who: string) {
      for (let i = 0; i < 2; i++) {
        if (nest === 'call') yield k.call(critical(k, who));
        else yield* critical(k, who);
        yield k.work(0.25 * MS);
      }
      log.push(`${who} twice done @${m.engine.nowNs}`);
    }
    for (const who of ['a', 'b'])
      m.sched.spawn({ name: who, proc: proc(who), category: 'system' }, function* (k) {
        if (nest === 'call') yield k.call(twice(k, who));
        else yield* twice(k, who);
        log.push(`${who} exits @${m.engine.nowNs}`);
      });
    m.engine.run();
    return { log, fingerprint: m.engine.fingerprint.hex(), events: m.engine.eventsProcessed };
  }

  it('run a sub-program to its end before the caller goes on, event for event as yield* does', () => {
    const called = contended('call');
    expect(called).toEqual(contended('yield*'));
    for (const who of ['a', 'b']) {
      const done = called.log.findIndex((l) => l.startsWith(`${who} twice done`));
      const exits = called.log.findIndex((l) => l.startsWith(`${who} exits`));
      expect(done).toBeGreaterThanOrEqual(0);
      expect(exits).toBe(done + 1); // the caller goes on at once, at the same time
      expect(called.log[exits]!.split('@')[1]).toBe(called.log[done]!.split('@')[1]);
    }
    expect(called.log.filter((l) => l.includes(' in @'))).toHaveLength(4);
  });
});
