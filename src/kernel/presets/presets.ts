// Kernel versions as presets: which swap-free path and which locks exist.
// DESIGN.md "Kernel version presets"; KERNEL-NOTES.md "Sync path".

export type KernelVersionName = '6.6-android' | '6.12' | '6.18';

export interface KernelPreset {
  version: KernelVersionName;
  /** mm/swap_slots.c: free_swap_slot() per-CPU cache of SWAP_SLOTS_CACHE_SIZE (removed by 0ff67f990bd4). */
  slotCache: boolean;
  slotCacheSize: number;
  /** zap_nonpresent_ptes batches contiguous entries with swap_pte_batch() (bea67dcc5eea, v6.10). */
  swapPteBatch: boolean;
  /** free_swap_and_cache_nr() frees a one-cluster run under si->lock in one go (v6.10+ fast path). */
  freeNrFastPath: boolean;
  /** Where swap_entry_free and zram freeing run: under si->lock (batches) or only ci->lock (>= 6.15). */
  swapFreeLock: 'si' | 'ci';
  /** zsmalloc: one pool->lock (v6.2..~6.10) or per-class locks. */
  zsmallocLock: 'pool' | 'class';
  /** WQ_DFL_ACTIVE: 256 through 6.12, 1024 from 6.13. */
  wqDefaultMaxActive: number;
  /** The oom reaper / process_mrelease walk VMAs from the top down (reverse-walk patch). */
  reaperReverseWalk: boolean;
}

export const KERNEL_PRESETS: Record<KernelVersionName, KernelPreset> = {
  '6.6-android': {
    version: '6.6-android',
    slotCache: true,
    slotCacheSize: 64,
    swapPteBatch: false,
    freeNrFastPath: false,
    swapFreeLock: 'si',
    zsmallocLock: 'pool',
    wqDefaultMaxActive: 256,
    reaperReverseWalk: false,
  },
  '6.12': {
    version: '6.12',
    slotCache: true,
    slotCacheSize: 64,
    swapPteBatch: true,
    freeNrFastPath: true,
    swapFreeLock: 'si',
    zsmallocLock: 'class',
    wqDefaultMaxActive: 256,
    reaperReverseWalk: false,
  },
  '6.18': {
    version: '6.18',
    slotCache: false,
    slotCacheSize: 0,
    swapPteBatch: true,
    freeNrFastPath: false,
    swapFreeLock: 'ci',
    zsmallocLock: 'class',
    wqDefaultMaxActive: 1024,
    reaperReverseWalk: true,
  },
};

export function kernelPreset(version: string): KernelPreset {
  const p = (KERNEL_PRESETS as Record<string, KernelPreset>)[version];
  if (!p) throw new RangeError(`unknown kernel preset '${version}' (known: ${Object.keys(KERNEL_PRESETS).join(', ')})`);
  return p;
}
