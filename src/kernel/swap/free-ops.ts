// The operations of the swap-entry free path, each with the loop level at
// which the kernel version runs it (mm/memory.c zap_pte_range /
// zap_nonpresent_ptes, mm/swapfile.c free_swap_and_cache(_nr),
// mm/swap_slots.c, zram_drv.c, zsmalloc.c), as read in each version's source
// (docs/model.md "Verified against"). swap-free.ts charges these costs; docs/model.md prints the
// table. A level says how often the function runs:
//   entry   once per swap entry
//   run     once per free_swap_and_cache_nr call (one swap_pte_batch run)
//   cluster once per swap cluster a call or batch visits
//   call    once per call of the named function (e.g. per swap_entry_free)
//   batch   once per slot-cache batch (SWAP_SLOTS_CACHE_SIZE entries)
//   object  once per zsmalloc object (non same-filled entry)
//   zspage  once per emptied zspage

import type { CalibrationKey, Costs } from '../../calibration/calibration.js';
import type { KernelVersionName } from '../presets/presets.js';

export type LoopLevel = 'entry' | 'run' | 'cluster' | 'call' | 'batch' | 'object' | 'zspage';

export interface FreeOp {
  fn: string;
  key: CalibrationKey;
  level: LoopLevel;
  note?: string;
  /** Charged inside the ci->lock hold of swap_entries_put_map_nr / swap_put_entries (6.18, swap-table): see putMapNrNs. */
  ciHold?: true;
}

// drivers/block/zram/zram_drv.c zram_slot_free_notify() (zram_slot_trylock, else miss_free) -> zram_free_page();
// mm/zsmalloc.c zs_free() under pool->lock (6.6, android15-6.6) or class->lock with the pool migrate_lock read (6.12+).
const ZRAM_OPS: FreeOp[] = [
  { fn: 'zram_slot_free_notify -> zram_free_page', key: 'zram_free_page_ns', level: 'entry' },
  { fn: 'zram_free_page (ZRAM_SAME slot)', key: 'zram_free_same_page_ns', level: 'entry', note: 'instead of the line above' },
  { fn: 'zs_free -> obj_free, fix_fullness_group', key: 'zs_free_ns', level: 'object' },
  { fn: 'free_zspage', key: 'free_zspage_ns', level: 'zspage' },
];

/** swap_entry_free(si, entry) (6.6) / swap_entry_range_free(si, entry, nr) (android15-6.6, 6.12): one call. */
const RANGE_FREE_OPS = (lvl: LoopLevel, note: string): FreeOp[] => [
  { fn: 'swap_map clear + dec_cluster_info_page', key: 'swap_map_clear_ns', level: 'entry' },
  { fn: 'lock_cluster (inside the range free)', key: 'swap_cluster_lock_ns', level: lvl, note },
  { fn: 'mem_cgroup_uncharge_swap', key: 'memcg_uncharge_swap_ns', level: lvl, note },
  { fn: 'swap_range_free (counters, nr_swap_pages, inuse_pages)', key: 'swap_range_free_ns', level: lvl, note },
  { fn: 'clear_shadow_from_swap_cache (xarray walk of the range)', key: 'clear_shadow_ns', level: lvl, note },
];

/** The slot-cache fallback: __swap_entry_free per entry, free_swap_slot, swapcache_free_entries per 64 (mm/swap_slots.c). */
const SLOT_CACHE_OPS = (lead: string): FreeOp[] => [
  { fn: `${lead}__swap_entry_free: lock_cluster_or_swap_info`, key: 'swap_cluster_lock_ns', level: 'entry' },
  { fn: '__swap_entry_free_locked: swap_map put', key: 'swap_map_put_ns', level: 'entry' },
  { fn: 'free_swap_slot: append under cache->free_lock', key: 'free_swap_slot_ns', level: 'entry' },
  { fn: 'swapcache_free_entries: sort, swap_info_get_cont takes si->lock', key: 'swapcache_free_entries_batch_ns', level: 'batch' },
];

/** android15-6.6 and 6.12: zap_pte_range's swap branch (inline; zap_nonpresent_ptes exists from v6.13) and __swap_entries_free. */
const BATCHED_SLOT_CACHE_OPS: FreeOp[] = [
  { fn: 'zap_pte_range swap branch: swap_pte_batch, per PTE', key: 'zap_swap_pte_ns', level: 'entry' },
  { fn: 'zap_pte_range swap branch: rss[MM_SWAPENTS] -= nr, clear_not_present_full_ptes', key: 'zap_nonpresent_call_ns', level: 'run' },
  { fn: 'free_swap_and_cache_nr: get/put_swap_device', key: 'swap_device_get_ns', level: 'run' },
  { fn: '__swap_entries_free fast path (nr>1, one cluster): lock_cluster_or_swap_info', key: 'swap_cluster_lock_ns', level: 'run' },
  { fn: 'swap_is_last_map + SWAP_HAS_CACHE store', key: 'swap_map_put_ns', level: 'entry' },
  ...RANGE_FREE_OPS('run', 'swap_entry_range_free(nr) under si->lock, once per fast-path run'),
  ...SLOT_CACHE_OPS('fallback (nr=1, cluster crossing or not last map), per entry: '),
  {
    fn: 'swap_entry_range_free(entry, 1) per entry of the batch, under si->lock',
    key: 'swap_map_clear_ns',
    level: 'entry',
    note: 'then lock_cluster, memcg, swap_range_free, clear_shadow per entry as above',
  },
  ...ZRAM_OPS,
];

