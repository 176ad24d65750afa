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
    expect(si.foreignShare(1, [0, 1, 2, 3])).toBe([0, 1, 2, 3].filter((s) => ref[s] !== 1).length / 4);
  });
});
