// Summary of a parameter sweep: for each chosen metric, each grid point and
// each policy, the mean over seeds with its 95% CI; and the same as text
// tables (one per metric) for the terminal.
import { flattenMetrics } from '../metrics/flatten.js';
import { confidenceInterval95 } from '../metrics/stats.js';
import type { RunRecord } from '../metrics/types.js';
import type { GridAxis, GridPoint } from '../scenario/set.js';

export interface SweepCell {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export interface SweepSummary {
  scenario: string;
  axes: GridAxis[];
  points: GridPoint[];
  policies: string[];
  seeds: number[];
  /** metric -> [point][policy] cell (n = 0 when no run of it finished or reported the metric). */
  metrics: Array<{ metric: string; cells: SweepCell[][] }>;
}

/** Metrics shown when --metrics is not given (those a run reports). */
export const DEFAULT_SWEEP_METRICS = ['exit_latency_ms.mean', 'memory_release_ms.mean', 'launch_ms', 'held_after_exit_mib_ms'];

const SCALAR_METRICS = [
  'launch_ms',
  'preview_ms',
  'frames',
  'janky_frames',
  'cpu_busy_mean_pct',
  'free_mem_at_preview_mib',
  'deferred_entries_peak',
  'deferred_mib_peak',
  'held_after_exit_mib_ms',
  'unaccounted_cpu_ms',
  'swap_entries_freed',
  'swap_entries_leaked',
  'swap_full_events',
  'swap_alloc_failures',
  'events',
  'wall_ms',
];

/** A flat metric key as flattenMetrics names it (checked before a sweep starts). */
export function isMetricKey(key: string): boolean {
  return (
    /^(exit_latency_ms|memory_release_ms)\.(mean|p50|p90|p99|max|count)$/.test(key) ||
    /^memory_release_ms\.(released|censored)$/.test(key) ||
    /^cpu_ms_by_category\.[a-z]+$/.test(key) ||
    /^lock_wait_ms\[[^\]]+\]$/.test(key) ||
    SCALAR_METRICS.includes(key)
  );
}

export function summarizeSweep(input: {
  scenario: string;
  axes: GridAxis[];
  points: GridPoint[];
  policies: string[];
  seeds: number[];
  metrics: string[];
  /** [point] -> finished runs of that point. */
  recordsByPoint: RunRecord[][];
}): SweepSummary {
  const flat = input.recordsByPoint.map((recs) => recs.map((r) => ({ policy: r.output.policy, seed: r.output.seed, m: flattenMetrics(r.output.metrics) })));
  const metrics = input.metrics.map((metric) => ({
    metric,
    cells: flat.map((runs) =>
      input.policies.map((policy) => {
        // By seed, so float sums do not depend on the order runs finished.
        const xs = runs
          .filter((r) => r.policy === policy && reports(r.m, metric))
          .sort((a, b) => a.seed - b.seed)
          .map((r) => r.m[metric]!);
        const ci = confidenceInterval95(xs);
        return { mean: ci.mean, lo: ci.lo, hi: ci.hi, n: ci.n };
      }),
    ),
  }));
  return { scenario: input.scenario, axes: input.axes, points: input.points, policies: input.policies, seeds: input.seeds, metrics };
}

/**
 * Whether a run has a value for the metric. A distribution with no samples
 * (no process finished releasing, say) is summarised as zeros in the output
 * contract; those zeros are not data and would drag a mean to 0.
 */
function reports(flat: Record<string, number>, metric: string): boolean {
  if (!(metric in flat)) return false;
  const dist = /^(exit_latency_ms|memory_release_ms)\.(?!count$)/.exec(metric);
  return !dist || flat[`${dist[1]}.count`] !== 0;
}

function num(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** "mean ± half-width" (or just the mean at n = 1; "–" with no runs). */
export function formatCell(c: SweepCell): string {
  if (c.n === 0) return '–';
  if (c.n < 2) return num(c.mean);
  return `${num(c.mean)} ± ${num((c.hi - c.lo) / 2)}`;
}

/** One table per metric: a row per grid point, a column per policy. */
export function formatSweepTables(s: SweepSummary): string {
  const out: string[] = [];
  for (const { metric, cells } of s.metrics) {
    const header = [...s.axes.map((a) => a.path), ...s.policies];
    const rows = s.points.map((pt, i) => [...pt.map((p) => p.value), ...cells[i]!.map(formatCell)]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (r: string[]) => r.map((v, c) => (c < s.axes.length ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
    out.push(`${metric} (mean ± 95% CI half-width over ${s.seeds.length} seeds)`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), '');
  }
  return out.join('\n');
}
