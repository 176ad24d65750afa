// Seeds that once crashed the model (issue 8), kept as regression cases.
// Each must run to the end with exact swap conservation.
import { describe, expect, it } from 'vitest';
import { loadScenario, scenarioFromText } from '../src/scenario/loader.js';
import { runScenario } from '../src/sim/run.js';

const cases: Array<{ why: string; policy: string; seed: number; scenario?: string; sets?: string[] }> = [
  { why: 'reclaim swapped out a PMD chunk an exit was zapping (PTE lock ordering)', policy: 'sync', seed: 19 },
  { why: 'reclaim vs zap under the per-node worker', policy: 'async-per-node', seed: 10 },
  { why: 'a slot freed before its zram object was reused by swap-out (zram double free)', policy: 'async-global-list', seed: 44 },
  {
    why: 'reclaim with the swap device full skips anonymous pages (can_reclaim_anon_pages), no swap-full crash',
    policy: 'async-global-list',
    seed: 15,
    sets: ['lmkd.minfree_mib=0', 'load.fifo_priority=1'],
  },
  {
    why: 'a fractional page-cache size gives whole pages; slots reclaim holds in its swap cache at the end are conserved',
    policy: 'async-per-node',
    seed: 46,
    scenario: 'quiet',
    sets: ['launch.alloc_mib=8000', 'present_mib=0', 'lmkd.enabled=false', 'memory.page_cache_mib=10.39', 'lmkd.psi_complete_stall_ms=98.54'],
  },
];

describe('seeds that once crashed the model', () => {
  for (const c of cases) {
    it(`${c.policy} seed ${c.seed}: ${c.why}`, () => {
      const rec = runScenario(loadScenario(c.scenario ?? 'camera-launch', c.sets ?? []), { policy: c.policy, seed: c.seed });
      const m = rec.output.metrics;
      expect(m.swap_entries_leaked).toBe(0);
      if (c.scenario === undefined) {
        expect(m.swap_entries_freed).toBeGreaterThan(0);
        expect(m.exit_latency_ms.count).toBeGreaterThan(0);
      }
    });
  }
});

describe('fuzzed documents that once crashed the model', () => {
  it('zs_malloc without a free page fails the pageout (zram write -ENOMEM) instead of driving the zone below zero', () => {
    // From the soak fuzzer: reclaim on a nearly empty zone with watermark_min 0.
    const yaml = [
      'name: fuzz-zone-underflow',
      'duration_ms: 0.001',
      'platform: server-2node-128cpu',
      'memory: {watermark_min_mib: 0, watermark_low_mib: 256, watermark_high_mib: 320, free_mib: 1354, page_cache_mib: 898}',
      'lmkd: {enabled: true, psi_partial_stall_ms: 0, psi_complete_stall_ms: 868, psi_window_ms: 1403, poll_ms: 11.584}',
      'apps: {count: 44, anon_mib: [0, 2], swap_ratio: 0.6, file_mib: 50, oom_score_adj_min: 606}',
      'launch: {at_ms: 0, threads: 4, cpu_ms: 0, alloc_mib: 2700, frame_cpu_ms: 15, frames: 4, surfaceflinger_cpu_ms: 10, camera_fps: 90, camera_hal_cpu_ms: 0}',
      'cpufreq: {enabled: false}',
      'processes: 10',
      'present_mib: 4',
      'mthp_kib: 64',
      'mode: exit',
    ].join('\n');
    const rec = runScenario(scenarioFromText(yaml, 'fuzz.yaml'), { policy: 'async-per-node', seed: 4 });
    expect(rec.output.metrics.swap_entries_leaked).toBe(0);
  });
});

describe('inputs the soak found too slow for its bound', () => {
  it('kernel.aggregation=fine is refused beyond 512 MiB of swap (fine mode is for small cases: 5 GiB took 101 s)', () => {
    expect(() => loadScenario('camera-launch', ['kernel.aggregation=fine'])).toThrow(/aggregation fine checks the chunk aggregation on small cases/);
    expect(loadScenario('exit-one', ['kernel.aggregation=fine']).kernel.aggregation).toBe('fine');
  });
});
