// Will the processes' initial swap fit in the zram device? Not a matter of
// counting slots: swap-out allocates runs of n slots at n-aligned offsets of
// 512-slot clusters (SwapInfo.allocRun), so the holes it leaves depend on the
// run lengths, i.e. on swap_fragmentation (measured: 98% of the device fills
// at fragmentation 0.9, 63% at 0.01, 82% at 0.001). So this replays the
// allocation with the model's own SwapInfo on a scaled-down device (at most
// 512 clusters, each process's swap scaled alike, a few milliseconds) and
// runs drawn and placed by the swap-out's own code (kernel/mm/swap-layout.ts),
// with a margin.

import { LockRegistry } from '../kernel/locking/registry.js';
import { allocSwapOut } from '../kernel/mm/swap-layout.js';
import { SWAPFILE_CLUSTER, SwapInfo } from '../kernel/swap/swap-info.js';

export interface SwappingProcesses {
  count: number;
  /** Swapped-out pages of each. */
  pages: number;
  /** Pages per folio (mTHP); runs are whole folios. */
  folioPages: number;
  /** Probability a run ends after each folio. */
  fragmentation: number;
}

/** Clusters of the scaled-down device. */
const MAX_SCALED_CLUSTERS = 512;
/** Extra swap asked of the replay, for draws less lucky than its seeds'. */
const MARGIN = 1.03;
const REPLAY_SEEDS = [1, 2, 3];

/** Answers by input: loadScenario and buildSimulation both ask, and a sweep asks again for every run. */
const fitCache = new Map<string, boolean>();
const FIT_CACHE_MAX = 256;

/** True when every replay places all the (scaled, inflated) runs. */
export function swapFits(groups: readonly SwappingProcesses[], deviceSlots: number): boolean {
  const key = JSON.stringify([deviceSlots, groups.map((g) => [g.count, g.pages, g.folioPages, g.fragmentation])]);
  let fits = fitCache.get(key);
  if (fits === undefined) {
    fits = replayAll(groups, deviceSlots);
    if (fitCache.size >= FIT_CACHE_MAX) fitCache.clear();
    fitCache.set(key, fits);
  }
  return fits;
}

function replayAll(groups: readonly SwappingProcesses[], deviceSlots: number): boolean {
  const clusters = Math.ceil(deviceSlots / SWAPFILE_CLUSTER);
  const scale = Math.min(1, MAX_SCALED_CLUSTERS / clusters);
  const scaledSlots = Math.max(SWAPFILE_CLUSTER, Math.floor(deviceSlots * scale));
  const total = groups.reduce((n, g) => n + g.count * g.pages, 0);
  if (total * scale * MARGIN > scaledSlots) return false; // not even by count
  return REPLAY_SEEDS.every((seed) => replay(groups, scaledSlots, scale, seed));
}

function replay(groups: readonly SwappingProcesses[], slots: number, scale: number, seed: number): boolean {
  const si = new SwapInfo(slots, new LockRegistry(), 1);
  const rng = new Lcg(seed);
  try {
    for (const g of groups) {
      const spec = { swapPages: Math.ceil(g.pages * scale * MARGIN), folioPages: g.folioPages, fragmentation: g.fragmentation };
      for (let p = 0; p < g.count; p++) allocSwapOut(si, spec, rng);
    }
    return true;
  } catch {
    // SimulationError('swap-full'): the replay ran out of room.
    return false;
  }
}

/**
 * A small deterministic uniform [0, 1) source; the model's streams are
 * uniform too. A class, so that the draws in allocSwapOut see two receiver
 * types (this and RngStream) and stay inlinable in the model.
 */
class Lcg {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  float(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s / 4294967296;
  }
}
