// Continuous launches: apps in turn for rounds; cached apps come back warm
// unless LMKD killed them, killed ones start cold.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenario/loader.js';
import { runSimulation } from '../src/sim/run.js';

function small(freeMib: number) {
  return loadScenario('continuous-launch', [
    'continuous.apps=6',
    'continuous.rounds=2',
    'continuous.dwell_ms=300',
    'continuous.anon_mib=[300,300]',
    `memory.free_mib=${freeMib}`,
    'memory.page_cache_mib=100',
    'duration_ms=20000',
    'cpufreq.enabled=false',
  ]);
}

describe('continuous launch', () => {
  it('with room for every app, the second round is all warm starts and nobody is killed', () => {
    const { record } = runSimulation(small(6000), { policy: 'sync', seed: 1 });
    const m = record.output.metrics;
    expect(m.cold_launches).toBe(6);
    expect(m.warm_launches).toBe(6);
    expect(record.output.vmstat.lmkd_kills).toBe(0);
    expect(m.continuous_total_ms).toBeGreaterThan(12 * 300);
    expect(m.frames).toBeGreaterThan(0);
  });

  it('when memory runs out, LMKD kills cached apps and those start cold again', () => {
    const { record } = runSimulation(small(1200), { policy: 'sync', seed: 1 });
    const m = record.output.metrics;
    const kills = record.output.vmstat.lmkd_kills!;
    expect(kills).toBeGreaterThan(0);
    expect(m.cold_launches! + m.warm_launches!).toBe(12);
    expect(m.cold_launches).toBeGreaterThan(6);
    expect(m.exit_latency_ms.count).toBeGreaterThan(0);
    expect(m.continuous_total_ms).toBeGreaterThan(0);
  });
});
