// docs/answers.md's formatter, fed by a runner that returns made-up records:
// every section gets its question, command, table and plot, and failed runs
// (a full swap device) are counted, not thrown.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/metrics/types.js';
import { buildAnswers, type AnswersRunner } from '../src/report/answers.js';
import { ciBarsSvg } from '../src/report/ci-bars-svg.js';
import { confidenceInterval95 } from '../src/metrics/stats.js';

function fakeRecord(scenario: string, policy: string, seed: number): RunRecord {
  const v = (base: number) => base * (1 + 0.05 * seed) * (policy === 'sync' ? 1 : 0.8);
  const dist = (mean: number) => ({ count: 4, mean, p50: mean, p99: mean, max: mean * 1.5, min: mean / 2 });
  return {
    output: {
      scenario,
      policy,
      seed,
      kernel: '6.6-android',
      fingerprint: 'f',
      metrics: {
        exit_latency_ms: dist(v(80)),
        memory_release_ms: dist(v(200)),
        cpu_busy_peak_pct: 100,
        deferred_entries_peak: 0,
        deferred_mib_peak: v(1),
        held_after_exit_mib_ms: v(900),
        unaccounted_cpu_ms: v(500),
        lock_wait_ms: { 'si->lock': v(150), 'zs_pool->lock': v(20) },
        swap_entries_freed: 1,
        swap_entries_leaked: 0,
        swap_full_events: 0,
        swap_alloc_failures: 0,
        events: 1,
        wall_ms: 1,
        launch_ms: v(900),
        preview_ms: v(150),
        free_mem_at_preview_mib: v(400),
      },
      vmstat: { lmkd_kills: 9, allocstall: seed, psi_memory_some_us: 1000 * seed, swap_entries_parked_at_end: 0 },
    },
  } as unknown as RunRecord;
}

describe('answers report', () => {
  it('has every section with its quote, command, CI table and plot; failed runs are counted', async () => {
    const calls: string[] = [];
    const run: AnswersRunner = async (scenario, sets, policies, seeds) => {
      calls.push(`${scenario} ${sets.join(' ')}`);
      const failing = scenario === 'camera-launch-8gb';
      return {
        records: policies.flatMap((p) => seeds.filter((s) => !(failing && p === 'async-global-list' && s === 1)).map((s) => fakeRecord(scenario, p, s))),
        failures: failing ? [{ policy: 'async-global-list', seed: 1, message: 'swap-full: swap device full allocating 1 slots' }] : [],
      };
    };
    const { markdown, sections } = await buildAnswers({ seeds: 3, serverSeeds: 2, run, kernelVersions: ['6.6-android', '6.12', '6.18', 'swap-table'] });
    expect(sections.map((s) => s.slug)).toEqual([
      'morton-userspace',
      'morton-lock-contention',
      'morton-peak-resources',
      'morton-sched-fifo',
      'morton-unaccounted',
      'barry-where-gain',
      'barry-numa',
      'chris-parked-entries',
      'chris-process-mrelease',
      'kairui-latest-kernel',
      'shakeel-reclaim',
      'shakeel-parallel-reaping',
    ]);
    for (const s of sections) {
      expect(s.markdown).toMatch(/^> /m); // the question, quoted
      expect(s.markdown).toContain('swaplab compare ');
      expect(s.markdown).toMatch(/\| [\d.]+ \[[\d.-]+, [\d.-]+\] \|/); // mean [95% CI] cells
      expect(s.markdown).toContain(`](answers/${s.slug}.svg)`);
      expect(s.svg.startsWith('<svg')).toBe(true);
      expect(s.text).toContain('Mean [95% CI] over seeds');
      expect(markdown).toContain(s.markdown);
    }
    // Runs shared between sections are asked for once.
    expect(calls.filter((c) => c === 'camera-launch ').length).toBe(1);
    const chris = sections.find((s) => s.slug === 'chris-parked-entries')!;
    expect(chris.markdown).toContain('async-global-list (Lei v0) (1 failed)');
    expect(chris.markdown).toContain('async-global-list (Lei v0): 1 of 3');
    expect(chris.markdown).toContain('| swap-full events | swap alloc failures, pages |');
    expect(chris.markdown).toContain('sync, LMKD off (3 seeds)');
    const kairui = sections.find((s) => s.slug === 'kairui-latest-kernel')!;
    expect(kairui.markdown).toContain('| swap-table, sync |');
    expect(kairui.markdown).toContain('--set kernel.version=swap-table');
  });

  it('plots a bar and a CI whisker per row', () => {
    const svg = ciBarsSvg('x, ms', [
      { label: 'a', ci: confidenceInterval95([1, 2, 3]) },
      { label: 'b', ci: confidenceInterval95([4]) },
    ]);
    expect(svg.match(/<rect /g)!.length).toBe(3); // background + 2 bars
    expect(svg.match(/<path d="M[\d.]+ [\d.]+H/g)!.length).toBe(2); // one whisker (b has n=1) + the axis
  });
});
