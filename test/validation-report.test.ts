// docs/validation.md's builder, fed by a runner that returns made-up records:
// the calibration header names each calibration file's fitted_to, and the
// zram-share row is computed from the records (calibrated, not predicted).
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/metrics/types.js';
import { buildValidationReport, type ValidationRunner } from '../src/report/validation.js';
import { loadFittedTo } from '../src/calibration/calibration.js';
import { tinyRecord } from './support/tiny-record.js';

/** A record whose free path spends `zramShare` of its time in zram. */
function record(scenario: string, policy: string, seed: number, zramShare: number): RunRecord {
  const r = tinyRecord(policy, seed, scenario);
  const freeUs = 100_000 + seed;
  r.output.vmstat = { free_swap_total_us: freeUs, zram_free_us: freeUs * zramShare, free_swap_per_pmd_mean_us: 500 };
  r.output.metrics.munmap_ms = { ...r.output.metrics.exit_latency_ms };
  return r;
}

describe('validation report', () => {
  it('names the fitted figure of each calibration file and scores the zram share as calibrated', async () => {
    const run: ValidationRunner = async (scenario, _sets, policies, seeds) => policies.flatMap((p) => seeds.map((s) => record(scenario, p, s, 0.8)));
    const md = await buildValidationReport({ seeds: 3, run });
    expect(md).toContain(`\`calibration/phone-8core.yaml\`: ${loadFittedTo('phone-8core').figure}`);
    const row = md.split('\n').find((l) => l.includes('zram share of the swap-free cost'))!;
    expect(row).toContain('| 80.0 [80.0, 80.0]%');
    expect(row).toContain('| calibrated |');
    expect(row).toContain('| 75-95% | within band |');
  });
});
