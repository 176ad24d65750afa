// End-of-run conservation of swap entries, and the quiescence it waits for.
// Every violation throws a SimulationError naming the invariant and the object.

import { SimulationError } from '../engine/engine.js';
import type { Kernel } from './kernel.js';
import { SWAP_MAP_IN_USE, SWAP_MAP_SLOT_CACHED, SWAPFILE_CLUSTER } from './swap/swap-info.js';

/** Nothing in flight: every killed process is dead, every workqueue idle, no free in progress. */
export function quiescent(K: Kernel): boolean {
  if (K.si.entriesInFreePath > 0) return false;
  for (const p of K.processes.all) if (p.sigkill && !p.dead) return false;
  for (const wq of K.core.workqueues.workqueues) if (wq.queued > 0 || wq.activeCount > 0) return false;
  return !K.policy.inFlight?.();
}

export interface Conservation {
  /** Detached entries neither parked nor inside a free call (exact once quiescent). */
  leaked: number;
  stillMapped: number;
  inSlotCache: number;
  detached: number;
}

/**
 * Always: every in-use swap slot is mapped by a PTE, detached (zapped, not
 * yet put) or in reclaim's swap cache (add_to_swap done, PTEs not yet
 * pointing to it), slot-cached entries are in the slot caches, counters are
 * non-negative.
 */
export function checkConservation(K: Kernel): Conservation {
  let mapped = 0;
  for (const p of K.processes.all) {
    const mm = p.originalMm;
    for (const name of ['MM_ANONPAGES', 'MM_SWAPENTS', 'MM_FILEPAGES'] as const) {
      if (mm[name] < 0) throw new SimulationError('rss-negative', `${p.name}: ${name} = ${mm[name]}`);
    }
    for (const ch of mm.chunks) mapped += ch.nrSwap;
  }
  let inUse = 0,
    cached = 0;
  const map = K.si.swapMap;
  // Clusters with no slot in use are skipped: the scan follows the slots in use, not the device size.
  const used = K.si.clusterUsed;
  for (let c = 0; c < used.length; c++) {
    if (used[c] === 0) continue;
    const from = Math.max(1, c * SWAPFILE_CLUSTER);
    const to = (c + 1) * SWAPFILE_CLUSTER;
    inUse += countEqual(map, from, to, SWAP_MAP_IN_USE);
    cached += countEqual(map, from, to, SWAP_MAP_SLOT_CACHED);
  }
  let inCaches = 0;
  for (const c of K.si.slotCaches) inCaches += c.length;
  if (cached !== inCaches) throw new SimulationError('slot-cache', `swap_map has ${cached} slot-cached entries, caches hold ${inCaches}`);
  if (K.zone.freePages < 0) throw new SimulationError('zone-negative', `${K.zone.freePages} free pages`);
  const detached = K.si.detachedEntries;
  const swapCache = K.si.entriesInSwapCache;
  if (inUse !== mapped + detached + swapCache) {
    throw new SimulationError('swap-conservation', `${inUse} slots in use, but ${mapped} mapped + ${detached} detached + ${swapCache} in reclaim's swap cache`);
  }
  const leaked = Math.max(0, detached - K.parked.entries - K.si.entriesInFreePath);
  return { leaked, stillMapped: mapped, inSlotCache: inCaches, detached };
}

/** Entries of map[from, to) equal to `value` (a small function called per cluster: the optimizing compiler takes it early). */
function countEqual(map: Uint8Array, from: number, to: number, value: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (map[i] === value) n++;
  return n;
}
