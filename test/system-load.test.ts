// Saturating system load: load.share=1 leaves no idle gap on any CPU.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenario/loader.js';
import { buildSimulation } from '../src/sim/build.js';
import type { Task } from '../src/kernel/sched/task.js';

function loaded(cls: 'fair' | 'fifo', share: number, rtThrottling: boolean, runNs = 500_000_000) {
  const sc = loadScenario('quiet', [
    `load.share=${share}`,
    `load.class=${cls}`,
    'load.threads=8',
    `kernel.rt_throttling=${rtThrottling}`,
    'launch.enabled=false',
    'lmkd.enabled=false',
    'apps.count=0',
    `duration_ms=${runNs / 1e6}`,
  ]);
  const sim = buildSimulation(sc, 'sync', 1);
  let probe: Task | null = null;
  probe = sim.K.sched.spawn({ name: 'probe', proc: { pid: 900, name: 'probe', cgroup: 'test' }, category: 'foreground' }, function* (k) {
    for (;;) yield k.work(1_000_000);
  });
  sim.K.engine.run(runNs);
  sim.K.sched.finish();
  return { sim, probe: probe! };
}

describe('system load', () => {
  it('share=1 as SCHED_FIFO without RT throttling starves a fair task on those CPUs', () => {
    const { probe } = loaded('fifo', 1, false);
    expect(probe.acct.cpuNs).toBe(0);
    expect(probe.acct.runnableNs).toBeGreaterThan(400_000_000);
  });

  it('with RT throttling on, the same fair task runs in the 5% left each period', () => {
    const { probe } = loaded('fifo', 1, true, 1_200_000_000);
    expect(probe.acct.cpuNs).toBeGreaterThan(0);
  });

  it('share=1 keeps every CPU busy: service threads never sleep', () => {
    const { sim } = loaded('fair', 1, true);
    const svc = sim.K.sched.tasks.filter((t) => t.name.startsWith('svc'));
    expect(svc.length).toBe(8);
    for (const t of svc) expect(t.acct.sleepingNs).toBe(0);
  });

  it('share below 1 leaves gaps: service threads sleep part of each period', () => {
    const { sim } = loaded('fair', 0.5, true);
    const svc = sim.K.sched.tasks.filter((t) => t.name.startsWith('svc'));
    for (const t of svc) expect(t.acct.sleepingNs).toBeGreaterThan(0);
  });
});
