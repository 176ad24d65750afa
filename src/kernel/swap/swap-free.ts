// The synchronous swap-entry free path, per kernel preset:
//
// 6.6          free_swap_and_cache (per entry) -> __swap_entry_free under
//              ci->lock -> free_swap_slot() into the per-CPU cache; every 64th
//              entry: swapcache_free_entries() frees the batch under si->lock,
//              each swap_entry_free -> swap_range_free -> zram_slot_free_notify
//              -> zs_free under the zsmalloc pool lock.
// 6.12         as 6.6, plus free_swap_and_cache_nr's fast path: a run of nr>1
//              inside one cluster is checked under ci->lock and freed at once
//              under si->lock (swap_entry_range_free), bypassing the cache.
// 6.18         no slot cache (0ff67f990bd4): swap_entries_put_map_nr frees a
//              cluster's entries under ci->lock only, zram included.
// 6.6-android  as 6.12 (android15-6.6 backports the batch and the fast
//              path) with the zsmalloc pool lock. swap-table: as 6.18 with
//              the per-entry put done on ci->table (free-ops.ts putMapNrNs).
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
import { LINE } from '../cacheline/free-path-lines.js';
import { entryPutToSlotCacheNs, putMapNrNs, rangeFreeCallNs, rangeFreeNs } from './free-ops.js';
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
    // 6.18 free_swap_and_cache_nr -> swap_entries_put_map_nr: per cluster of each run, under
    // ci->lock, swap_entries_put_map then swap_entries_free (memcg, swap_range_free, zram).
    for (const { slots, segments, runs: nRuns, lock } of clusterHolds(K, runs, fine)) {
      if (lock) yield k.lock(lock);
      let w = nRuns * c.swap_device_get_ns + putMapNrNs(c, p.version, segments, slots.length);
      w += rangeFreeLinesWork(K, task, segments, w, false);
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
    // __swap_entries_free fast path: per run, swap_is_last_map under ci->lock ...
    for (const { slots, segments, lock } of clusterHolds(K, fast, fine)) {
      if (lock) yield k.lock(lock);
      const w = segments * (c.swap_device_get_ns + c.swap_cluster_lock_ns) + slots.length * c.swap_map_put_ns;
      chargeFreeingSlots(K, task, slots, w);
      yield k.work(w);
      if (lock) yield k.unlock(lock);
    }
    // ... then swap_entry_range_free(nr) under si->lock, once per run.
    const all = flatten(fast);
    yield k.lock(K.si.lock);
    let w = fast.length * rangeFreeCallNs(c) + all.length * c.swap_map_clear_ns;
    w += lineWork(K, task, LINE.siLock, 1, w) + rangeFreeLinesWork(K, task, fast.length, w, true);
    chargeFreeingSlots(K, task, all, w);
    yield k.work(w);
    yield* zramFree(K, k, task, all, fine);
    releaseAfterZramFree(K, all);
    yield k.unlock(K.si.lock);
    K.vmstat.count('swap_free_fast_path', fast.length);
  }
  if (single.length > 0) {
    // Per run get_swap_device; per entry __swap_entry_free under ci->lock, the last reference to free_swap_slot().
    for (const { slots, runs: nRuns, lock } of clusterHolds(K, single, fine)) {
      if (lock) yield k.lock(lock);
      const w = nRuns * c.swap_device_get_ns + slots.length * (entryPutToSlotCacheNs(c) - c.swap_device_get_ns);
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

interface ClusterHold {
  slots: number[];
  /** (run, cluster) pairs: how often the kernel takes this cluster's lock and runs the per-call range free. */
  segments: number;
  /** Runs (free_swap_and_cache_nr calls) that start in this hold. */
  runs: number;
  lock: QueuedLock | null;
}

/**
 * The ci->lock holds for freeing `runs`: one per cluster in fine mode; in
 * chunk mode one per cluster holding at least CI_LOCK_MIN_GROUP of the
 * entries, and the scattered rest charged together without the lock.
 */
function clusterHolds(K: Kernel, runs: readonly SwapRun[], fine: boolean): ClusterHold[] {
  const groups = groupSegmentsByCluster(runs);
  const out: ClusterHold[] = [];
  const rest: ClusterHold = { slots: [], segments: 0, runs: 0, lock: null };
  for (const [cl, g] of groups) {
    if (fine || g.slots.length >= CI_LOCK_MIN_GROUP) out.push({ ...g, lock: K.si.clusterLock(cl) });
    else {
      for (const s of g.slots) rest.slots.push(s);
      rest.segments += g.segments;
      rest.runs += g.runs;
    }
  }
  if (rest.slots.length > 0) out.push(rest);
  return out;
}

/** Slots of the runs grouped by swap cluster (first appearance order), with the (run, cluster) segment and run-start counts. */
function groupSegmentsByCluster(runs: readonly SwapRun[]): Map<number, { slots: number[]; segments: number; runs: number }> {
  const m = new Map<number, { slots: number[]; segments: number; runs: number }>();
  for (const r of runs) {
    let prev = -1;
    for (let s = r.start; s < r.start + r.nr; s++) {
      const cl = Math.floor(s / SWAPFILE_CLUSTER);
      let g = m.get(cl);
      if (!g) {
        g = { slots: [], segments: 0, runs: 0 };
        m.set(cl, g);
      }
      if (s === r.start) g.runs++;
      if (cl !== prev) {
        g.segments++;
        prev = cl;
      }
      g.slots.push(s);
    }
  }
  return m;
}

/** mm/swapfile.c swapcache_free_entries(): a slot-cache batch freed under si->lock. */
export function* swapcacheFreeEntries(K: Kernel, k: TaskCtx, task: Task, batch: number[], fine: boolean): Program {
  const c = K.costs;
  K.vmstat.count('swapcache_free_entries');
  // (The kernel sorts the batch by swap type and offset; its cost is in the batch overhead.)
  yield k.work(c.swapcache_free_entries_batch_ns);
  yield k.lock(K.si.lock);
  // Lines written under si->lock: one transfer at most per batch (see cacheline/free-path-lines.ts).
  const linesNs = lineWork(K, task, LINE.siLock, 1, 0) + rangeFreeLinesWork(K, task, batch.length, batch.length * rangeFreeNs(c, 1), true);
  if (linesNs > 0) yield k.work(linesNs);
  if (fine) {
    // swap_entry_free takes ci->lock per entry inside si->lock.
    for (const s of batch) {
      const lock = K.si.clusterLock(SwapInfo.clusterOf(s));
      yield k.lock(lock);
      chargeFreeingSlots(K, task, [s], rangeFreeNs(c, 1));
      yield k.work(rangeFreeNs(c, 1));
      yield k.unlock(lock);
    }
  } else {
    // swap_entry_free (6.6) / swap_entry_range_free(entry, 1) (6.12): one call per entry of the batch.
    const w = batch.length * rangeFreeNs(c, 1);
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
  // Under si->lock (6.6 / 6.12) the writes below cannot interleave with other CPUs'.
  const serialized = K.preset.swapFreeLock === 'si';
  let base = nObj * c.zram_free_page_ns + nSame * c.zram_free_same_page_ns;
  base += lineWork(K, task, LINE.zramStats, serialized ? 1 : slots.length, base);
  // The share of this work done on other processes' memory (one pass serves every charge below).
  const foreign = K.si.foreignShare(task.proc.pid, slots);
  // [alternatives] policy hook zsFree (deferred-zs-free): the caller keeps zram_free_page's work, the policy takes zs_free.
  if (K.policy.zsFree) {
    K.core.trace.freeingWork(task, base, foreign);
    yield k.work(base);
    yield* K.policy.zsFree(K, k, task, slots);
    return;
  }
  K.core.trace.freeingWork(task, base + nObj * c.zs_free_ns, foreign);
  // zram's share of the free path (docs/validation.md): this work as wall time on the task's CPU.
  K.vmstat.count('zram_free_us', ((base + nObj * c.zs_free_ns) * 1.024) / K.sched.cpus[task.cpu]!.speed1024);
  yield k.work(base);
  // zs_free under the zsmalloc lock(s), grouped by lock.
  for (const [lock, group] of zsHolds(K, slots, fine)) {
    if (lock) yield k.lock(lock);
    let objs = group.length;
    if (group.length !== slots.length || nSame > 0) {
      objs = 0;
      for (const s of group) if (!K.zram.isSameFilled(s)) objs++;
    }
    let zsNs = objs * c.zs_free_ns;
    zsNs += zsLinesWork(K, task, group, objs, zsNs, serialized);
    yield k.work(zsNs);
    let zspagesFreed = 0;
    for (const s of group) zspagesFreed += swapSlotFreeNotify(K, s);
    if (zspagesFreed > 0) {
      K.core.trace.freeingWork(task, zspagesFreed * c.free_zspage_ns, foreign);
      K.vmstat.count('zram_free_us', (zspagesFreed * c.free_zspage_ns * 1.024) / K.sched.cpus[task.cpu]!.speed1024);
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
    if (!g) {
      g = [];
      byClass.set(cls, g);
    }
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
    if (n + r.nr > 512 && cur.length > 0) {
      out.push(cur);
      cur = [];
      n = 0;
    }
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
      if (!g) {
        g = [];
        m.set(cl, g);
      }
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

/**
 * Cache-line transfers of `ops` writes to line `name` during a step of
 * `workNs` on the task's CPU, as CPU work at capacity 1024 (the CPU stalls
 * for the transfer; at a lower speed the same stall is less work).
 */
function lineWork(K: Kernel, task: Task, name: string, ops: number, workNs: number): number {
  const cpu = K.sched.cpus[task.cpu]!;
  const spanNs = (workNs * 1024) / cpu.speed1024;
  const stallNs = K.lines.write(name, task.cpu, ops, K.now, spanNs);
  return (stallNs * cpu.speed1024) / 1024;
}

/** swap_range_free and mem_cgroup_uncharge_swap of `calls` range frees: nr_swap_pages, inuse_pages, the memcg counter (and swap_cgroup's lock before 6.14). */
function rangeFreeLinesWork(K: Kernel, task: Task, calls: number, workNs: number, serialized: boolean): number {
  const ops = serialized ? Math.min(1, calls) : calls;
  let w = lineWork(K, task, LINE.nrSwapPages, ops, workNs) + lineWork(K, task, LINE.inusePages, ops, workNs) + lineWork(K, task, LINE.memcgSwapCounter, ops, workNs);
  if (K.preset.swapCgroupCtrlLock) w += lineWork(K, task, LINE.swapCgroupLock, ops, workNs);
  return w;
}

/** zs_free's shared lines for `objs` objects of `group`: the pool lock (6.6) or the migrate_lock reader count and each class's lock. */
function zsLinesWork(K: Kernel, task: Task, group: readonly number[], objs: number, workNs: number, serialized: boolean): number {
  if (objs === 0) return 0;
  if (K.preset.zsmallocLock === 'pool') return lineWork(K, task, LINE.zsPoolLock, serialized ? 1 : objs, workNs);
  let w = lineWork(K, task, LINE.zsMigrateLock, serialized ? 1 : objs, workNs);
  const perClass = new Map<number, number>();
  for (const s of group) {
    if (K.zram.isSameFilled(s)) continue;
    const cls = K.zram.classIndex(s);
    perClass.set(cls, (perClass.get(cls) ?? 0) + 1);
  }
  for (const [cls, n] of perClass) w += lineWork(K, task, LINE.zsClassLock(cls), serialized ? 1 : n, workNs);
  return w;
}
