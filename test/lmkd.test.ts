// LMKD variants: today's reaper threads with process_mrelease() against the
// older boost of the victim into the foreground.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenario/loader.js';
import { runSimulation } from '../src/sim/run.js';

function run(reaper: 'mrelease' | 'setprio') {
  return runSimulation(loadScenario('camera-launch', [`lmkd.reaper=${reaper}`, 'duration_ms=1500']), { policy: 'sync', seed: 1 });
}

describe('lmkd', () => {
  it('mrelease: a reaper thread kills and reaps; the victim exits at nice 0 in its background cpuset', () => {
    const { sim, record } = run('mrelease');
    const killed = sim.K.processes.all.filter((p) => p.killedAtNs >= 0);
    expect(killed.length).toBeGreaterThan(0);
    for (const p of killed)
      for (const t of p.threads) {
        expect(t.cpuset).toBe('background');
        expect([0, 10]).toContain(t.nice); // lmkd_setprio's nice 0 unless the thread died before it got there
      }
    expect(killed.some((p) => p.threads.some((t) => t.nice === 0))).toBe(true);
    expect(record.output.vmstat.process_mrelease).toBeGreaterThan(0);
    const reapers = sim.K.sched.tasks.filter((t) => t.name.startsWith('lmkd_reaper'));
    expect(reapers.length).toBe(2);
    expect(reapers.reduce((s, t) => s + t.acct.cpuNs, 0)).toBeGreaterThan(0);
    expect(record.output.metrics.energy_mj!.lmkd).toBeGreaterThan(0);
  });

  it('setprio: the victim is raised to nice -20 in the foreground cpuset and nobody calls process_mrelease()', () => {
    const { sim, record } = run('setprio');
    const killed = sim.K.processes.all.filter((p) => p.killedAtNs >= 0);
    expect(killed.length).toBeGreaterThan(0);
    for (const p of killed)
      for (const t of p.threads) {
        expect(t.cpuset).toBe('foreground');
        expect(t.nice).toBe(-20);
      }
    expect(record.output.vmstat.process_mrelease ?? 0).toBe(0);
  });
});
