// Persistent run results (SQLite via better-sqlite3), so sweeps resume and
// reports re-render without re-simulating. A run is keyed by
// (scenario_key, policy, seed); scenario_key already folds in the code
// version (see sweep/scenario-key.ts), so a new build never reuses old rows.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunOutput, RunRecord, RunSeries } from '../metrics/types.js';

/** Where compare, report and sweep keep results unless told otherwise. */
export const DEFAULT_RESULTS_DB = '.swaplab/results.sqlite';

export interface ResultsDb {
  readonly path: string;
  get(key: string, policy: string, seed: number): RunRecord | undefined;
  /** Cheaper than get when only presence matters (no JSON parsing). */
  has(key: string, policy: string, seed: number): boolean;
  /** Insert or replace; committed before it returns. */
  put(key: string, policy: string, seed: number, record: RunRecord): void;
  /** Record that a run threw; a later put of the same run replaces it. */
  putFailure(key: string, policy: string, seed: number, message: string): void;
  /** All runs stored under a key, ordered by policy name then seed. */
  listRuns(key: string): RunRecord[];
  /** Failed runs stored under a key, ordered by policy name then seed. */
  listFailures(key: string): Array<{ policy: string; seed: number; message: string }>;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  scenario_key TEXT NOT NULL,
  policy       TEXT NOT NULL,
  seed         INTEGER NOT NULL,
  output_json  TEXT NOT NULL,
  series_json  TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (scenario_key, policy, seed)
);
CREATE TABLE IF NOT EXISTS failures (
  scenario_key TEXT NOT NULL,
  policy       TEXT NOT NULL,
  seed         INTEGER NOT NULL,
  message      TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  PRIMARY KEY (scenario_key, policy, seed)
);
`;
// (A rowid table on purpose: series JSON rows are large, which WITHOUT ROWID
// tables handle poorly.)

interface Row {
  output_json: string;
  series_json: string;
}

function toRecord(row: Row): RunRecord {
  return { output: JSON.parse(row.output_json) as RunOutput, series: JSON.parse(row.series_json) as RunSeries };
}

export function openResultsDb(path: string): ResultsDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL: readers (dashboard, reports) never block the sweep's writes. In WAL
  // mode synchronous=NORMAL still survives a killed process; only a power
  // cut may lose the last commits, never corrupt the file.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const getStmt = db.prepare<[string, string, number], Row>(
    'SELECT output_json, series_json FROM runs WHERE scenario_key = ? AND policy = ? AND seed = ?',
  );
  const hasStmt = db.prepare<[string, string, number], { one: number }>(
    'SELECT 1 AS one FROM runs WHERE scenario_key = ? AND policy = ? AND seed = ?',
  );
  const putStmt = db.prepare<[string, string, number, string, string, string]>(
    'INSERT OR REPLACE INTO runs (scenario_key, policy, seed, output_json, series_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const putFailureStmt = db.prepare<[string, string, number, string, string]>(
    'INSERT OR REPLACE INTO failures (scenario_key, policy, seed, message, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const clearFailureStmt = db.prepare<[string, string, number]>('DELETE FROM failures WHERE scenario_key = ? AND policy = ? AND seed = ?');
  const listFailuresStmt = db.prepare<[string], { policy: string; seed: number; message: string }>(
    'SELECT policy, seed, message FROM failures WHERE scenario_key = ? ORDER BY policy, seed',
  );
  const listStmt = db.prepare<[string], Row>(
    'SELECT output_json, series_json FROM runs WHERE scenario_key = ? ORDER BY policy, seed',
  );

  return {
    path,
    get(key, policy, seed) {
      const row = getStmt.get(key, policy, seed);
      return row ? toRecord(row) : undefined;
    },
    has(key, policy, seed) {
      return hasStmt.get(key, policy, seed) !== undefined;
    },
    put(key, policy, seed, record) {
      // Outside an explicit transaction each statement autocommits: every
      // finished run is durable on its own.
      putStmt.run(key, policy, seed, JSON.stringify(record.output), JSON.stringify(record.series), new Date().toISOString());
      clearFailureStmt.run(key, policy, seed);
    },
    putFailure(key, policy, seed, message) {
      putFailureStmt.run(key, policy, seed, message, new Date().toISOString());
    },
    listFailures(key) {
      return listFailuresStmt.all(key);
    },
    listRuns(key) {
      return listStmt.all(key).map(toRecord);
    },
    close() {
      if (db.open) db.close();
    },
  };
}
