// The synchronous swap-entry free path, per kernel preset:
//
// 6.6-android  free_swap_and_cache (per entry) -> __swap_entry_free under
//              ci->lock -> free_swap_slot() into the per-CPU cache; every 64th
//              entry: swapcache_free_entries() frees the batch under si->lock,
//              each swap_entry_free -> swap_range_free -> zram_slot_free_notify
//              -> zs_free under the zsmalloc pool lock.
// 6.12         as 6.6, plus free_swap_and_cache_nr's fast path: a run of nr>1
//              inside one cluster is checked under ci->lock and freed at once
//              under si->lock (swap_entry_range_free), bypassing the cache.
// 6.18         no slot cache (0ff67f990bd4): swap_entries_put_map_nr frees a
//              cluster's entries under ci->lock only, zram included.
//
// Aggregation ('chunk' mode): the runs of one PMD are freed with one lock
// hold per cluster group (groups smaller than CI_LOCK_MIN_GROUP entries are
// charged their cost without taking ci->lock: such holds are ~100 ns and
// their contention negligible); zs_free takes the pool lock once per call
// (6.6), or a class lock once per class with at least ZS_LOCK_MIN_GROUP of
// the call's objects. 'fine' mode issues one free_swap_and_cache_nr per run
// and takes every lock per object; test/mechanisms.test.ts compares the two.

import type { Program, TaskCtx } from '../../engine/steps.js';
import type { Kernel } from '../kernel.js';
import type { QueuedLock } from '../locking/queued-lock.js';
import type { Task } from '../sched/task.js';
import { SwapInfo, SWAPFILE_CLUSTER, type SwapRun } from './swap-info.js';

export const CI_LOCK_MIN_GROUP = 8;
/** Chunk mode takes a zsmalloc class lock only for at least this many of a call's objects. */
export const ZS_LOCK_MIN_GROUP = 8;

export function* freeSwapRunsSync(K: Kernel, k: TaskCtx, task: Task, runs: readonly SwapRun[]): Program {
  K.vmstat.count('free_swap_and_cache_nr_calls', runs.length);
  let n = 0;
  for (const r of runs) n += r.nr;
  K.si.entriesInFreePath += n;
  yield* freeRunsAtGranularity(K, k, task, runs);
  K.si.entriesInFreePath -= n;
}

function* freeRunsAtGranularity(K: Kernel, k: TaskCtx, task: Task, runs: readonly SwapRun[]): Program {
  if (K.cfg.aggregation === 'fine') {
    // One free_swap_and_cache_nr call per run (on 6.6 every run is one PTE: no swap_pte_batch).
    for (const r of runs) yield* freeRuns(K, k, task, [r], true);
    return;
  }
  yield* freeRuns(K, k, task, runs, false);
}

function* freeRuns(K: Kernel, k: TaskCtx, task: Task, runs: readonly SwapRun[], fine: boolean): Program {
  const p = K.preset;
  const c = K.costs;
  if (p.swapFreeLock === 'ci') {
    for (const { slots, lock } of clusterHolds(K, runs, fine)) {
      if (lock) yield k.lock(lock);
      const w = slots.length * (c.swap_entry_put_ns + c.swap_entry_free_ns);
      chargeFreeingSlots(K, task, slots, w);
      yield k.work(w);
      yield* zramFree(K, k, task, slots, fine);
      releaseAfterZramFree(K, slots);
      if (lock) yield k.unlock(lock);
    }
    return;
  }
  const fast: SwapRun[] = [];
  const single: SwapRun[] = [];
  for (const r of runs) {
    const oneCluster = SwapInfo.clusterOf(r.start) === SwapInfo.clusterOf(r.start + r.nr - 1);
    (p.freeNrFastPath && r.nr > 1 && oneCluster ? fast : single).push(r);
  }
  if (fast.length > 0) {
    // __swap_entries_free fast path: swap_is_last_map under ci->lock, then swap_entry_range_free under si->lock.
    for (const { slots, lock } of clusterHolds(K, fast, fine)) {
      if (lock) yield k.lock(lock);
      const w = c.free_nr_fast_path_ns * Math.max(1, Math.round(slots.length / 16)) + slots.length * c.swap_entry_put_ns;
      chargeFreeingSlots(K, task, slots, w);
      yield k.work(w);
      if (lock) yield k.unlock(lock);
    }
    const all = flatten(fast);
    yield k.lock(K.si.lock);
    const w = all.length * c.swap_entry_free_ns;
    chargeFreeingSlots(K, task, all, w);
    yield k.work(w);
    yield* zramFree(K, k, task, all, fine);
    releaseAfterZramFree(K, all);
    yield k.unlock(K.si.lock);
    K.vmstat.count('swap_free_fast_path', fast.length);
  }
  if (single.length > 0) {
    // __swap_entry_free per entry under ci->lock; the last reference goes to free_swap_slot().
    for (const { slots, lock } of clusterHolds(K, single, fine)) {
      if (lock) yield k.lock(lock);
      const w = slots.length * (c.swap_entry_put_ns + c.free_swap_slot_ns);
      chargeFreeingSlots(K, task, slots, w);
      yield k.work(w);
      for (const s of slots) K.si.putMap(s, true);
      if (lock) yield k.unlock(lock);
      for (const s of slots) {
        const cache = K.si.slotCaches[task.cpu]!;
        cache.push(s);
        if (cache.length >= p.slotCacheSize) {
          const batch = cache.splice(0, cache.length);
          yield* swapcacheFreeEntries(K, k, task, batch, fine);
        }
      }
    }
  }
}

