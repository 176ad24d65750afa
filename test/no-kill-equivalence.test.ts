// With no kills, a swap-free policy has nothing to do: every policy must
// give the same metrics (only event counts and wall time may differ).
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenario/loader.js';
import { POLICY_NAMES } from '../src/scenario/schema.js';
import { runScenario } from '../src/sim/run.js';
import { yieldToRunner } from './helpers.js';

describe('a scenario with no kills', () => {
  it('gives the same metrics under every policy', async () => {
    const sc = loadScenario('quiet', ['duration_ms=1500']);
    const outs = [];
    for (const policy of POLICY_NAMES) {
      await yieldToRunner();
      outs.push(runScenario(sc, { policy, seed: 3 }).output);
    }
    expect(outs[0]!.metrics.exit_latency_ms.count).toBe(0);
    expect(outs[0]!.metrics.launch_ms).toBeGreaterThan(0);
    const strip = (m: Record<string, unknown>) => {
      const { events: _e, wall_ms: _w, ...rest } = m;
      return rest;
    };
    for (const o of outs.slice(1)) expect(strip({ ...o.metrics })).toEqual(strip({ ...outs[0]!.metrics }));
  });
});
