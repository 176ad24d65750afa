// A small, fully formed RunRecord whose fields identify (policy, seed): for
// tests of the results store and the sweep, which never look inside.
import type { RunRecord } from '../../src/metrics/types.js';

export function tinyRecord(policy: string, seed: number, scenario = 's'): RunRecord {
  const d = { count: 1, mean: seed, p50: seed, p90: seed, p99: seed, max: seed };
  return {
    output: {
      scenario,
      policy,
      seed,
      kernel: 'k',
      fingerprint: `${policy}/${seed}`,
      metrics: {
        exit_latency_ms: d,
        memory_release_ms: { ...d, released: d.count, censored: 0 },
        cpu_ms_by_category: { exiting: 1, kworker: 0, foreground: 2, system: 1, lmkd: 0, background: 0, idle: 4 },
        cpu_busy_mean_pct: 50,
        deferred_entries_peak: 0,
        deferred_mib_peak: 0,
        held_after_exit_mib_ms: 0,
        unaccounted_cpu_ms: 0,
        lock_wait_ms: { 'si->lock': 1.5 },
        cacheline_transfers: {},
        cacheline_stall_ms: {},
        swap_entries_freed: 10,
        swap_entries_leaked: 0,
        swap_full_events: 0,
        swap_alloc_failures: 0,
        events: 100,
        wall_ms: 3,
      },
      vmstat: { pswpin: 7 },
    },
    series: {
      samplePeriodNs: 1e6,
      freeMemMib: [
        [0, 100],
        [1, 90.5],
      ],
      deferredEntries: [],
      cpuOccupancyMs: [],
      exitLatenciesMs: [seed],
      memoryReleaseMs: [seed * 2],
    },
  };
}