/**
 * The ci->lock holds for freeing `runs`: one per cluster in fine mode; in
 * chunk mode one per cluster holding at least CI_LOCK_MIN_GROUP of the
 * entries, and the scattered rest charged together without the lock.
 */
function clusterHolds(K: Kernel, runs: readonly SwapRun[], fine: boolean): Array<{ slots: number[]; lock: QueuedLock | null }> {
  const groups = groupByCluster(runs);
  const out: Array<{ slots: number[]; lock: QueuedLock | null }> = [];
  const rest: number[] = [];
  for (const g of groups) {
    if (fine || g.length >= CI_LOCK_MIN_GROUP) out.push({ slots: g, lock: K.si.clusterLock(SwapInfo.clusterOf(g[0]!)) });
    else for (const s of g) rest.push(s);
  }
  if (rest.length > 0) out.push({ slots: rest, lock: null });
  return out;
}

/** mm/swapfile.c swapcache_free_entries(): a slot-cache batch freed under si->lock. */
export function* swapcacheFreeEntries(K: Kernel, k: TaskCtx, task: Task, batch: number[], fine: boolean): Program {
  const c = K.costs;
  K.vmstat.count('swapcache_free_entries');
  // (The kernel sorts the batch by swap type and offset; its cost is in the batch overhead.)
  yield k.work(c.swapcache_free_entries_batch_ns);
  yield k.lock(K.si.lock);
  if (fine) {
    // swap_entry_free takes ci->lock per entry inside si->lock.
    for (const s of batch) {
      const lock = K.si.clusterLock(SwapInfo.clusterOf(s));
      yield k.lock(lock);
      chargeFreeingSlots(K, task, [s], c.swap_entry_free_ns);
      yield k.work(c.swap_entry_free_ns);
      yield k.unlock(lock);
    }
  } else {
    const w = batch.length * c.swap_entry_free_ns;
    chargeFreeingSlots(K, task, batch, w);
    yield k.work(w);
  }
  yield* zramFree(K, k, task, batch, fine);
  // The slots become allocatable only now, still under si->lock (see releaseAfterZramFree).
  for (const s of batch) K.si.releaseSlot(s);
  yield k.unlock(K.si.lock);
}

/**
 * The last reference of each slot is dropped after its zram object is gone:
 * swap_range_free() notifies zram before the slot is back in the cluster's
 * free count, and the allocator needs the lock the freer holds (si->lock or
 * ci->lock), so swap-out never reuses a slot whose old object is still there.
 */
function releaseAfterZramFree(K: Kernel, slots: readonly number[]): void {
  for (const s of slots) K.si.putMap(s, false);
}

/**
 * swap_range_free -> zram_slot_free_notify -> zram_free_page -> zs_free for
 * each slot. Free memory rises only when zs_free empties a zspage.
 */
export function* zramFree(K: Kernel, k: TaskCtx, task: Task, slots: readonly number[], fine: boolean): Program {
  const c = K.costs;
  let nSame = 0;
  for (let i = 0; i < slots.length; i++) if (K.zram.isSameFilled(slots[i]!)) nSame++;
  const nObj = slots.length - nSame;
  const base = nObj * c.zram_free_page_ns + nSame * c.zram_free_same_page_ns;
  // The share of this work done on other processes' memory (one pass serves every charge below).
  const foreign = K.si.foreignShare(task.proc.pid, slots);
  // [alternatives] policy hook zsFree (deferred-zs-free): the caller keeps zram_free_page's work, the policy takes zs_free.
  if (K.policy.zsFree) { K.core.trace.freeingWork(task, base, foreign); yield k.work(base); yield* K.policy.zsFree(K, k, task, slots); return; }
  K.core.trace.freeingWork(task, base + nObj * c.zs_free_ns, foreign);
  yield k.work(base);
  // zs_free under the zsmalloc lock(s), grouped by lock.
  for (const [lock, group] of zsHolds(K, slots, fine)) {
    if (lock) yield k.lock(lock);
    let objs = group.length;
    if (group.length !== slots.length || nSame > 0) { objs = 0; for (const s of group) if (!K.zram.isSameFilled(s)) objs++; }
    yield k.work(objs * c.zs_free_ns);
    let zspagesFreed = 0;
    for (const s of group) zspagesFreed += swapSlotFreeNotify(K, s);
    if (zspagesFreed > 0) {
      K.core.trace.freeingWork(task, zspagesFreed * c.free_zspage_ns, foreign);
      yield k.work(zspagesFreed * c.free_zspage_ns);
    }
    if (lock) yield k.unlock(lock);
  }
}

