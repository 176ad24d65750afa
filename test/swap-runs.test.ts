// SwapRuns: the runs a zap hands the policy and the runs policies park.
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../src/kernel/kernel.js';
import { batchRuns } from '../src/kernel/swap/swap-free.js';
import { giveBackSwapRuns, lendSwapRuns, SwapRuns } from '../src/kernel/swap/swap-runs.js';

const kernelIn = (aggregation: 'chunk' | 'fine') => ({ cfg: { aggregation } }) as unknown as Kernel;

describe('SwapRuns', () => {
  it('keeps runs in order past its first capacity, and counts their entries', () => {
    const runs = new SwapRuns(2);
    for (let i = 0; i < 100; i++) runs.push(1000 + 3 * i, 1 + (i % 3));
    expect(runs.length).toBe(100);
    expect(runs.entries).toBe(33 * 6 + 1);
    expect(runs.at(0)).toEqual({ start: 1000, nr: 1 });
    expect(runs.at(99)).toEqual({ start: 1297, nr: 1 });
    expect(runs.toArray().map((r) => r.nr)).toEqual(Array.from({ length: 100 }, (_, i) => 1 + (i % 3)));
  });

  it('pushMerging extends the last run only when the new one continues it', () => {
    const runs = new SwapRuns();
    runs.pushMerging(10, 2);
    runs.pushMerging(12, 3);
    runs.pushMerging(20, 1);
    runs.pushMerging(19, 1);
    expect(runs.toArray()).toEqual([
      { start: 10, nr: 5 },
      { start: 20, nr: 1 },
      { start: 19, nr: 1 },
    ]);
    expect(runs.entries).toBe(7);
  });

  it('appends, copies single runs, and views a range with its own entry count', () => {
    const a = SwapRuns.of([
      { start: 0, nr: 4 },
      { start: 10, nr: 1 },
    ]);
    const b = SwapRuns.of([{ start: 20, nr: 2 }]);
    a.append(b);
    a.pushRun(b, 0);
    expect(a.toArray()).toEqual([
      { start: 0, nr: 4 },
      { start: 10, nr: 1 },
      { start: 20, nr: 2 },
      { start: 20, nr: 2 },
    ]);
    expect(a.entries).toBe(9);
    const v = a.view(1, 3);
    expect(v.toArray()).toEqual([
      { start: 10, nr: 1 },
      { start: 20, nr: 2 },
    ]);
    expect(v.entries).toBe(3);
    const singles = a.singles();
    expect(singles.map((r) => [r.toArray(), r.entries])).toEqual(a.toArray().map((r) => [[r], r.nr]));
  });

  it('a lent SwapRuns comes back empty, and a copy made from it outlives its return', () => {
    const lent = lendSwapRuns();
    lent.push(7, 2);
    const kept = new SwapRuns();
    kept.append(lent);
    giveBackSwapRuns(lent);
    const again = lendSwapRuns();
    expect(again.length).toBe(0);
    expect(again.entries).toBe(0);
    again.push(99, 1);
    expect(kept.toArray()).toEqual([{ start: 7, nr: 2 }]);
    giveBackSwapRuns(again);
  });
});

describe('batchRuns (a worker frees parked runs a PMD at a time)', () => {
  const runs = SwapRuns.of(Array.from({ length: 40 }, (_, i) => ({ start: 100 * i, nr: 30 })));

  it('chunk mode: consecutive groups of at most 512 entries, covering every run once in order', () => {
    const groups = batchRuns(kernelIn('chunk'), runs);
    expect(groups.map((g) => g.entries)).toEqual([510, 510, 180]);
    expect(groups.flatMap((g) => g.toArray())).toEqual(runs.toArray());
  });

  it('fine mode: one group per run', () => {
    const groups = batchRuns(kernelIn('fine'), runs);
    expect(groups).toHaveLength(40);
    expect(groups[39]!.toArray()).toEqual([{ start: 3900, nr: 30 }]);
  });

  it('a run larger than 512 entries is a group of its own', () => {
    const big = SwapRuns.of([
      { start: 0, nr: 100 },
      { start: 1000, nr: 600 },
      { start: 5000, nr: 1 },
    ]);
    expect(batchRuns(kernelIn('chunk'), big).map((g) => g.length)).toEqual([1, 1, 1]);
  });
});
