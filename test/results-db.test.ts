import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/metrics/types.js';
import { tinyRecord } from './support/tiny-record.js';
import { openResultsDb } from '../src/store/results-db.js';


describe('results db', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swaplab-db-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts, survives reopening, and gets back the same record', () => {
    const path = join(dir, 'nested', 'results.db');
    const db = openResultsDb(path);
    expect(db.get('key', 'base', 1)).toBeUndefined();
    db.put('key', 'base', 1, tinyRecord('base', 1));
    db.put('key', 'base', 2, tinyRecord('base', 2));
    db.put('key', 'new', 1, tinyRecord('new', 1));
    db.put('other', 'base', 1, tinyRecord('base', 99));
    db.close();

    const again = openResultsDb(path);
    expect(again.get('key', 'base', 2)).toEqual(tinyRecord('base', 2));
    expect(again.has('key', 'new', 1)).toBe(true);
    expect(again.has('key', 'new', 2)).toBe(false);
    expect(again.get('other', 'base', 1)!.output.seed).toBe(99);
    expect(again.listRuns('key').map((r) => r.output.fingerprint)).toEqual(['base/1', 'base/2', 'new/1']);
    expect(again.listRuns('missing')).toEqual([]);
    again.close();
  });

  it('replaces a run stored twice', () => {
    const db = openResultsDb(join(dir, 'r.db'));
    db.put('k', 'p', 1, tinyRecord('p', 1));
    const changed = tinyRecord('p', 1);
    changed.output.fingerprint = 'changed';
    db.put('k', 'p', 1, changed);
    expect(db.listRuns('k')).toHaveLength(1);
    expect(db.get('k', 'p', 1)!.output.fingerprint).toBe('changed');
    db.close();
  });

  it('uses WAL and commits each put at once (visible to another connection)', () => {
    const path = join(dir, 'r.db');
    const db = openResultsDb(path);
    db.put('k', 'p', 7, tinyRecord('p', 7));
    // A second connection sees it while the first is still open: nothing
    // waits for close(), so a killed sweep keeps what it finished.
    const reader = new Database(path, { readonly: true });
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reader.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
    reader.close();
    db.close();
    db.close(); // idempotent
  });
});
