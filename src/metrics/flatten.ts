// Flat metric keys for tables, CSV and the results store. One ordering, the
// contract order of `Metrics` in types.ts, so every report lists metrics the
// same way and diffs between runs line up:
//
//   exit_latency_ms.{mean,p50,p90,p99,max,count}
//   memory_release_ms.{mean,p50,p90,p99,max,count,released,censored}
//   release_in_slot_caches_kib
//   launch_ms, preview_ms, frames, janky_frames, jank_rate_pct, dropped_frames,
//   frame_time_ms.{...}, preview_frames, preview_stutter_frames,
//   preview_stutter_pct                                  (when present)
//   continuous_total_ms, app_launch_ms.{...}, cold_launches, warm_launches (when present)
//   cpu_ms_by_category.<category> ..., cpu_busy_mean_pct
//   energy_mj.<category> ...                             (when present, CPU_CATEGORIES order)
//   free_mem_at_preview_mib                              (when present)
//   deferred_entries_peak, deferred_mib_peak, held_after_exit_mib_ms,
//   unaccounted_cpu_ms
//   lock_wait_ms[<lock>] ...                             (locks sorted by name)
//   swap_entries_freed, swap_entries_leaked, swap_full_events,
//   swap_alloc_failures, events, wall_ms
import { CPU_CATEGORIES, type Distribution, type Metrics } from './types.js';

/** Sub-keys of a distribution, in the order they are flattened. */
export const DISTRIBUTION_FIELDS = ['mean', 'p50', 'p90', 'p99', 'max', 'count'] as const satisfies readonly (keyof Distribution)[];

type DistributionKey = 'exit_latency_ms' | 'memory_release_ms' | 'frame_time_ms' | 'app_launch_ms';
type RecordKey = 'energy_mj' | 'cpu_ms_by_category';
type ScalarKey = Exclude<keyof Metrics, DistributionKey | RecordKey | 'lock_wait_ms' | 'cacheline_transfers' | 'cacheline_stall_ms' | 'munmap_ms'>;

// Contract order; 'lock_wait_ms' marks where the per-lock keys go.
const ORDER: ReadonlyArray<{ kind: 'dist'; key: DistributionKey } | { kind: 'scalar'; key: ScalarKey } | { kind: 'category'; key: RecordKey } | { kind: 'locks' }> = [
  { kind: 'dist', key: 'exit_latency_ms' },
  { kind: 'dist', key: 'memory_release_ms' },
  { kind: 'scalar', key: 'release_in_slot_caches_kib' },
  { kind: 'scalar', key: 'launch_ms' },
  { kind: 'scalar', key: 'preview_ms' },
  { kind: 'scalar', key: 'frames' },
  { kind: 'scalar', key: 'janky_frames' },
  { kind: 'scalar', key: 'jank_rate_pct' },
  { kind: 'scalar', key: 'dropped_frames' },
  { kind: 'scalar', key: 'frame_drop_pct' },
  { kind: 'dist', key: 'frame_time_ms' },
  { kind: 'scalar', key: 'preview_frames' },
  { kind: 'scalar', key: 'preview_stutter_frames' },
  { kind: 'scalar', key: 'preview_stutter_pct' },
  { kind: 'scalar', key: 'continuous_total_ms' },
  { kind: 'dist', key: 'app_launch_ms' },
  { kind: 'scalar', key: 'cold_launches' },
  { kind: 'scalar', key: 'warm_launches' },
  { kind: 'category', key: 'cpu_ms_by_category' },
  { kind: 'scalar', key: 'cpu_busy_mean_pct' },
  { kind: 'category', key: 'energy_mj' },
  { kind: 'scalar', key: 'free_mem_at_preview_mib' },
  { kind: 'scalar', key: 'deferred_entries_peak' },
  { kind: 'scalar', key: 'deferred_mib_peak' },
  { kind: 'scalar', key: 'held_after_exit_mib_ms' },
  { kind: 'scalar', key: 'unaccounted_cpu_ms' },
  { kind: 'locks' },
  { kind: 'scalar', key: 'swap_entries_freed' },
  { kind: 'scalar', key: 'swap_entries_leaked' },
  { kind: 'scalar', key: 'swap_full_events' },
  { kind: 'scalar', key: 'swap_alloc_failures' },
  { kind: 'scalar', key: 'events' },
  { kind: 'scalar', key: 'wall_ms' },
];

/** Flat key of one lock's total wait. */
export function lockWaitKey(lock: string): string {
  return `lock_wait_ms[${lock}]`;
}

// Code-unit order, not localeCompare: must not depend on the host's locale.
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Flatten one run's metrics into `key -> number`, in contract order (object
 * insertion order is the documented order). Optional metrics appear only
 * when present.
 */
export function flattenMetrics(m: Metrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of ORDER) {
    if (item.kind === 'dist') {
      const d = m[item.key];
      if (d) for (const f of DISTRIBUTION_FIELDS) out[`${item.key}.${f}`] = d[f];
      if (item.key === 'memory_release_ms' && d) {
        out['memory_release_ms.released'] = m.memory_release_ms.released;
        out['memory_release_ms.censored'] = m.memory_release_ms.censored;
      }
    } else if (item.kind === 'category') {
      const r = m[item.key];
      if (r) for (const c of CPU_CATEGORIES) out[`${item.key}.${c}`] = r[c];
    } else if (item.kind === 'locks') {
      for (const lock of Object.keys(m.lock_wait_ms).sort(byCodeUnit)) out[lockWaitKey(lock)] = m.lock_wait_ms[lock]!;
    } else {
      const v = m[item.key];
      if (v !== undefined) out[item.key] = v;
    }
  }
  return out;
}

// Rank of a flat key in contract order: [position in ORDER, position inside it].
function rank(key: string): [number, number, string] {
  for (let i = 0; i < ORDER.length; i++) {
    const item = ORDER[i]!;
    if (item.kind === 'dist' && key.startsWith(`${item.key}.`)) {
      const sub = key.slice(item.key.length + 1);
      const f = DISTRIBUTION_FIELDS.indexOf(sub as (typeof DISTRIBUTION_FIELDS)[number]);
      if (f >= 0) return [i, f, ''];
      if (sub === 'released' || sub === 'censored') return [i, DISTRIBUTION_FIELDS.length + (sub === 'censored' ? 1 : 0), ''];
    } else if (item.kind === 'category' && key.startsWith(`${item.key}.`)) {
      const c = CPU_CATEGORIES.indexOf(key.slice(item.key.length + 1) as (typeof CPU_CATEGORIES)[number]);
      if (c >= 0) return [i, c, ''];
    } else if (item.kind === 'locks' && key.startsWith('lock_wait_ms[') && key.endsWith(']')) {
      return [i, 0, key];
    } else if (item.kind === 'scalar' && key === item.key) {
      return [i, 0, ''];
    }
  }
  // Unknown keys (a newer contract) go last, by name, rather than vanish.
  return [ORDER.length, 0, key];
}

/** Comparator putting flat keys in contract order. */
export function compareMetricKeys(a: string, b: string): number {
  const [ia, fa, sa] = rank(a);
  const [ib, fb, sb] = rank(b);
  return ia - ib || fa - fb || byCodeUnit(sa, sb);
}

/**
 * Union of the flat keys of several runs, in contract order: runs differ in
 * which optional metrics and locks they report.
 */
export function orderedMetricKeys(flat: Iterable<Record<string, number>>): string[] {
  const keys = new Set<string>();
  for (const f of flat) for (const k of Object.keys(f)) keys.add(k);
  return [...keys].sort(compareMetricKeys);
}
