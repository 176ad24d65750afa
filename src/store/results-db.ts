// Persistent run results in an embedded DuckDB file, so sweeps resume,
// reports re-render without re-simulating, and results leave the tool as
// typed tables (swaplab query / export):
//
//   runs         one row per (scenario_key, policy, seed): status ok|failed,
//                the error of a failed run, scenario name and hashes, and a
//                typed column per scalar metric, counter and overridden
//                parameter (see columns.ts; columns are added as they appear)
//   processes    one row per process a run killed
//   run_records  the whole RunRecord as JSON (series for the HTML report)
//
// scenario_key already folds in the code version (sweep/scenario-key.ts), so
// a new build never reuses old rows. Each put is one transaction, committed
// before it returns: a killed sweep keeps every run it finished.
import { closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
// Types only at load time: DuckDB's native module (~1 s) loads when a store is opened, not with the CLI.
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { RunRecord } from '../metrics/types.js';
import { metricColumns, paramColumns, type Column, type ColumnValue } from './columns.js';

/** Where compare, report, sweep and validate keep results unless told otherwise. */
export const DEFAULT_RESULTS_DB = '.swaplab/results.duckdb';
/** The SQLite store of swaplab before 0.2; no longer read. */
const LEGACY_SQLITE_NAME = 'results.sqlite';

/** Scenario identity written beside each run. */
export interface RunMeta {
  scenario: string;
  /** sha256 prefix of the canonical scenario JSON (without the code version). */
  scenarioHash: string;
  /** swaplab@<version>+<model hash>. */
  codeVersion: string;
  /** Overridden scenario fields: path -> value as the scenario holds it. */
  params: Readonly<Record<string, unknown>>;
}

export interface StoredFailure {
  policy: string;
  seed: number;
  message: string;
}

export interface QueryResult {
  columns: string[];
  /** JSON-friendly values (BIGINT and DECIMAL as strings, dates as ISO text). */
  rows: unknown[][];
}

export type ExportFormat = 'parquet' | 'csv';
export const EXPORT_TABLES = ['runs', 'processes'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export interface ResultsDb {
  readonly path: string;
  get(key: string, policy: string, seed: number): Promise<RunRecord | undefined>;
  has(key: string, policy: string, seed: number): Promise<boolean>;
  /** Every finished run stored under a key, by `${policy}\0${seed}`. */
  finishedRuns(key: string): Promise<Map<string, RunRecord>>;
  /** Insert or replace (a failure of the same run included); committed before it resolves. */
  put(key: string, policy: string, seed: number, record: RunRecord, meta?: RunMeta): Promise<void>;
  /** Record that a run threw; a later put of the same run replaces it. */
  putFailure(key: string, policy: string, seed: number, message: string, meta?: RunMeta): Promise<void>;
  /** Finished runs under a key, ordered by policy name then seed. */
  listRuns(key: string): Promise<RunRecord[]>;
  /** Failed runs under a key, ordered by policy name then seed. */
  listFailures(key: string): Promise<StoredFailure[]>;
  query(sql: string): Promise<QueryResult>;
  /** Write a table (optionally filtered by a SQL condition) to a file; resolves to the row count. */
  exportTable(table: ExportTable, format: ExportFormat, file: string, where?: string): Promise<number>;
  close(): Promise<void>;
}

/** The store cannot be used as asked (a user's mistake, not a bug): one line. */
export class ResultsStoreError extends Error {
  override name = 'ResultsStoreError';
}

export const jobKey = (policy: string, seed: number): string => `${policy}\0${seed}`;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS runs (
    scenario_key VARCHAR NOT NULL,
    policy VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    error VARCHAR,
    scenario VARCHAR,
    scenario_hash VARCHAR,
    code_version VARCHAR,
    model_hash VARCHAR,
    kernel VARCHAR,
    fingerprint VARCHAR,
    created_at TIMESTAMP NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS processes (
    scenario_key VARCHAR NOT NULL,
    policy VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    scenario VARCHAR,
    pid INTEGER,
    name VARCHAR,
    cgroup VARCHAR,
    oom_score_adj INTEGER,
    threads INTEGER,
    killed_at_ms DOUBLE,
    exit_ms DOUBLE,
    release_ms DOUBLE,
    held_at_kill_mib DOUBLE,
    kill_reason VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS run_records (
    scenario_key VARCHAR NOT NULL,
    policy VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    record_json VARCHAR NOT NULL
  )`,
];

const PROCESS_COLUMNS = ['scenario_key', 'policy', 'seed', 'scenario', 'pid', 'name', 'cgroup', 'oom_score_adj', 'threads', 'killed_at_ms', 'exit_ms', 'release_ms', 'held_at_kill_mib', 'kill_reason'];

let legacyNoted = false;

export async function openResultsDb(path: string): Promise<ResultsDb> {
  if (path !== ':memory:') {
    refuseSqliteFile(path);
    noteLegacyStore(path);
    mkdirSync(dirname(path), { recursive: true });
  }
  let instance: DuckDBInstance;
  try {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    // One DuckDB thread: the store writes one small transaction at a time, and
    // more threads only took CPU from a sweep's workers (in a 30-run compare,
    // 11 instead of 7 ms of CPU per stored run).
    instance = await DuckDBInstance.create(path, { threads: '1' });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const holder = /Conflicting lock is held in .*\(PID (\d+)\)/.exec(msg);
    if (holder) throw new ResultsStoreError(`results store ${path} is in use by another process (PID ${holder[1]}); wait for it, or pass another --db`);
    throw new ResultsStoreError(`cannot open results store ${path}: ${msg.split('\n')[0]}`);
  }
  const conn = await instance.connect();
  for (const sql of SCHEMA) await conn.run(sql);
  return new DuckResultsDb(path, instance, conn, await runColumns(conn));
}

async function runColumns(conn: DuckDBConnection): Promise<Set<string>> {
  const r = await conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = 'runs'`);
  return new Set(r.getRows().map((row) => String(row[0])));
}

/** A SQLite file is the old store: opening it as DuckDB would fail obscurely. */
function refuseSqliteFile(path: string): void {
  if (!existsSync(path)) return;
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') === 'SQLite format 3\0') {
    throw new ResultsStoreError(`${path} is a SQLite results store of an older swaplab, which is no longer read; pass a new --db (results are now kept in DuckDB) or delete it`);
  }
}

/** Say once that an old SQLite store next to this one is not read (its runs would otherwise re-run silently). */
function noteLegacyStore(path: string): void {
  const legacy = join(dirname(path), LEGACY_SQLITE_NAME);
  if (legacyNoted || legacy === path || !existsSync(legacy)) return;
  legacyNoted = true;
  console.error(`swaplab: note: ${legacy} (the SQLite store of swaplab < 0.2) is not read; results are now kept in ${path}, so its runs will be simulated again. Delete it to silence this.`);
}

class DuckResultsDb implements ResultsDb {
  /** Writes run one at a time: a transaction per put on one connection. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** A put runs the same few statements each time: each is parsed and planned once, not per run. */
  private readonly prepared = new Map<string, { statement: DuckDBPreparedStatement; types: DuckDBType[] }>();

  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly columns: Set<string>,
  ) {}

  /**
   * Run a statement with parameters, preparing it on first use (the
   * connection destroys it on close). Values are bound as the types DuckDB
   * inferred for its parameters: a value of another type (a JS number for a
   * BIGINT, a NULL) makes DuckDB bind and plan the statement again.
   */
  private async exec(sql: string, values: DuckDBValue[]): Promise<void> {
    let p = this.prepared.get(sql);
    if (!p) {
      const statement = await this.conn.prepare(sql);
      p = { statement, types: Array.from({ length: statement.parameterCount }, (_, i) => statement.parameterType(i + 1)) };
      this.prepared.set(sql, p);
    }
    p.statement.bind(values, p.types);
    await p.statement.run();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async get(key: string, policy: string, seed: number): Promise<RunRecord | undefined> {
    const r = await this.serial(() => this.conn.runAndReadAll(`SELECT record_json FROM run_records WHERE scenario_key = $1 AND policy = $2 AND seed = $3`, [key, policy, seed]));
    const row = r.getRows()[0];
    return row ? (JSON.parse(String(row[0])) as RunRecord) : undefined;
  }

  async has(key: string, policy: string, seed: number): Promise<boolean> {
    const r = await this.serial(() => this.conn.runAndReadAll(`SELECT 1 FROM runs WHERE scenario_key = $1 AND policy = $2 AND seed = $3 AND status = 'ok'`, [key, policy, seed]));
    return r.getRows().length > 0;
  }

  async finishedRuns(key: string): Promise<Map<string, RunRecord>> {
    const r = await this.serial(() => this.conn.runAndReadAll(`SELECT policy, seed, record_json FROM run_records WHERE scenario_key = $1`, [key]));
    return new Map(r.getRows().map((row) => [jobKey(String(row[0]), Number(row[1])), JSON.parse(String(row[2])) as RunRecord]));
  }

  put(key: string, policy: string, seed: number, record: RunRecord, meta?: RunMeta): Promise<void> {
    const o = record.output;
    const columns: Column[] = [
      ...this.identity(key, policy, seed, meta),
      { name: 'status', type: 'VARCHAR', value: 'ok' },
      { name: 'kernel', type: 'VARCHAR', value: o.kernel },
      { name: 'fingerprint', type: 'VARCHAR', value: o.fingerprint },
      ...metricColumns(o),
      ...paramColumns(meta?.params ?? {}),
    ];
    return this.replaceRun(key, policy, seed, columns, async () => {
      await this.exec(`INSERT INTO run_records VALUES ($1, $2, $3, $4)`, [key, policy, seed, JSON.stringify(record)]);
      const procs = record.processes ?? [];
      // One multi-row INSERT per run: server scenarios kill dozens of processes.
      if (procs.length > 0) {
        const values: DuckDBValue[] = [];
        for (const p of procs) {
          values.push(key, policy, seed, meta?.scenario ?? o.scenario, p.pid, p.name, p.cgroup, p.oomScoreAdj, p.threads, p.killedAtMs, p.exitMs, p.releaseMs, p.heldAtKillMib, p.killReason);
        }
        const row = `(${PROCESS_COLUMNS.map(() => '?').join(', ')})`;
        await this.exec(`INSERT INTO processes (${PROCESS_COLUMNS.join(', ')}) VALUES ${procs.map(() => row).join(', ')}`, values);
      }
    });
  }

  putFailure(key: string, policy: string, seed: number, message: string, meta?: RunMeta): Promise<void> {
    const columns: Column[] = [
      ...this.identity(key, policy, seed, meta),
      { name: 'status', type: 'VARCHAR', value: 'failed' },
      { name: 'error', type: 'VARCHAR', value: message },
      ...paramColumns(meta?.params ?? {}),
    ];
    return this.replaceRun(key, policy, seed, columns, async () => {});
  }

  private identity(key: string, policy: string, seed: number, meta?: RunMeta): Column[] {
    const version = meta?.codeVersion ?? null;
    return [
      { name: 'scenario_key', type: 'VARCHAR', value: key },
      { name: 'policy', type: 'VARCHAR', value: policy },
      { name: 'seed', type: 'DOUBLE', value: seed },
      { name: 'scenario', type: 'VARCHAR', value: meta?.scenario ?? null },
      { name: 'scenario_hash', type: 'VARCHAR', value: meta?.scenarioHash ?? null },
      { name: 'code_version', type: 'VARCHAR', value: version },
      { name: 'model_hash', type: 'VARCHAR', value: version?.split('+')[1] ?? null },
    ];
  }

  /** Delete whatever is stored for the run and insert `columns` (+ `more`), in one transaction. */
  private replaceRun(key: string, policy: string, seed: number, columns: Column[], more: () => Promise<void>): Promise<void> {
    return this.serial(async () => {
      for (const c of columns) {
        if (this.columns.has(c.name)) continue;
        await this.conn.run(`ALTER TABLE runs ADD COLUMN IF NOT EXISTS "${c.name}" ${c.type}`);
        this.columns.add(c.name);
      }
      await this.conn.run('BEGIN TRANSACTION');
      try {
        for (const table of ['runs', 'processes', 'run_records']) {
          await this.exec(`DELETE FROM ${table} WHERE scenario_key = $1 AND policy = $2 AND seed = $3`, [key, policy, seed]);
        }
        // A column left out is NULL; binding a NULL would re-plan the statement (exec).
        const set = columns.filter((c) => c.value !== null);
        const names = [...set.map((c) => `"${c.name}"`), 'created_at'];
        const values: ColumnValue[] = set.map((c) => c.value);
        await this.exec(`INSERT INTO runs (${names.join(', ')}) VALUES (${set.map(() => '?').join(', ')}, current_timestamp)`, values);
        await more();
        await this.conn.run('COMMIT');
      } catch (err) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async listRuns(key: string): Promise<RunRecord[]> {
    const r = await this.serial(() => this.conn.runAndReadAll(`SELECT record_json FROM run_records WHERE scenario_key = $1 ORDER BY policy, seed`, [key]));
    return r.getRows().map((row) => JSON.parse(String(row[0])) as RunRecord);
  }

  async listFailures(key: string): Promise<StoredFailure[]> {
    const r = await this.serial(() => this.conn.runAndReadAll(`SELECT policy, seed, error FROM runs WHERE scenario_key = $1 AND status = 'failed' ORDER BY policy, seed`, [key]));
    return r.getRows().map((row) => ({ policy: String(row[0]), seed: Number(row[1]), message: String(row[2]) }));
  }

  async query(sql: string): Promise<QueryResult> {
    const r = await this.serial(() => this.conn.runAndReadAll(sql));
    return { columns: r.columnNames(), rows: r.getRowsJson() as unknown[][] };
  }

  async exportTable(table: ExportTable, format: ExportFormat, file: string, where?: string): Promise<number> {
    const filter = where ? ` WHERE ${where}` : '';
    const options = format === 'parquet' ? '(FORMAT parquet)' : '(FORMAT csv, HEADER true)';
    const r = await this.serial(() => this.conn.runAndReadAll(`COPY (SELECT * FROM ${table}${filter} ORDER BY scenario_key, policy, seed) TO '${file.replace(/'/g, "''")}' ${options}`));
    return Number(r.getRows()[0]?.[0] ?? 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