/** 6.18 swap_entries_put_map_nr (one cluster at a time, under ci->lock) and swap-table's one-pass put. */
const CI_OPS = (put: FreeOp[]): FreeOp[] => [
  { fn: 'zap_nonpresent_ptes: swap_pte_batch, per PTE', key: 'zap_swap_pte_ns', level: 'entry' },
  { fn: 'zap_nonpresent_ptes: rss[MM_SWAPENTS] -= nr, clear_not_present_full_ptes', key: 'zap_nonpresent_call_ns', level: 'run' },
  { fn: 'free_swap_and_cache_nr: get/put_swap_device', key: 'swap_device_get_ns', level: 'run' },
  { fn: 'lock_cluster per cluster of the range', key: 'swap_cluster_lock_ns', level: 'cluster', ciHold: true },
  ...put,
  { fn: 'mem_cgroup_uncharge_swap', key: 'memcg_uncharge_swap_ns', level: 'cluster', note: 'per cluster part of the run, under ci->lock', ciHold: true },
  { fn: 'swap_range_free (nr_swap_pages, swap_usage_sub)', key: 'swap_range_free_ns', level: 'cluster', ciHold: true },
  ...ZRAM_OPS,
];

/** Mainline v6.6: every PTE is one free_swap_and_cache() call; every entry goes through the slot cache. */
const MAINLINE_66_OPS: FreeOp[] = [
  { fn: 'zap_pte_range: swap PTE step', key: 'zap_swap_pte_ns', level: 'entry' },
  { fn: 'zap_pte_range: non-present PTE handling (no swap_pte_batch)', key: 'zap_nonpresent_call_ns', level: 'entry' },
  { fn: 'free_swap_and_cache: _swap_info_get', key: 'swap_device_get_ns', level: 'entry' },
  ...SLOT_CACHE_OPS(''),
  ...RANGE_FREE_OPS('entry', 'swap_entry_free per entry of the batch'),
  ...ZRAM_OPS,
];

export const FREE_PATH_OPS: Record<KernelVersionName, FreeOp[]> = {
  '6.6': MAINLINE_66_OPS,
  '6.6-android': BATCHED_SLOT_CACHE_OPS,
  '6.12': BATCHED_SLOT_CACHE_OPS,
  '6.18': CI_OPS([
    { fn: 'swap_entries_put_map: swap_is_last_map scan, swap_map put', key: 'swap_map_put_ns', level: 'entry', ciHold: true },
    { fn: 'swap_entries_free: *map = 0, cluster count', key: 'swap_map_clear_ns', level: 'entry', ciHold: true },
    { fn: 'swap_range_free -> __swap_cache_clear_shadow (swap table phase I: ci->table, no xarray)', key: 'clear_shadow_ns', level: 'cluster', ciHold: true },
  ]),
  // Swap table phases II-III: e1c5c6be3ca7 (swap_put_entries_cluster, one pass per cluster) and 0d6af9bcf383
  // (the swap count lives in the ci->table entry; swap_map dropped).
  'swap-table': CI_OPS([
    {
      fn: 'swap_put_entries_cluster -> __swap_cluster_put_entry / __swap_cluster_free_entry: count and last put on the ci->table entry (one write leaves it null or shadow)',
      key: 'swap_table_put_ns',
      level: 'entry',
      note: 'replaces the swap_map put, the *map = 0 clear and the separate shadow clear of 6.18',
      ciHold: true,
    },
  ]),
};

/**
 * The work of swap_entries_put_map_nr (6.18) / swap_put_entries (swap-table)
 * inside its ci->lock holds: `segments` (run, cluster) pieces and `entries`
 * entries, summed from the preset's op table (its ciHold operations).
 */
export function putMapNrNs(c: Costs, version: KernelVersionName, segments: number, entries: number): number {
  let ns = 0;
  for (const op of FREE_PATH_OPS[version]) {
    if (!op.ciHold) continue;
    ns += (op.level === 'entry' ? entries : segments) * c[op.key];
  }
  return ns;
}

/** The per-call part of one range free: everything but the per-entry swap_map clear. */
export function rangeFreeCallNs(c: Costs): number {
  return c.swap_cluster_lock_ns + c.memcg_uncharge_swap_ns + c.swap_range_free_ns + c.clear_shadow_ns;
}

/** swap_entry_free / swap_entry_range_free / swap_entries_free of `nr` entries in one call (zram excluded). */
export function rangeFreeNs(c: Costs, nr: number): number {
  return nr * c.swap_map_clear_ns + rangeFreeCallNs(c);
}

/** The same without the cluster lock (6.18 swap_entries_free runs under the ci->lock the caller took). */
export function rangeFreeUnderCiNs(c: Costs, nr: number): number {
  return rangeFreeNs(c, nr) - c.swap_cluster_lock_ns;
}

/** 6.6 / 6.12 fallback: __swap_entry_free of one entry (device ref, ci->lock, put) and free_swap_slot. */
export function entryPutToSlotCacheNs(c: Costs): number {
  return c.swap_device_get_ns + c.swap_cluster_lock_ns + c.swap_map_put_ns + c.free_swap_slot_ns;
}
