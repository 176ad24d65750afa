import { describe, expect, it } from 'vitest';
import { resume, TaskCtx, type Program, type StepRecord } from '../src/engine/steps.js';
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

describe('called programs (TaskCtx.call)', () => {
  type Ctx = import('../src/engine/steps.js').TaskCtx;
  /** A program that logs when it starts and ends, works, and calls `inner` (if any) between two pieces of work. */
  function* part(k: Ctx, log: string[], name: string, now: () => number, inner?: (k: Ctx) => Generator<import('../src/engine/steps.js').StepRecord, void>) {
    log.push(`${name}+${now() / MS}`);
    yield k.work(1 * MS);
    if (inner) yield k.call(inner(k));
    yield k.work(2 * MS);
    log.push(`${name}-${now() / MS}`);
  }

  it('run nested to their end in place, the callers going on after them, and the task exits only after the outermost', () => {
    const m = machine([1024]);
    const now = () => m.engine.nowNs;
    const log: string[] = [];
    const t = m.sched.spawn({ name: 't', proc: proc('t'), category: 'system' }, (k) => part(k, log, 'a', now, (k1) => part(k1, log, 'b', now, (k2) => part(k2, log, 'c', now))));
    m.engine.run();
    expect(log).toEqual(['a+0', 'b+1', 'c+2', 'c-5', 'b-7', 'a-9']);
    expect(t.state).toBe('dead');
    expect(t.exitNs).toBe(9 * MS);
    expect(t.callers).toHaveLength(0);
  });

  it('take the same time as yield* would, preempted alike', () => {
    const run = (useCall: boolean) => {
      const m = machine([1024]);
      m.sched.spawn({ name: 'busy', proc: proc('busy'), category: 'system' }, hog);
      let done = -1;
      m.sched.spawn({ name: 'w', proc: proc('w'), category: 'system' }, function* (k) {
        function* sub() {
          for (let i = 0; i < 5; i++) yield k.work(3 * MS);
        }
        if (useCall) yield k.call(sub());
        else yield* sub();
        done = m.engine.nowNs;
      });
      m.engine.run(100 * MS);
      return done;
    };
    expect(run(true)).toBeGreaterThan(15 * MS); // shares the CPU with the hog
    expect(run(true)).toBe(run(false));
  });
});

describe('resume (the step loop calls Generator.prototype.next directly)', () => {
  it('steps programs of different generator functions as their own next() does', () => {
    function* twice(k: TaskCtx) {
      yield k.work(1);
      yield k.sleep(2);
    }
    class Owner {
      *once(k: TaskCtx) {
        yield k.condResched();
      }
    }
    const trace = (next: (p: Program) => IteratorResult<StepRecord, void>) => {
      const k = new TaskCtx();
      const out: string[] = [];
      for (const p of [twice(k), new Owner().once(k)]) {
        for (let r = next(p); !r.done; r = next(p)) out.push(`${r.value.kind}:${r.value.ns}`);
        out.push('done');
      }
      return out;
    };
    expect(trace(resume)).toEqual(['work:1', 'sleep:2', 'done', 'cond_resched:0', 'done']);
    expect(trace(resume)).toEqual(trace((p) => p.next()));
  });
});
