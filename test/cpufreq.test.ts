// CPU frequency: schedutil-like governor per cluster, capacity that follows
// frequency, and the energy model.
import { describe, expect, it } from 'vitest';
import { Cpufreq, type ClusterOpps, type GovernorParams } from '../src/kernel/sched/cpufreq.js';
import { EnergyMeter } from '../src/kernel/sched/energy-model.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/sim/run.js';
import { loadOppTable } from '../src/sim/opp-table.js';
import { machine, MS, proc } from './helpers.js';

const OPPS: ClusterOpps = {
  cluster: 'big',
  opps: [
    { mhz: 500, busyMw: 50 },
    { mhz: 1000, busyMw: 150 },
    { mhz: 1500, busyMw: 350 },
    { mhz: 2000, busyMw: 700 },
  ],
  idleMw: 5,
};
const GOV: GovernorParams = { enabled: true, rateLimitNs: 1 * MS, headroom: 1.25, peltHalfLifeNs: 32 * MS };

function oneCluster(enabled = true) {
  const m = machine([1024, 1024]); // helpers name capacity-1024 CPUs cluster 'big'
  const cf = new Cpufreq(m.sched, [OPPS], { ...GOV, enabled });
  return { m, cf, d: cf.domains[0]! };
}

describe('cpufreq governor', () => {
  it("a cluster's frequency rises under sustained utilization and falls back when idle", () => {
    const { m, d } = oneCluster();
    expect(d.curMhz).toBe(500); // boots at the lowest point
    m.sched.spawn({ name: 'busy', proc: proc('busy'), category: 'foreground' }, function* (k) {
      yield k.work(600 * MS);
    });
    const seen: number[] = [];
    for (let t = 50; t <= 1500; t += 50) {
      m.engine.run(t * MS);
      seen.push(d.curMhz);
    }
    expect(Math.max(...seen)).toBe(2000); // reached the top while busy
    expect(seen.findIndex((f) => f === 2000)).toBeGreaterThan(0); // ramped, not jumped
    expect(d.curMhz).toBe(500); // back at the bottom long after the work ended
    expect(d.timer).toBe(-1); // and the governor stopped ticking
  });

  it('work takes longer at a lower frequency', () => {
    const runAt = (enabled: boolean) => {
      const { m } = oneCluster(enabled);
      let doneNs = -1;
      m.sched.spawn({ name: 'w', proc: proc('w'), category: 'foreground' }, function* (k) {
        yield k.work(20 * MS);
        doneNs = m.engine.nowNs;
      });
      m.engine.run(1000 * MS);
      return doneNs;
    };
    const fixedTop = runAt(false);
    const governed = runAt(true);
    expect(fixedTop).toBe(20 * MS);
    // From the 500 MHz boot point, 20 ms of top-speed work needs well over 20 ms.
    expect(governed).toBeGreaterThan(30 * MS);
  });

  it('a running SCHED_FIFO task takes its cluster to the top point at the next update', () => {
    const { m, d } = oneCluster();
    m.sched.spawn({ name: 'rt', proc: proc('rt'), category: 'system', policy: 'fifo', rtPriority: 50 }, function* (k) {
      yield k.work(10 * MS);
    });
    m.engine.run(2 * MS);
    expect(d.curMhz).toBe(2000);
  });

  it('DVFS off: top point, no governor events, no ids taken', () => {
    const { m, d } = oneCluster(false);
    expect(d.curMhz).toBe(2000);
    expect(m.engine.pending).toBe(0);
    expect(m.sched.cpus.every((c) => c.speed1024 === c.capacity1024)).toBe(true);
  });
});

describe('energy model', () => {
  it('charges busy power to the running task category and idle power to idle', () => {
    const { m, cf } = oneCluster(false);
    const meter = new EnergyMeter(m.sched, cf);
    m.sched.spawn({ name: 'w', proc: proc('w'), category: 'kworker' }, function* (k) {
      yield k.work(10 * MS);
    });
    m.engine.run(100 * MS);
    m.sched.finish();
    const e = meter.byCategory(100 * MS);
    expect(e.kworker).toBeCloseTo(10e-3 * 700, 6); // 10 ms at 700 mW = 7 mJ
    expect(e.idle).toBeCloseTo((200 - 10) * 1e-3 * 5, 6); // two CPUs idle for 190 ms at 5 mW
  });

  it('the phone table gives each cluster its own points and C*V^2*f power rising with frequency', () => {
    const t = loadOppTable('phone-opp');
    expect(t.clusters.map((c) => c.cluster).sort()).toEqual(['big', 'little', 'prime']);
    for (const c of t.clusters) for (let i = 1; i < c.opps.length; i++) expect(c.opps[i]!.busyMw).toBeGreaterThan(c.opps[i - 1]!.busyMw);
  });

  it('every phone run reports energy by category; a platform without a table reports none', () => {
    const r = runScenario(loadScenario('exit-one', ['duration_ms=300']), { policy: 'sync', seed: 1 });
    const e = r.output.metrics.energy_mj!;
    expect(e.exiting).toBeGreaterThan(0);
    expect(e.idle).toBeGreaterThan(0);
    const custom = runScenario(loadScenario('exit-one', ['duration_ms=300', 'platform={"cpus":[{"capacity":1024,"cluster":"x","count":2}],"ram_mib":4096}']), { policy: 'sync', seed: 1 });
    expect(custom.output.metrics.energy_mj).toBeUndefined();
  });
});
