// docs/validation.md's builder, fed by a runner that returns made-up records:
// the calibration header names each calibration file's fitted_to, and the
// zram-share row is computed from the records (calibrated, not predicted).
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/metrics/types.js';
import { buildValidationReport, type ValidationRunner } from '../src/report/validation.js';
import { loadFittedTo } from '../src/calibration/calibration.js';

function fakeRecord(scenario: string, policy: string, seed: number, zramShare: number): RunRecord {
  const dist = (mean: number) => ({ count: 4, mean, p50: mean, p90: mean, p99: mean, max: mean });
  return {
    output: {
      scenario,
      policy,
      seed,
      kernel: '6.6-android',
      fingerprint: 'f',
      metrics: {
        exit_latency_ms: dist(250),
        memory_release_ms: { ...dist(200), released: 4, censored: 0 },
        munmap_ms: dist(20),
        launch_ms: 1500,
        preview_ms: 350,
        lock_wait_ms: {},
        cacheline_transfers: {},
        cacheline_stall_ms: {},
        cpu_ms_by_category: {},
        swap_entries_freed: 1,
        swap_entries_leaked: 0,
        swap_full_events: 0,
        swap_alloc_failures: 0,
      },
      vmstat: { free_swap_total_us: 100_000 + seed, zram_free_us: (100_000 + seed) * zramShare, free_swap_per_pmd_mean_us: 500 },
    },
  } as unknown as RunRecord;
}

describe('validation report', () => {
  it('names the fitted figure of each calibration file and scores the zram share as calibrated', async () => {
    const run: ValidationRunner = async (scenario, _sets, policies, seeds) => policies.flatMap((p) => seeds.map((s) => fakeRecord(scenario, p, s, 0.8)));
    const md = await buildValidationReport({ seeds: 3, run });
    expect(md).toContain(`\`calibration/phone-8core.yaml\`: ${loadFittedTo('phone-8core').figure}`);
    const row = md.split('\n').find((l) => l.includes('zram share of the swap-free cost'))!;
    expect(row).toContain('| 80.0 [80.0, 80.0]%');
    expect(row).toContain('| calibrated |');
    expect(row).toContain('| 75-95% | within band |');
  });
});
