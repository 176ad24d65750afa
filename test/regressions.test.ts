// Seeds that once crashed the model (issue 8), kept as regression cases.
// Each must run to the end with exact swap conservation.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/sim/run.js';

const cases: Array<{ why: string; policy: string; seed: number; sets?: string[] }> = [
  { why: 'reclaim swapped out a PMD chunk an exit was zapping (PTE lock ordering)', policy: 'sync', seed: 19 },
  { why: 'reclaim vs zap under the per-node worker', policy: 'async-per-node', seed: 10 },
  { why: 'a slot freed before its zram object was reused by swap-out (zram double free)', policy: 'async-global-list', seed: 44 },
];

describe('seeds that once crashed camera-launch', () => {
  for (const c of cases) {
    it(`${c.policy} seed ${c.seed}: ${c.why}`, () => {
      const rec = runScenario(loadScenario('camera-launch', c.sets ?? []), { policy: c.policy, seed: c.seed });
      const m = rec.output.metrics;
      expect(m.swap_entries_leaked).toBe(0);
      expect(m.swap_entries_freed).toBeGreaterThan(0);
      expect(m.exit_latency_ms.count).toBeGreaterThan(0);
    });
  }
});
