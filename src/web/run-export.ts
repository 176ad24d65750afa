// The per-run results of a dashboard comparison as a table a spreadsheet or a
// notebook reads: one row per run (scenario, policy, seed, kernel, the run's
// fingerprint, every overridden parameter, every scalar metric and counter). Column names are
// those of `swaplab export` (src/store/columns.ts), so both files line up.
import type { RunOutput } from '../metrics/types.js';
import { metricColumns, paramColumns, type ColumnValue } from '../store/columns.js';

export type ExportFormat = 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json'];

export interface ExportTable {
  columns: string[];
  rows: Record<string, ColumnValue>[];
}

/** Rows in run order; columns in first-seen order (a metric one policy lacks is null for the others). */
export function runTable(records: readonly RunOutput[], overrides: Readonly<Record<string, unknown>>): ExportTable {
  const columns = new Set<string>(['scenario', 'policy', 'seed', 'kernel', 'fingerprint']);
  const params = paramColumns(overrides);
  const rows = records.map((r) => {
    const row: Record<string, ColumnValue> = { scenario: r.scenario, policy: r.policy, seed: r.seed, kernel: r.kernel, fingerprint: r.fingerprint };
    for (const c of [...params, ...metricColumns(r)]) {
      row[c.name] = c.value;
      columns.add(c.name);
    }
    return row;
  });
  const names = [...columns];
  return { columns: names, rows: rows.map((row) => Object.fromEntries(names.map((n) => [n, row[n] ?? null]))) };
}

export function formatTable(table: ExportTable, format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(table.rows, null, 1)}\n`;
  const lines = [table.columns.map(csvField).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvValue(row[c] ?? null)).join(','));
  return `${lines.join('\n')}\n`;
}

function csvValue(v: ColumnValue): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return csvField(String(v));
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