/**
 * swap_range_free() -> zram_slot_free_notify() for one slot, then
 * mem_cgroup_uncharge_swap() clears its swap_cgroup record. Returns zspages
 * released. A miss_free leaks the object: it stays allocated but no longer
 * counts against the process.
 */
function swapSlotFreeNotify(K: Kernel, slot: number): number {
  const bytes = K.zram.objectBytes(slot);
  const r = K.zram.slotFreeNotify(slot);
  K.core.trace.zramObjectFreed(K.si.clearCgroup(slot), bytes, K.now);
  if (r === 'miss' || r === 'same') return 0;
  return r > 0 ? 1 : 0;
}

/** Freeing work on `slots`: the share on other processes' entries is unaccounted (their memcg is not the task's). */
function chargeFreeingSlots(K: Kernel, task: Task, slots: readonly number[], workNs: number): void {
  if (workNs <= 0 || slots.length === 0) return;
  K.core.trace.freeingWork(task, workNs, K.si.foreignShare(task.proc.pid, slots));
}

/**
 * The zsmalloc lock holds for freeing `slots`' objects. Pool lock (6.6): one
 * hold. Per-class locks: fine mode takes each object's class lock; chunk mode
 * holds a class's lock once for its objects when at least ZS_LOCK_MIN_GROUP
 * of them share it, and frees the scattered rest without a lock (~200 ns
 * holds spread over ~100 classes rarely collide).
 */
function zsHolds(K: Kernel, slots: readonly number[], fine: boolean): Array<[QueuedLock | null, number[]]> {
  if (K.preset.zsmallocLock === 'pool') return [[K.zs.lockFor(0), [...slots]]];
  if (fine) return slots.map((s) => [K.zs.lockFor(K.zram.classIndex(s)), [s]]);
  const byClass = new Map<number, number[]>();
  for (const s of slots) {
    const cls = K.zram.classIndex(s);
    let g = byClass.get(cls);
    if (!g) { g = []; byClass.set(cls, g); }
    g.push(s);
  }
  const out: Array<[QueuedLock | null, number[]]> = [];
  const rest: number[] = [];
  for (const [cls, g] of byClass) {
    if (cls >= 0 && g.length >= ZS_LOCK_MIN_GROUP) out.push([K.zs.lockFor(cls), g]);
    else for (const s of g) rest.push(s);
  }
  if (rest.length > 0) out.push([null, rest]);
  return out;
}

/**
 * Parked runs as a worker frees them: one free_swap_and_cache_nr call per
 * run in fine mode; in chunk mode groups of up to a PMD's worth (512
 * entries) per step, the same aggregation the exit path uses.
 */
export function batchRuns(K: Kernel, runs: readonly SwapRun[]): SwapRun[][] {
  if (K.cfg.aggregation === 'fine') return runs.map((r) => [r]);
  const out: SwapRun[][] = [];
  let cur: SwapRun[] = [];
  let n = 0;
  for (const r of runs) {
    if (n + r.nr > 512 && cur.length > 0) { out.push(cur); cur = []; n = 0; }
    cur.push(r);
    n += r.nr;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Slots of the runs grouped by swap cluster, in order of first appearance. */
export function groupByCluster(runs: readonly SwapRun[]): number[][] {
  const m = new Map<number, number[]>();
  for (const r of runs) {
    for (let s = r.start; s < r.start + r.nr; s++) {
      const cl = Math.floor(s / SWAPFILE_CLUSTER);
      let g = m.get(cl);
      if (!g) { g = []; m.set(cl, g); }
      g.push(s);
    }
  }
  return [...m.values()];
}

function flatten(runs: readonly SwapRun[]): number[] {
  const out: number[] = [];
  for (const r of runs) for (let s = r.start; s < r.start + r.nr; s++) out.push(s);
  return out;
}
