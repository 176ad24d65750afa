// `swaplab demo`: the simulation core on its own. Tasks of different classes
// and nice levels contend for the seed phone's CPUs and a spinlock while a
// highpri workqueue drains items; prints who ran where and for how long.

import { CoreMachine, phoneCpus } from '../kernel/core-machine.js';
import { initWork, WQ_HIGHPRI, WQ_MEM_RECLAIM, WQ_UNBOUND } from '../kernel/workqueue/workqueue.js';

const MS = 1_000_000;

export function runDemo(seed = 1): string {
  const m = new CoreMachine({ seed, cpus: phoneCpus() });
  m.sched.defineCpuset('background', [0, 1, 2, 3]);
  const lock = m.locks.spinlock('si->lock');
  const wq = m.workqueues.allocWorkqueue('smfree_wq', WQ_UNBOUND | WQ_HIGHPRI | WQ_MEM_RECLAIM, 1);
  const perCpu = new Map<string, number[]>();
  m.sched.observers.push({
    cpuSlice(cpu, task, s, e) {
      let row = perCpu.get(task.name);
      if (!row) {
        row = new Array(m.sched.cpus.length).fill(0);
        perCpu.set(task.name, row);
      }
      row[cpu]! += e - s;
    },
  });
  const mk = (pid: number, name: string) => ({ pid, name, cgroup: 'demo' });
  // Four dying processes at nice -20 contend for one spinlock.
  for (let i = 0; i < 4; i++) {
    m.sched.spawn({ name: `exiting${i}`, proc: mk(100 + i, `app${i}`), nice: -20, category: 'exiting' }, function* (k) {
      for (let c = 0; c < 40; c++) {
        yield k.work(0.3 * MS);
        yield k.lock(lock);
        yield k.work(0.05 * MS);
        yield k.unlock(lock);
        if (c % 10 === 9)
          wq.queueWork(
            initWork(`free-batch-${i}-${c}`, function* (kk) {
              yield kk.work(0.5 * MS);
            }),
          );
        yield k.condResched();
      }
    });
  }
  // Background services confined to little cores, a foreground app, an RT audio thread.
  for (let i = 0; i < 3; i++) {
    m.sched.spawn({ name: `bg${i}`, proc: mk(200 + i, 'services'), cpuset: 'background', nice: 10, category: 'system' }, function* (k) {
      for (;;) {
        yield k.work(2 * MS);
        yield k.sleep(1 * MS);
      }
    });
  }
  m.sched.spawn({ name: 'camera', proc: mk(300, 'camera'), category: 'foreground' }, function* (k) {
    for (;;) yield k.work(5 * MS);
  });
  m.sched.spawn({ name: 'audio', proc: mk(400, 'audio'), policy: 'fifo', rtPriority: 80, category: 'system' }, function* (k) {
    for (;;) {
      yield k.work(0.5 * MS);
      yield k.sleep(4.5 * MS);
    }
  });
  m.engine.run(50 * MS);
  m.sched.finish();

  const cpus = m.sched.cpus;
  const lines: string[] = [];
  lines.push(`swaplab core demo: 50 ms on ${cpus.length} CPUs (${cpus.map((c) => `${c.cluster}:${c.capacity1024}`).join(' ')}), seed ${seed}`);
  lines.push('');
  lines.push(`${'task'.padEnd(18)}${cpus.map((c) => `cpu${c.id}`.padStart(7)).join('')}   run ms  spin ms  wait ms`);
  for (const t of m.sched.tasks) {
    const row = perCpu.get(t.name) ?? new Array(cpus.length).fill(0);
    lines.push(
      `${t.name.padEnd(18)}${row.map((ns) => (ns ? (ns / MS).toFixed(1) : '.').padStart(7)).join('')}${(t.acct.runningNs / MS).toFixed(1).padStart(9)}${(t.acct.spinningNs / MS).toFixed(2).padStart(9)}${(t.acct.runnableNs / MS).toFixed(1).padStart(9)}`,
    );
  }
  const st = m.locks.byClass()[0]!;
  lines.push('');
  lines.push(`si->lock: ${st.acquisitions} acquisitions, ${st.contended} contended, wait total ${(st.totalWaitNs / MS).toFixed(2)} ms, worst ${(st.maxWaitNs / MS).toFixed(3)} ms`);
  lines.push(`smfree_wq: ${wq.executed} work items executed, at most ${wq.maxConcurrentSeen} at once (max_active ${wq.maxActive})`);
  lines.push(`events ${m.engine.eventsProcessed}, fingerprint ${m.engine.fingerprint.hex()}`);
  return lines.join('\n');
}
