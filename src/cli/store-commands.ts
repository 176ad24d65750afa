// `swaplab query "SQL"` and `swaplab export`: the results store as tables
// for SQL, pandas or a LISA notebook. main.ts calls registerStoreCommands.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_RESULTS_DB, EXPORT_TABLES, openResultsDb, ResultsStoreError, type ExportFormat, type ExportTable, type ResultsDb } from '../store/results-db.js';

const QUERY_FORMATS = ['table', 'csv', 'json'] as const;
type QueryFormat = (typeof QUERY_FORMATS)[number];

export function registerStoreCommands(program: Command): void {
  program
    .command('query')
    .description('run SQL on the results store (tables: runs, processes, run_records)')
    .argument('<sql>', 'e.g. "SELECT policy, avg(exit_latency_ms_mean) FROM runs GROUP BY policy"')
    .option('--db <file>', 'results store', DEFAULT_RESULTS_DB)
    .addOption(new Option('--format <fmt>', 'output format').choices([...QUERY_FORMATS]).default('table'))
    .action(async (sql: string, o: { db: string; format: QueryFormat }) => {
      const result = await withStore(o.db, (db) => userSql(() => db.query(sql)));
      process.stdout.write(formatRows(result.columns, result.rows, o.format));
    });

  program
    .command('export')
    .description('write the runs (or killed processes) of the results store to a Parquet or CSV file')
    .addOption(new Option('--format <fmt>', 'file format').choices(['parquet', 'csv']).makeOptionMandatory())
    .requiredOption('--out <file>', 'where to write')
    .option('--where <sql>', "SQL condition on the rows, e.g. \"policy = 'sync' AND status = 'ok'\"")
    .addOption(new Option('--table <name>', 'which table').choices([...EXPORT_TABLES]).default('runs'))
    .option('--db <file>', 'results store', DEFAULT_RESULTS_DB)
    .action(async (o: { format: ExportFormat; out: string; where?: string; table: ExportTable; db: string }) => {
      mkdirSync(dirname(resolve(o.out)), { recursive: true });
      const rows = await withStore(o.db, (db) => userSql(() => db.exportTable(o.table, o.format, o.out, o.where)));
      console.log(`wrote ${o.out} (${rows} ${o.table} rows, ${o.format})`);
    });
}

async function withStore<T>(path: string, use: (db: ResultsDb) => Promise<T>): Promise<T> {
  // Reading never creates a store: a mistyped --db should say so.
  if (!existsSync(path)) throw new ResultsStoreError(`no results store at ${path} (compare, report and sweep create it; see --db)`);
  const db = await openResultsDb(path);
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

/** SQL the user wrote: DuckDB's parser and binder errors are their mistakes, one line each. */
async function userSql<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/^(Parser|Binder|Catalog|Conversion|Invalid Input|IO|Constraint) Error/.test(msg)) throw new ResultsStoreError(msg.split('\n')[0]!);
    throw err;
  }
}

export function formatRows(columns: string[], rows: unknown[][], format: QueryFormat): string {
  const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  if (format === 'json') return rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])))).join('\n') + (rows.length ? '\n' : '');
  if (format === 'csv') {
    const cell = (v: unknown) => {
      const t = text(v);
      return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
    };
    return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
  }
  const cells = [columns, ...rows.map((r) => r.map(text))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] as string).length)));
  const line = (r: unknown[]) =>
    r
      .map((c, i) => (c as string).padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + `\n(${rows.length} rows)\n`;
}
