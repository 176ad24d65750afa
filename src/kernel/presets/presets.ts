// Kernel versions as presets: which swap-free path and which locks exist.
// DESIGN.md "Kernel version presets"; KERNEL-NOTES.md "Sync path". Each
// preset was checked against that version's source (docs/model.md
// "Verified against"): mm/memory.c, mm/swapfile.c, mm/swap_slots.c,
// drivers/block/zram/zram_drv.c, mm/zsmalloc.c.

export type KernelVersionName = '6.6' | '6.6-android' | '6.12' | '6.18' | 'swap-table';

export interface KernelPreset {
  version: KernelVersionName;
  /** One line for `swaplab list`. */
  summary: string;
  /** mm/swap_slots.c: free_swap_slot() per-CPU cache of SWAP_SLOTS_CACHE_SIZE (removed by 0ff67f990bd4). */
  slotCache: boolean;
  slotCacheSize: number;
  /** zap_pte_range batches contiguous entries with swap_pte_batch() (bea67dcc5eea, v6.10; backported to android15-6.6). */
  swapPteBatch: boolean;
  /** free_swap_and_cache_nr() -> __swap_entries_free frees a one-cluster run under si->lock in one go (v6.10+ fast path). */
  freeNrFastPath: boolean;
  /** Where swap_entry_free and zram freeing run: under si->lock (batches) or only ci->lock (>= 6.15). */
  swapFreeLock: 'si' | 'ci';
  /** zsmalloc: one pool->lock (v6.2..~6.8, and android15-6.6) or per-class locks. */
  zsmallocLock: 'pool' | 'class';
  /** mem_cgroup_uncharge_swap -> swap_cgroup_record takes the swap_cgroup ctrl->lock (removed in v6.15). */
  swapCgroupCtrlLock: boolean;
  /**
   * Swap table beyond phase I (Kairui Song): the swap count lives in the
   * cluster's table entry, so the last put writes the table entry once; no
   * separate swap_map clear, no separate shadow clear over the range.
   */
  swapCountInTable: boolean;
  /** WQ_DFL_ACTIVE: 256 through 6.12, 1024 from 6.13. */
  wqDefaultMaxActive: number;
  /** The oom reaper / process_mrelease walk VMAs from the top down (reverse-walk patch). */
  reaperReverseWalk: boolean;
}

const SLOT_CACHE = { slotCache: true, slotCacheSize: 64, swapFreeLock: 'si', swapCgroupCtrlLock: true, swapCountInTable: false, wqDefaultMaxActive: 256, reaperReverseWalk: false } as const;
const CURRENT = {
  slotCache: false,
  slotCacheSize: 0,
  swapPteBatch: true,
  freeNrFastPath: false,
  swapFreeLock: 'ci',
  zsmallocLock: 'class',
  swapCgroupCtrlLock: false,
  wqDefaultMaxActive: 1024,
  reaperReverseWalk: true,
} as const;

export const KERNEL_PRESETS: Record<KernelVersionName, KernelPreset> = {
  // Mainline v6.6: free_swap_and_cache() per PTE (no swap_pte_batch), the slot cache, zsmalloc pool->lock.
  '6.6': {
    version: '6.6',
    summary: 'mainline v6.6: per-PTE free_swap_and_cache, swap slot cache, free under si->lock, zsmalloc pool lock',
    ...SLOT_CACHE,
    swapPteBatch: false,
    freeNrFastPath: false,
    zsmallocLock: 'pool',
  },
  // android15-6.6 (ACK): mainline 6.6 plus backports of swap_pte_batch / free_swap_and_cache_nr and the
  // __swap_entries_free fast path (v6.10/6.11); zsmalloc still pool->lock.
  '6.6-android': {
    version: '6.6-android',
    summary: 'android15-6.6: swap_pte_batch and free_swap_and_cache_nr backported, swap slot cache, si->lock, zsmalloc pool lock',
    ...SLOT_CACHE,
    swapPteBatch: true,
    freeNrFastPath: true,
    zsmallocLock: 'pool',
  },
  '6.12': {
    version: '6.12',
    summary: 'v6.12: swap_pte_batch, fast path for one-cluster runs, swap slot cache, si->lock, zsmalloc class locks',
    ...SLOT_CACHE,
    swapPteBatch: true,
    freeNrFastPath: true,
    zsmallocLock: 'class',
  },
  // v6.18 includes swap table phase I (mm/swap_table.h: the swap cache lives in ci->table; shadows cleared under ci->lock).
  '6.18': {
    version: '6.18',
    summary: 'v6.18: no slot cache, swap_entries_put_map_nr under ci->lock only, swap table phase I (swap cache in ci->table)',
    ...CURRENT,
    swapCountInTable: false,
  },
  // Beyond 6.18 (queued for 7.0 and after): swap table phase II, e1c5c6be3ca7 "mm, swap: clean up and improve
  // swap entries freeing" (swap_put_entries_cluster, one pass per cluster), and phase III, 0d6af9bcf383 "mm, swap:
  // use the swap table to track the swap count" (swap_map dropped). docs/model.md "swap-table" says what is assumed.
  'swap-table': {
    version: 'swap-table',
    summary: 'beyond 6.18: swap table with the swap count in ci->table (swap_map folded in); one table write per freed entry',
    ...CURRENT,
    swapCountInTable: true,
  },
};

export function kernelPreset(version: string): KernelPreset {
  const p = (KERNEL_PRESETS as Record<string, KernelPreset>)[version];
  if (!p) throw new RangeError(`unknown kernel preset '${version}' (known: ${Object.keys(KERNEL_PRESETS).join(', ')})`);
  return p;
}
