// The hot shared cache lines the swap-entry free path writes, per kernel
// version, with the function that writes each (docs/model.md prints this).
// Lines written only while the writer holds si->lock for the whole step
// (6.6 / 6.12: swapcache_free_entries and the free_swap_and_cache_nr fast
// path run swap_range_free, zram and zs_free under it) cannot interleave
// with other CPUs' writes: such a step pays at most one transfer per line.

import type { KernelVersionName } from '../presets/presets.js';

/** Line names of the class locks by class + 1, made once (the free path asks per hold). */
const CLASS_LOCK_LINES: string[] = [];

export const LINE = {
  siLock: 'si->lock',
  nrSwapPages: 'nr_swap_pages',
  inusePages: 'si->inuse_pages',
  memcgSwapCounter: 'memcg swap page_counter',
  swapCgroupLock: 'swap_cgroup ctrl->lock',
  zramStats: 'zram->stats',
  zsPoolLock: 'zs_pool->lock',
  zsMigrateLock: 'zs_pool->migrate_lock',
  zsClassLock: (cls: number) => (CLASS_LOCK_LINES[cls + 1] ??= `zs class->lock[${cls}]`),
} as const;

export interface HotLine {
  line: string;
  fn: string;
  level: 'entry' | 'object' | 'call' | 'hold';
}

const ZRAM_STATS: HotLine = { line: LINE.zramStats, fn: 'zram_slot_free_notify / zram_free_page: atomic64 notify_free, pages_stored, compr_data_size or same_pages', level: 'entry' };
const COUNTERS: HotLine[] = [
  { line: LINE.nrSwapPages, fn: 'swap_range_free: atomic_long_add(nr, &nr_swap_pages)', level: 'call' },
  { line: LINE.memcgSwapCounter, fn: 'mem_cgroup_uncharge_swap: page_counter_uncharge of the parent memcg levels (shared by every app cgroup)', level: 'call' },
];

const SLOT_CACHE_ZS_POOL = (siLockFn: string): HotLine[] => [
  { line: LINE.siLock, fn: siLockFn, level: 'hold' },
  ...COUNTERS,
  { line: LINE.inusePages, fn: 'swap_range_free: si->inuse_pages -= nr (under si->lock)', level: 'call' },
  { line: LINE.swapCgroupLock, fn: 'swap_cgroup_record: spin_lock_irqsave(&ctrl->lock)', level: 'call' },
  ZRAM_STATS,
  { line: LINE.zsPoolLock, fn: 'zs_free: spin_lock(&pool->lock)', level: 'object' },
];
const CI_ONLY: HotLine[] = [
  ...COUNTERS,
  { line: LINE.inusePages, fn: 'swap_range_free -> swap_usage_sub: atomic_long_sub_return(&si->inuse_pages)', level: 'call' },
  ZRAM_STATS,
  { line: LINE.zsMigrateLock, fn: 'zs_free: read_lock/read_unlock(&pool->migrate_lock) (reader count)', level: 'object' },
  { line: 'zs class->lock[i]', fn: 'zs_free: spin_lock(&class->lock), one line per size class', level: 'object' },
];

export const HOT_LINES: Record<KernelVersionName, HotLine[]> = {
  '6.6': SLOT_CACHE_ZS_POOL('swapcache_free_entries: spin_lock(&si->lock) (lock word)'),
  '6.6-android': SLOT_CACHE_ZS_POOL('swapcache_free_entries / __swap_entries_free fast path: spin_lock(&si->lock) (lock word)'),
  '6.12': [
    { line: LINE.siLock, fn: 'swapcache_free_entries / __swap_entries_free fast path: spin_lock(&si->lock)', level: 'hold' },
    ...COUNTERS,
    { line: LINE.inusePages, fn: 'swap_range_free: si->inuse_pages -= nr (under si->lock)', level: 'call' },
    { line: LINE.swapCgroupLock, fn: 'swap_cgroup_record: spin_lock_irqsave(&ctrl->lock)', level: 'call' },
    ZRAM_STATS,
    { line: LINE.zsMigrateLock, fn: 'zs_free: read_lock/read_unlock(&pool->migrate_lock) (reader count)', level: 'object' },
    { line: 'zs class->lock[i]', fn: 'zs_free: spin_lock(&class->lock), one line per size class', level: 'object' },
  ],
  '6.18': CI_ONLY,
  'swap-table': CI_ONLY,
};
