import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinyRecord } from './support/tiny-record.js';
import type { Scenario } from '../src/scenario/schema.js';
import { openResultsDb } from '../src/store/results-db.js';
import { LongestFirst } from '../src/sweep/longest-first.js';
import { runGridSweep, runSweep, SweepFailedError, type SweepRunner } from '../src/sweep/pool.js';
import { canonicalJson, codeVersion, scenarioKey } from '../src/sweep/scenario-key.js';

// Opaque to the sweep: any JSON-serialisable object will do.
const scenario = { name: 'micro', processes: 4 } as unknown as Scenario;

/** A runner that records its calls; async so completion interleaves with the event loop. */
function countingRunner(): { runner: SweepRunner; calls: string[] } {
  const calls: string[] = [];
  const runner: SweepRunner = async (_s, { policy, seed }) => {
    calls.push(`${policy}/${seed}`);
    await Promise.resolve();
    return tinyRecord(policy, seed);
  };
  return { runner, calls };
}

describe('runSweep (inline runner)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swaplab-sweep-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns records in (policy, seed) order and reports progress', async () => {
    const { runner, calls } = countingRunner();
    const progress: Array<[number, number, string]> = [];
    const recs = await runSweep({
      scenario,
      scenarioKey: 'k',
      policies: ['base', 'new'],
      seeds: [3, 1, 2],
      runner,
      onProgress: (done, total, rec) => progress.push([done, total, rec.output.fingerprint]),
    });
    expect(recs.map((r) => r.output.fingerprint)).toEqual(['base/3', 'base/1', 'base/2', 'new/3', 'new/1', 'new/2']);
    expect(calls).toHaveLength(6);
    expect(progress.map(([d, t]) => [d, t])).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
  });

  it('resumes from the db: a second sweep runs 0 new jobs', async () => {
    const dbPath = join(dir, 'results.db');
    const first = countingRunner();
    const a = await runSweep({ scenario, scenarioKey: 'k', policies: ['base', 'new'], seeds: [1, 2], runner: first.runner, dbPath });
    expect(first.calls).toHaveLength(4);

    const second = countingRunner();
    let progressCalls = 0;
    const b = await runSweep({
      scenario,
      scenarioKey: 'k',
      policies: ['base', 'new'],
      seeds: [1, 2],
      runner: second.runner,
      dbPath,
      onProgress: () => progressCalls++,
    });
    expect(second.calls).toEqual([]);
    expect(progressCalls).toBe(0);
    expect(b).toEqual(a);

    // Widening the sweep runs only the missing jobs; order stays deterministic.
    const third = countingRunner();
    const totals: number[] = [];
    const c = await runSweep({
      scenario,
      scenarioKey: 'k',
      policies: ['new', 'base', 'extra'],
      seeds: [2, 1, 3],
      runner: third.runner,
      dbPath,
      onProgress: (_d, total) => totals.push(total),
    });
    expect(third.calls).toEqual(['new/3', 'base/3', 'extra/2', 'extra/1', 'extra/3']);
    expect(totals).toEqual([5, 5, 5, 5, 5]);
    expect(c.map((r) => r.output.fingerprint)).toEqual(['new/2', 'new/1', 'new/3', 'base/2', 'base/1', 'base/3', 'extra/2', 'extra/1', 'extra/3']);

    // A different scenario key shares nothing.
    const fourth = countingRunner();
    await runSweep({ scenario, scenarioKey: 'other', policies: ['base'], seeds: [1], runner: fourth.runner, dbPath });
    expect(fourth.calls).toEqual(['base/1']);
  });

  it('records a failed job, finishes the others, then rejects with every failure', async () => {
    const dbPath = join(dir, 'results.db');
    const runner: SweepRunner = (_s, { policy, seed }) => {
      if (policy === 'p' && seed === 2) throw new Error('model bug');
      return tinyRecord(policy, seed);
    };
    const failed: string[] = [];
    const err = await runSweep({
      scenario,
      scenarioKey: 'k',
      policies: ['p', 'q'],
      seeds: [1, 2, 3],
      runner,
      dbPath,
      onFailure: (f) => failed.push(`${f.policy}/${f.seed}`),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepFailedError);
    const e = err as SweepFailedError;
    expect(e.failures.map(({ stack: _stack, ...f }) => f)).toEqual([{ point: 0, policy: 'p', seed: 2, message: 'model bug' }]);
    expect(e.failures[0]!.stack).toMatch(/model bug/); // kept for --debug
    expect(e.total).toBe(6);
    expect(e.records.map((r) => r.output.fingerprint)).toEqual(['p/1', 'p/3', 'q/1', 'q/2', 'q/3']);
    expect(failed).toEqual(['p/2']);
    const db = await openResultsDb(dbPath);
    expect((await db.listRuns('k')).map((r) => r.output.fingerprint)).toEqual(['p/1', 'p/3', 'q/1', 'q/2', 'q/3']);
    expect(await db.listFailures('k')).toEqual([{ policy: 'p', seed: 2, message: 'model bug' }]);
    await db.close();

    // A rerun retries only the failed job, and its success replaces the failure.
    const { runner: again, calls } = countingRunner();
    const recs = await runSweep({ scenario, scenarioKey: 'k', policies: ['p', 'q'], seeds: [1, 2, 3], runner: again, dbPath });
    expect(calls).toEqual(['p/2']);
    expect(recs).toHaveLength(6);
    const db2 = await openResultsDb(dbPath);
    expect(await db2.listFailures('k')).toEqual([]);
    await db2.close();
  });

  it('runs a grid: every point × policy × seed once, each point under its own key with its parameters', async () => {
    const dbPath = join(dir, 'results.db');
    const { runner, calls } = countingRunner();
    const points = [10, 20].map((count) => ({ scenario: { ...scenario, apps: { count } } as unknown as Scenario, scenarioKey: `k${count}`, params: { 'apps.count': count } }));
    const byPoint = await runGridSweep({ points, policies: ['a', 'b'], seeds: [1, 2], runner, dbPath });
    expect(byPoint.map((recs) => recs.map((r) => r.output.fingerprint))).toEqual([
      ['a/1', 'a/2', 'b/1', 'b/2'],
      ['a/1', 'a/2', 'b/1', 'b/2'],
    ]);
    expect(calls).toHaveLength(8);
    const db = await openResultsDb(dbPath);
    const { rows } = await db.query(`SELECT scenario_key, param_apps_count, count(*) FROM runs GROUP BY ALL ORDER BY ALL`);
    expect(rows).toEqual([
      ['k10', 10, '4'],
      ['k20', 20, '4'],
    ]);
    await db.close();
    // Resumed: nothing runs again.
    const again = countingRunner();
    await runGridSweep({ points, policies: ['a', 'b'], seeds: [1, 2], runner: again.runner, dbPath });
    expect(again.calls).toEqual([]);
  });

  it('cancels on abort: stops before the next job and rejects with AbortError', async () => {
    const dbPath = join(dir, 'results.db');
    const ac = new AbortController();
    const { runner, calls } = countingRunner();
    const run = runSweep({
      scenario,
      scenarioKey: 'k',
      policies: ['p'],
      seeds: [1, 2, 3, 4],
      runner,
      dbPath,
      signal: ac.signal,
      onProgress: (done) => {
        if (done === 2) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toEqual(['p/1', 'p/2']);
    const db = await openResultsDb(dbPath);
    expect(await db.listRuns('k')).toHaveLength(2);
    await db.close();
  });

  it('rejects at once when already aborted', async () => {
    const { runner, calls } = countingRunner();
    await expect(runSweep({ scenario, scenarioKey: 'k', policies: ['p'], seeds: [1], runner, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toEqual([]);
  });

  it('ignores duplicate policies and seeds', async () => {
    const { runner, calls } = countingRunner();
    const recs = await runSweep({ scenario, scenarioKey: 'k', policies: ['a', 'a'], seeds: [1, 1, 2], runner });
    expect(calls).toEqual(['a/1', 'a/2']);
    expect(recs).toHaveLength(2);
  });
});

describe('scenarioKey', () => {
  it('ignores key order, not values', () => {
    const a = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: 'v' } };
    const b = { a: { x: 'v', y: [1, { p: 1, q: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"v","y":[1,{"p":1,"q":2}]},"b":1}');
    expect(scenarioKey(a, 'v1')).toBe(scenarioKey(b, 'v1'));
    expect(scenarioKey(a, 'v1')).not.toBe(scenarioKey({ ...a, b: 2 }, 'v1'));
    expect(scenarioKey(a, 'v1')).toMatch(/^[0-9a-f]{64}$/);
  });
  it('folds in the code version', () => {
    expect(codeVersion()).toMatch(/^swaplab@\d+\.\d+\.\d+/);
    expect(scenarioKey(scenario)).toBe(scenarioKey(scenario, codeVersion()));
    expect(scenarioKey(scenario, 'v1')).not.toBe(scenarioKey(scenario, 'v2'));
  });
});

describe('LongestFirst (the order jobs go to free workers)', () => {
  const jobs = (points: number, policies: string[], seeds: number) =>
    Array.from({ length: points }, (_, point) => policies.flatMap((policy) => Array.from({ length: seeds }, (_, s) => ({ point, policy, seed: s + 1 })))).flat();
  const name = (j: { point: number; policy: string; seed: number } | undefined) => (j ? `${j.point}:${j.policy}/${j.seed}` : 'none');

  it('times every group first, then hands out the longest group, seeds in order', () => {
    const order = new LongestFirst(jobs(1, ['a', 'b', 'c'], 3));
    const first = [order.next(), order.next(), order.next()];
    expect(first.map(name)).toEqual(['0:a/1', '0:b/1', '0:c/1']);
    const ms: Record<string, number> = { a: 10, b: 30, c: 20 };
    for (const j of first) order.took(j!, ms[j!.policy]!);
    const rest = Array.from({ length: 7 }, () => name(order.next()));
    expect(rest).toEqual(['0:b/2', '0:b/3', '0:c/2', '0:c/3', '0:a/2', '0:a/3', 'none']);
  });

  it('follows the shortest run of each group as runs finish', () => {
    const order = new LongestFirst(jobs(1, ['a', 'b'], 3));
    const [a1, b1] = [order.next()!, order.next()!];
    order.took(a1, 10);
    order.took(b1, 20);
    const b2 = order.next()!;
    expect(name(b2)).toBe('0:b/2');
    order.took(b2, 5); // b's shortest run is now shorter than a's
    expect(name(order.next())).toBe('0:a/2');
  });

  it('puts a group that has started but not finished after the timed ones', () => {
    const order = new LongestFirst(jobs(1, ['a', 'b', 'c'], 2));
    const [a1, b1] = [order.next()!, order.next()!, order.next()!];
    order.took(a1, 10);
    order.took(b1, 30);
    expect([order.next(), order.next(), order.next(), order.next()].map(name)).toEqual(['0:b/2', '0:a/2', '0:c/2', 'none']);
  });

  it('times the same policy at each grid point on its own and hands every job out once', () => {
    const all = jobs(2, ['a', 'b'], 2);
    const order = new LongestFirst(all);
    const seen: string[] = [];
    for (let j = order.next(); j; j = order.next()) {
      seen.push(name(j));
      order.took(j, j.point === 1 && j.policy === 'a' ? 50 : 5);
    }
    expect(seen.slice(0, 4)).toEqual(['0:a/1', '0:b/1', '1:a/1', '1:b/1']);
    expect(seen[4]).toBe('1:a/2');
    expect([...seen].sort()).toEqual(all.map(name).sort());
  });
});
