// swap_cgroup stored per cluster with per-slot exceptions must answer every
// lookup exactly as the kernel's per-slot array of unsigned shorts would.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/rng.js';
import { LockRegistry } from '../src/kernel/locking/registry.js';
import { SWAPFILE_CLUSTER, SwapInfo } from '../src/kernel/swap/swap-info.js';

describe('swap_cgroup', () => {
  it('records, looks up and clears like a per-slot array, clusters shared by several memcgs included', () => {
    const nrSlots = 8 * SWAPFILE_CLUSTER;
    const si = new SwapInfo(nrSlots, new LockRegistry(), 1);
    const ref = new Uint16Array(nrSlots);
    const rng = new Rng(7).stream('cg');
    for (let op = 0; op < 20000; op++) {
      const start = Math.floor(rng.float() * (nrSlots - 16));
      const nr = 1 + Math.floor(rng.float() * 16);
      if (rng.float() < 0.6) {
        // Few memcgs in some clusters, many in others.
        const id = 1 + Math.floor(rng.float() * (start < nrSlots / 2 ? 2 : 300));
        si.recordCgroup(start, nr, id);
        ref.fill(id, start, start + nr);
      } else {
        for (let s = start; s < start + nr; s++) {
          expect(si.clearCgroup(s)).toBe(ref[s]);
          ref[s] = 0;
        }
      }
    }
    for (let s = 0; s < nrSlots; s++) expect(si.cgroupOf(s)).toBe(ref[s]);
  });

  it('allocRuns and recordCgroupRuns give the slots and state of allocRun and recordCgroup run by run', () => {
    const nrSlots = 64 * SWAPFILE_CLUSTER;
    const rng = new Rng(9).stream('runs');
    // Mostly single slots on scattered cursors, some aligned multi-slot runs: fast and slow paths, clusters filled and taken over.
    const n = 6000;
    const runLen = Uint16Array.from({ length: n }, () => (rng.float() < 0.85 ? 1 : [2, 3, 4, 16, 64][Math.floor(rng.float() * 5)]!));
    const scatter = Float64Array.from({ length: n }, () => (rng.float() < 0.7 ? rng.float() : -1));
    const one = new SwapInfo(nrSlots, new LockRegistry(), 1);
    const batch = new SwapInfo(nrSlots, new LockRegistry(), 1);
    const startsOne = new Int32Array(n);
    const startsBatch = new Int32Array(n);
    for (const [from, to, id] of [
      [0, 2500, 3],
      [2500, 6000, 4],
    ] as const) {
      for (let r = from; r < to; r++) {
        startsOne[r] = one.allocRun(runLen[r]!, scatter[r]!);
        one.recordCgroup(startsOne[r]!, runLen[r]!, id);
      }
      const runs = startsBatch.subarray(from, to);
      batch.allocRuns(to - from, runLen.subarray(from, to), scatter.subarray(from, to), runs);
      batch.recordCgroupRuns(to - from, runs, runLen.subarray(from, to), id);
    }
    expect(startsBatch).toEqual(startsOne);
    expect(batch.swapMap).toEqual(one.swapMap);
    expect(batch.clusterUsed).toEqual(one.clusterUsed);
    expect([batch.inusePages, batch.entriesAllocated]).toEqual([one.inusePages, one.entriesAllocated]);
    for (let s = 0; s < nrSlots; s++) expect(batch.cgroupOf(s)).toBe(one.cgroupOf(s));
    // The cursors moved alike: the next allocations land on the same slots.
    for (let r = 0; r < 200; r++) expect(batch.allocRun(runLen[r]!, scatter[r]!)).toBe(one.allocRun(runLen[r]!, scatter[r]!));
  });
});
