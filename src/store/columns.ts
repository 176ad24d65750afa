// Typed columns of the results store: one per scalar metric, per counter and
// per overridden scenario parameter. Names are SQL identifiers that need no
// quoting (exit_latency_ms_p99, lock_wait_ms_si_lock, param_apps_count), so
// `swaplab query` and notebooks can use them as they are.
import { flattenMetrics } from '../metrics/flatten.js';
import type { RunOutput } from '../metrics/types.js';

export type ColumnType = 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';
export type ColumnValue = number | boolean | string | null;

export interface Column {
  name: string;
  type: ColumnType;
  value: ColumnValue;
}

/** Lower-case identifier: runs of other characters become one underscore. */
export function sqlName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Every scalar metric (distributions flattened, one column per lock) and every vmstat counter. */
export function metricColumns(output: RunOutput): Column[] {
  const metrics = Object.entries(flattenMetrics(output.metrics)).map(([k, v]) => ({ name: sqlName(k), type: 'DOUBLE' as const, value: v }));
  const counters = Object.entries(output.vmstat).map(([k, v]) => ({ name: `vmstat_${sqlName(k)}`, type: 'DOUBLE' as const, value: v }));
  return [...metrics, ...counters];
}

/** Overridden parameters (path -> value as the scenario holds it) as param_<path> columns. */
export function paramColumns(params: Readonly<Record<string, unknown>>): Column[] {
  return Object.entries(params).map(([path, v]) => {
    const name = `param_${sqlName(path)}`;
    if (typeof v === 'number') return { name, type: 'DOUBLE', value: v };
    if (typeof v === 'boolean') return { name, type: 'BOOLEAN', value: v };
    return { name, type: 'VARCHAR', value: typeof v === 'string' ? v : (JSON.stringify(v) ?? null) };
  });
}
