// The operations of the swap-entry free path, each with the loop level at
// which the kernel version runs it (mm/memory.c zap_nonpresent_ptes,
// mm/swapfile.c free_swap_and_cache(_nr), mm/swap_slots.c, zram_drv.c,
// zsmalloc.c). swap-free.ts charges these costs; docs/model.md prints the
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
}

const ZRAM_OPS: FreeOp[] = [
  { fn: 'zram_slot_free_notify -> zram_free_page', key: 'zram_free_page_ns', level: 'entry' },
  { fn: 'zram_free_page (ZRAM_SAME slot)', key: 'zram_free_same_page_ns', level: 'entry', note: 'instead of the line above' },
  { fn: 'zs_free -> obj_free, fix_fullness_group', key: 'zs_free_ns', level: 'object' },
  { fn: 'free_zspage', key: 'free_zspage_ns', level: 'zspage' },
];

/** swap_entry_free(si, entry) (6.6) / swap_entry_range_free(si, entry, nr) (6.12): one call. */
const RANGE_FREE_OPS = (lvl: LoopLevel, note: string): FreeOp[] => [
  { fn: 'swap_map clear + dec_cluster_info_page', key: 'swap_map_clear_ns', level: 'entry' },
  { fn: 'lock_cluster (inside the range free)', key: 'swap_cluster_lock_ns', level: lvl, note },
  { fn: 'mem_cgroup_uncharge_swap', key: 'memcg_uncharge_swap_ns', level: lvl, note },
  { fn: 'swap_range_free (counters, nr_swap_pages, inuse_pages)', key: 'swap_range_free_ns', level: lvl, note },
  { fn: 'clear_shadow_from_swap_cache', key: 'clear_shadow_ns', level: lvl, note },
];

export const FREE_PATH_OPS: Record<KernelVersionName, FreeOp[]> = {
  '6.6-android': [
    { fn: 'zap_pte_range: swap PTE step', key: 'zap_swap_pte_ns', level: 'entry' },
    { fn: 'zap_pte_range: non-present PTE handling (no swap_pte_batch)', key: 'zap_nonpresent_call_ns', level: 'entry' },
    { fn: 'free_swap_and_cache: get/put_swap_device', key: 'swap_device_get_ns', level: 'entry' },
    { fn: '__swap_entry_free: lock_cluster_or_swap_info', key: 'swap_cluster_lock_ns', level: 'entry' },
    { fn: '__swap_entry_free_locked: swap_map put', key: 'swap_map_put_ns', level: 'entry' },
    { fn: 'free_swap_slot: append under cache->free_lock', key: 'free_swap_slot_ns', level: 'entry' },
    { fn: 'swapcache_free_entries: sort, si->lock', key: 'swapcache_free_entries_batch_ns', level: 'batch' },
    ...RANGE_FREE_OPS('entry', 'swap_entry_free per entry of the batch'),
    ...ZRAM_OPS,
  ],
  '6.12': [
    { fn: 'swap_pte_batch: per PTE', key: 'zap_swap_pte_ns', level: 'entry' },
    { fn: 'zap_nonpresent_ptes', key: 'zap_nonpresent_call_ns', level: 'run' },
    { fn: 'free_swap_and_cache_nr: get/put_swap_device', key: 'swap_device_get_ns', level: 'run' },
    { fn: '__swap_entries_free fast path (nr>1, one cluster): lock_cluster_or_swap_info', key: 'swap_cluster_lock_ns', level: 'run' },
    { fn: 'swap_is_last_map + SWAP_HAS_CACHE store', key: 'swap_map_put_ns', level: 'entry' },
    ...RANGE_FREE_OPS('run', 'swap_entry_range_free(nr) under si->lock, once per fast-path run'),
    {
      fn: 'fallback (nr=1 or mixed): __swap_entry_free per entry -> free_swap_slot -> swapcache_free_entries',
      key: 'free_swap_slot_ns',
      level: 'entry',
      note: 'then as 6.6: lock, put, batch, swap_entry_range_free(1) per entry',
    },
    { fn: 'swapcache_free_entries (fallback only)', key: 'swapcache_free_entries_batch_ns', level: 'batch' },
    ...ZRAM_OPS,
  ],
  '6.18': [
    { fn: 'swap_pte_batch: per PTE', key: 'zap_swap_pte_ns', level: 'entry' },
    { fn: 'zap_nonpresent_ptes', key: 'zap_nonpresent_call_ns', level: 'run' },
    { fn: 'free_swap_and_cache_nr: get/put_swap_device', key: 'swap_device_get_ns', level: 'run' },
    { fn: 'swap_entries_put_map_nr: lock_cluster per cluster of the range', key: 'swap_cluster_lock_ns', level: 'cluster' },
    { fn: 'swap_entries_put_map: swap_map put', key: 'swap_map_put_ns', level: 'entry' },
    { fn: 'swap_entries_free: *map = 0', key: 'swap_map_clear_ns', level: 'entry' },
    { fn: 'swap_entries_free: mem_cgroup_uncharge_swap', key: 'memcg_uncharge_swap_ns', level: 'cluster', note: 'per cluster part of the run, under ci->lock' },
    { fn: 'swap_range_free (nr_swap_pages, swap_usage_sub)', key: 'swap_range_free_ns', level: 'cluster' },
    { fn: '__swap_cache_clear_shadow', key: 'clear_shadow_ns', level: 'cluster' },
    ...ZRAM_OPS,
  ],
};

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
