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
import { CLUSTER_SHIFT, SlotCache, SwapInfo, SWAPFILE_CLUSTER, type SlotBatch } from './swap-info.js';
import type { SwapRuns } from './swap-runs.js';

export const CI_LOCK_MIN_GROUP = 8;
/** Chunk mode takes a zsmalloc class lock only for at least this many of a call's objects. */
export const ZS_LOCK_MIN_GROUP = 8;

export function* freeSwapRunsSync(K: Kernel, k: TaskCtx, task: Task, runs: SwapRuns): Program {
  K.vmstat.count('free_swap_and_cache_nr_calls', runs.length);
  const n = runs.entries;
  K.si.entriesInFreePath += n;
  if (K.cfg.aggregation === 'fine') {
    // One free_swap_and_cache_nr call per run (on 6.6 every run is one PTE: no swap_pte_batch).
    const singles = runs.singles();
    for (let i = 0; i < singles.length; i++) yield k.call(freeRuns(K, k, task, singles[i]!, true));
  } else yield k.call(freeRuns(K, k, task, runs, false));
  K.si.entriesInFreePath -= n;
}

/** free_swap_and_cache_nr() for `runs`: the preset's path (each its own generator, so V8 compiles and optimises only the one in use). */
function freeRuns(K: Kernel, k: TaskCtx, task: Task, runs: SwapRuns, fine: boolean): Program {
  return K.preset.swapFreeLock === 'ci' ? freeRunsUnderClusterLocks(K, k, task, runs, fine) : freeRunsThroughSlotCache(K, k, task, runs, fine);
}

/**
 * 6.18 free_swap_and_cache_nr -> swap_entries_put_map_nr: per cluster of each run, under
 * ci->lock, swap_entries_put_map then swap_entries_free (memcg, swap_range_free, zram).
 */
function* freeRunsUnderClusterLocks(K: Kernel, k: TaskCtx, task: Task, runs: SwapRuns, fine: boolean): Program {
  const p = K.preset;
  const c = K.costs;
  const held = clusterHolds(K, runs, fine, ALL_RUNS);
  for (let h = 0; h < held.holds.length; h++) {
    const { from, to, segments, runs: nRuns, lock } = held.holds[h]!;
    if (lock) yield k.lock(lock);
    let w = nRuns * c.swap_device_get_ns + putMapNrNs(c, p.version, segments, to - from);
    w += rangeFreeLinesWork(K, task, segments, w, false);
    const foreign = chargeFreeing(K, task, held.owners, from, to, w);
    yield k.work(w);
    const slots = held.slots.subarray(from, to);
    yield k.call(zramFree(K, k, task, slots, fine, foreign, { owners: held.owners.subarray(from, to), bytes: held.bytes.subarray(from, to) }));
    releaseAfterZramFree(K, slots);
    if (lock) yield k.unlock(lock);
  }
  releaseHeld(held);
}

/** 6.12 / android15-6.6 __swap_entries_free fast path: the runs of nr > 1 inside one cluster. */
function* freeFastPathRuns(K: Kernel, k: TaskCtx, task: Task, runs: SwapRuns, fine: boolean): Program {
  const c = K.costs;
  // Per run, swap_is_last_map under ci->lock ...
  const held = clusterHolds(K, runs, fine, FAST_PATH_RUNS);
  if (held.n > 0) {
    for (let h = 0; h < held.holds.length; h++) {
      const { from, to, segments, lock } = held.holds[h]!;
      if (lock) yield k.lock(lock);
      const w = segments * (c.swap_device_get_ns + c.swap_cluster_lock_ns) + (to - from) * c.swap_map_put_ns;
      chargeFreeing(K, task, held.owners, from, to, w);
      yield k.work(w);
      if (lock) yield k.unlock(lock);
    }
    // ... then swap_entry_range_free(nr) under si->lock, once per run, in run order.
    const ro = held.runOrder!;
    const all = ro.slots.subarray(0, held.n);
    const facts: SlotFacts = { owners: ro.owners.subarray(0, held.n), bytes: ro.bytes.subarray(0, held.n) };
    yield k.lock(K.si.lock);
    let w = held.nRuns * rangeFreeCallNs(c) + all.length * c.swap_map_clear_ns;
    w += lineWork(K, task, LINE.siLock, 1, w) + rangeFreeLinesWork(K, task, held.nRuns, w, true);
    const foreign = chargeFreeing(K, task, facts.owners, 0, all.length, w);
    yield k.work(w);
    yield k.call(zramFree(K, k, task, all, fine, foreign, facts));
    releaseAfterZramFree(K, all);
    yield k.unlock(K.si.lock);
    K.vmstat.count('swap_free_fast_path', held.nRuns);
  }
  releaseHeld(held);
}

/** 6.6 / 6.12 per-entry path: __swap_entry_free under ci->lock, the last reference to the per-CPU slot cache. */
function* freeRunsThroughSlotCache(K: Kernel, k: TaskCtx, task: Task, runs: SwapRuns, fine: boolean): Program {
  const p = K.preset;
  const c = K.costs;
  if (p.freeNrFastPath) yield k.call(freeFastPathRuns(K, k, task, runs, fine));
  // Per run get_swap_device; per entry __swap_entry_free under ci->lock, the last reference to free_swap_slot().
  const held = clusterHolds(K, runs, fine, p.freeNrFastPath ? SLOT_CACHE_RUNS : ALL_RUNS);
  const { slots, owners, bytes } = held;
  for (let h = 0; h < held.holds.length; h++) {
    const { from, to, runs: nRuns, lock } = held.holds[h]!;
    if (lock) yield k.lock(lock);
    const w = nRuns * c.swap_device_get_ns + (to - from) * (entryPutToSlotCacheNs(c) - c.swap_device_get_ns);
    chargeFreeing(K, task, owners, from, to, w);
    yield k.work(w);
    for (let i = from; i < to; i++) K.si.putMap(slots[i]!, true);
    if (lock) yield k.unlock(lock);
    traceSlotCacheHeld(K, owners, bytes, from, to, 1);
    // free_swap_slot() per entry; a cache that fills is drained (the task may be on another CPU after that).
    for (let i = from; i < to;) {
      const cache = K.si.slotCaches[task.cpu]!;
      i = cache.pushFrom(held, i, to, p.slotCacheSize);
      if (cache.length >= p.slotCacheSize) {
        const batch = cache.takeAll();
        traceSlotCacheHeld(K, batch.owners, batch.bytes, 0, batch.slots.length, -1);
        yield k.call(swapcacheFreeEntries(K, k, task, batch, fine));
        SlotCache.recycle(batch);
      }
    }
  }
  releaseHeld(held);
}

/** Entries [from, to) entering (+1) or leaving (-1) a per-CPU slot cache, as one tracepoint per stretch of one memcg's slots. */
function traceSlotCacheHeld(K: Kernel, owners: Int32Array, bytes: Int32Array, from: number, to: number, sign: 1 | -1): void {
  const trace = K.core.trace;
  // One tracepoint site, reached on every call (a second one for the last stretch was optimised without feedback).
  for (let i = from; i < to;) {
    const owner = owners[i]!;
    let sum = 0;
    do sum += bytes[i++]!;
    while (i < to && owners[i] === owner);
    trace.slotCacheHeld(owner, sign * sum, K.now);
  }
}

/**
 * What the free path reads of each slot, read once per call: the memcg its
 * swap_cgroup record names and its zram object's bytes. Neither changes
 * while the entry is on its way out (detached from its PTE, its slot not
 * allocatable; the record is cleared only by swapSlotFreeNotify).
 */
type SlotFacts = Pick<SlotBatch, 'owners' | 'bytes'>;

/** Slots with zero object bytes: same-filled pages (no zsmalloc object). */
function countZeros(a: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === 0) n++;
  return n;
}

/** Share of slots [from, to) charged to a memcg other than `id`, from their swap_cgroup ids already read (work done for other processes). */
function foreignShareOf(id: number, owners: Int32Array, from: number, to: number): number {
  if (to <= from) return 0;
  let foreign = 0;
  for (let i = from; i < to; i++) if (owners[i] !== id) foreign++;
  return foreign / (to - from);
}

/** Freeing work on slots [from, to): the share on other processes' entries (owners already read) is unaccounted (their memcg is not the task's). */
function chargeFreeing(K: Kernel, task: Task, owners: Int32Array, from: number, to: number, workNs: number): number {
  if (workNs <= 0 || to <= from) return -1;
  const foreign = foreignShareOf(task.proc.pid, owners, from, to);
  K.core.trace.freeingWork(task, workNs, foreign);
  return foreign;
}

/** A ci->lock hold over slots [from, to) of its HeldSlots. */
interface ClusterHold {
  from: number;
  to: number;
  /** (run, cluster) pairs: how often the kernel takes this cluster's lock and runs the per-call range free. */
  segments: number;
  /** Runs (free_swap_and_cache_nr calls) that start in this hold. */
  runs: number;
  lock: QueuedLock | null;
}

/**
 * The slots of one free call in hold order, each with its facts (read as
 * they are placed), and the holds over them; the arrays are lent (see
 * lendArray) and hold `n` slots.
 */
interface HeldSlots extends SlotBatch {
  n: number;
  /** The free_swap_and_cache_nr calls (runs) among the slots. */
  nRuns: number;
  holds: ClusterHold[];
  /** The same slots and facts in run order (FAST_PATH_RUNS only). */
  runOrder: SlotBatch | null;
}

/** Which of a call's runs clusterHolds takes: all, those free_swap_and_cache_nr's fast path frees (nr > 1 inside one cluster), or the others. */
const ALL_RUNS = 0;
const FAST_PATH_RUNS = 1;
const SLOT_CACHE_RUNS = 2;
type RunFilter = typeof ALL_RUNS | typeof FAST_PATH_RUNS | typeof SLOT_CACHE_RUNS;

/**
 * Int32Arrays lent to one free call (typed arrays are slow to create). A
 * call keeps them across its yields, while other tasks' calls use others,
 * and gives them back when done; one it never gives back is garbage like
 * any other. Long enough for a PMD's entries or a call's size classes.
 */
const spareArrays: Int32Array[] = [];
const LENT_MIN_LENGTH = 1024;

function lendArray(n: number): Int32Array {
  const a = spareArrays.pop();
  return a !== undefined && a.length >= n ? a : new Int32Array(Math.max(n, LENT_MIN_LENGTH));
}

function giveBack(a: Int32Array): void {
  spareArrays.push(a);
}

function lendBatch(n: number): SlotBatch {
  return { slots: lendArray(n), owners: lendArray(n), bytes: lendArray(n) };
}

function giveBackBatch(b: SlotBatch): void {
  giveBack(b.slots);
  giveBack(b.owners);
  giveBack(b.bytes);
}

function releaseHeld(h: HeldSlots): void {
  giveBackBatch(h);
  if (h.runOrder) giveBackBatch(h.runOrder);
}

/**
 * Scratch of clusterHolds (a synchronous function: no step runs while it is
 * in use), sized for every cluster of the device (a call opens at most one
 * group per cluster). groupOfCluster maps a cluster to its group + 1 and is
 * all zero between calls; taken lists the runs the filter takes, in order.
 */
const scratch = {
  groupOfCluster: new Int32Array(0),
  cluster: new Int32Array(0),
  count: new Int32Array(0),
  segments: new Int32Array(0),
  runs: new Int32Array(0),
  offset: new Int32Array(0),
  taken: new Int32Array(512),
};

function sizeForClusters(nrClusters: number): void {
  if (scratch.groupOfCluster.length >= nrClusters) return;
  scratch.groupOfCluster = new Int32Array(nrClusters);
  scratch.cluster = new Int32Array(nrClusters);
  scratch.count = new Int32Array(nrClusters);
  scratch.segments = new Int32Array(nrClusters);
  scratch.runs = new Int32Array(nrClusters);
  scratch.offset = new Int32Array(nrClusters);
}

/**
 * The ci->lock holds for freeing the `filter`ed ones of `runs`: one per
 * cluster in fine mode; in chunk mode one per cluster holding at least
 * CI_LOCK_MIN_GROUP of the entries, and the scattered rest charged together
 * without the lock. Clusters come in order of first appearance, each
 * cluster's slots in run order (a counting sort into one array; the holds
 * are ranges of it). Give the result back with releaseHeld().
 */
function clusterHolds(K: Kernel, runs: SwapRuns, fine: boolean, filter: RunFilter): HeldSlots {
  const S = scratch;
  sizeForClusters(K.si.nrClusters);
  if (S.taken.length < runs.length) S.taken = new Int32Array(Math.max(runs.length, 2 * S.taken.length));
  const { taken, groupOfCluster: mark, cluster, count, segments, runs: groupRuns } = S;
  // Pass 1: the groups, from each (run, cluster) segment; nearly every run is one.
  let nGroups = 0;
  let n = 0;
  let nRuns = 0;
  const { start: runStart, nr: runNr } = runs;
  // SwapInfo.clusterOf as a shift by a local: the imported bindings were checked again on every iteration.
  const shift = CLUSTER_SHIFT;
  const clusterSlots = SWAPFILE_CLUSTER;
  for (let ri = 0; ri < runs.length; ri++) {
    const start = runStart[ri]!;
    const nr = runNr[ri]!;
    const end = start + nr;
    const cl = start >>> shift;
    const oneCluster = (end - 1) >>> shift === cl;
    if (filter !== ALL_RUNS && (nr > 1 && oneCluster) !== (filter === FAST_PATH_RUNS)) continue;
    taken[nRuns++] = ri;
    n += nr;
    // One segment per cluster the run touches (the first always; nearly always the only one).
    let s = start;
    do {
      const c = s >>> shift;
      const segEnd = oneCluster ? end : Math.min((c + 1) * clusterSlots, end);
      let g = mark[c]! - 1;
      if (g < 0) {
        g = nGroups++;
        mark[c] = g + 1;
        cluster[g] = c;
        count[g] = segments[g] = groupRuns[g] = 0;
      }
      if (s === start) groupRuns[g]!++;
      segments[g]!++;
      count[g]! += segEnd - s;
      s = segEnd;
    } while (s < end);
  }
  // Offsets: locked groups first, in order, then the rest.
  const offset = S.offset;
  let off = 0;
  for (let g = 0; g < nGroups; g++)
    if (fine || count[g]! >= CI_LOCK_MIN_GROUP) {
      offset[g] = off;
      off += count[g]!;
    }
  const restStart = off;
  for (let g = 0; g < nGroups; g++)
    if (!(fine || count[g]! >= CI_LOCK_MIN_GROUP)) {
      offset[g] = off;
      off += count[g]!;
    }
  // Pass 2: the slots into place, with their facts (and in run order for the fast path).
  const ro = filter === FAST_PATH_RUNS ? lendBatch(n) : null;
  const held: HeldSlots = { slots: lendArray(n), owners: lendArray(n), bytes: lendArray(n), n, nRuns, holds: [], runOrder: ro };
  const { slots: all, owners, bytes } = held;
  const { si, zram } = K;
  const roSlots = ro ? ro.slots : null;
  const roOwners = ro ? ro.owners : all;
  const roBytes = ro ? ro.bytes : all;
  for (let t = 0, k = 0; t < nRuns; t++) {
    const ri = taken[t]!;
    // Each slot's group by its cluster, for every run alike: a branch for the rare runs over
    // several clusters had no feedback when V8 optimised this loop, and deoptimised it later.
    for (let s = runStart[ri]!, end = s + runNr[ri]!; s < end; s++, k++) {
      const at = offset[mark[s >>> shift]! - 1]!++;
      const owner = si.cgroupOf(s);
      const b = zram.objectBytes(s);
      all[at] = s;
      owners[at] = owner;
      bytes[at] = b;
      if (roSlots !== null) {
        roSlots[k] = s;
        roOwners[k] = owner;
        roBytes[k] = b;
      }
    }
  }
  const out = held.holds;
  const rest: ClusterHold = { from: restStart, to: n, segments: 0, runs: 0, lock: null };
  for (let g = 0; g < nGroups; g++) {
    const cnt = count[g]!;
    const cl = cluster[g]!;
    mark[cl] = 0;
    if (fine || cnt >= CI_LOCK_MIN_GROUP) {
      const end = offset[g]!; // advanced to the group's end by pass 2
      out.push({ from: end - cnt, to: end, segments: segments[g]!, runs: groupRuns[g]!, lock: si.clusterLock(cl) });
    } else {
      rest.segments += segments[g]!;
      rest.runs += groupRuns[g]!;
    }
  }
  if (rest.to > rest.from) out.push(rest);
  return held;
}

/** mm/swapfile.c swapcache_free_entries(): a slot-cache batch freed under si->lock. */
function* swapcacheFreeEntries(K: Kernel, k: TaskCtx, task: Task, entries: SlotBatch, fine: boolean): Program {
  const c = K.costs;
  const batch = entries.slots;
  K.vmstat.count('swapcache_free_entries');
  // (The kernel sorts the batch by swap type and offset; its cost is in the batch overhead.)
  yield k.work(c.swapcache_free_entries_batch_ns);
  yield k.lock(K.si.lock);
  // Lines written under si->lock: one transfer at most per batch (see cacheline/free-path-lines.ts).
  const linesNs = lineWork(K, task, LINE.siLock, 1, 0) + rangeFreeLinesWork(K, task, batch.length, batch.length * rangeFreeNs(c, 1), true);
  if (linesNs > 0) yield k.work(linesNs);
  let foreign = -1;
  if (fine) {
    // swap_entry_free takes ci->lock per entry inside si->lock.
    for (let i = 0; i < batch.length; i++) {
      const lock = K.si.clusterLock(SwapInfo.clusterOf(batch[i]!));
      yield k.lock(lock);
      chargeFreeing(K, task, entries.owners, i, i + 1, rangeFreeNs(c, 1));
      yield k.work(rangeFreeNs(c, 1));
      yield k.unlock(lock);
    }
  } else {
    // swap_entry_free (6.6) / swap_entry_range_free(entry, 1) (6.12): one call per entry of the batch.
    const w = batch.length * rangeFreeNs(c, 1);
    foreign = chargeFreeing(K, task, entries.owners, 0, batch.length, w);
    yield k.work(w);
  }
  yield k.call(zramFree(K, k, task, batch, fine, foreign, entries));
  // The slots become allocatable only now, still under si->lock (see releaseAfterZramFree).
  for (let i = 0; i < batch.length; i++) K.si.releaseSlot(batch[i]!);
  yield k.unlock(K.si.lock);
}

/**
 * The last reference of each slot is dropped after its zram object is gone:
 * swap_range_free() notifies zram before the slot is back in the cluster's
 * free count, and the allocator needs the lock the freer holds (si->lock or
 * ci->lock), so swap-out never reuses a slot whose old object is still there.
 */
function releaseAfterZramFree(K: Kernel, slots: Int32Array): void {
  for (let i = 0; i < slots.length; i++) K.si.putMap(slots[i]!, false);
}

/**
 * swap_range_free -> zram_slot_free_notify -> zram_free_page -> zs_free for
 * each slot. Free memory rises only when zs_free empties a zspage.
 */
function* zramFree(K: Kernel, k: TaskCtx, task: Task, slots: Int32Array, fine: boolean, foreignShare: number, facts: SlotFacts): Program {
  const c = K.costs;
  // Same-filled slots have no object: zero bytes (a slot with no word at all is a double free, caught at the notify).
  const nSame = countZeros(facts.bytes);
  const nObj = slots.length - nSame;
  // Under si->lock (6.6 / 6.12) the writes below cannot interleave with other CPUs'.
  const serialized = K.preset.swapFreeLock === 'si';
  let base = nObj * c.zram_free_page_ns + nSame * c.zram_free_same_page_ns;
  base += lineWork(K, task, LINE.zramStats, serialized ? 1 : slots.length, base);
  // The share of this work done on other processes' memory (one pass serves every charge below; the caller's if it has it).
  const foreign = foreignShare >= 0 ? foreignShare : foreignShareOf(task.proc.pid, facts.owners, 0, facts.owners.length);
  // [alternatives] policy hook zsFree (deferred-zs-free): the caller keeps zram_free_page's work, the policy takes zs_free.
  if (K.policy.zsFree) {
    K.core.trace.freeingWork(task, base, foreign);
    yield k.work(base);
    yield k.call(K.policy.zsFree(K, k, task, slots));
    return;
  }
  K.core.trace.freeingWork(task, base + nObj * c.zs_free_ns, foreign);
  K.core.trace.zramFreeWork(task, base + nObj * c.zs_free_ns);
  yield k.work(base);
  // zs_free under the zsmalloc lock(s), grouped by lock.
  const lent: Int32Array[] = [];
  // An index loop, as over held.holds above: a for-of kept an iterator object alive across the yields.
  const holds = zsHolds(K, slots, facts.bytes, fine, lent);
  for (let h = 0; h < holds.length; h++) {
    const { lock, slots: group, bytes, cls, classCounts } = holds[h]!;
    if (lock) yield k.lock(lock);
    // A hold of one class has no same-filled slot; the rest's classes were counted by zsHolds.
    const objs = group === slots ? nObj : cls >= 0 ? group.length : classCounts ? group.length - sameFilledIn(classCounts) : group.length - countZeros(bytes);
    let zsNs = objs * c.zs_free_ns;
    if (cls >= 0) zsNs += classLinesWork(K, task, cls, objs, zsNs, serialized);
    else if (classCounts) zsNs += countedLinesWork(K, task, classCounts, objs, zsNs, serialized);
    else zsNs += zsLinesWork(K, task, bytes, objs, zsNs, serialized);
    yield k.work(zsNs);
    const zspagesFreed = swapSlotFreeNotify(K, group, bytes);
    if (zspagesFreed > 0) {
      K.core.trace.freeingWork(task, zspagesFreed * c.free_zspage_ns, foreign);
      K.core.trace.zramFreeWork(task, zspagesFreed * c.free_zspage_ns);
      yield k.work(zspagesFreed * c.free_zspage_ns);
    }
    if (lock) yield k.unlock(lock);
  }
  for (const a of lent) giveBack(a);
}

/**
 * swap_range_free() -> zram_slot_free_notify() for each slot, then
 * mem_cgroup_uncharge_swap() clears its swap_cgroup record. Returns the
 * zspages released. A miss_free leaks the object: it stays allocated but no
 * longer counts against the process.
 */
function swapSlotFreeNotify(K: Kernel, slots: Int32Array, objectBytes: Int32Array): number {
  const zspages = K.zram.slotsFreeNotify(slots, objectBytes);
  const si = K.si;
  const trace = K.core.trace;
  const now = K.now;
  // One tracepoint per stretch of slots charged to the same memcg, with their bytes; the last
  // stretch ends at i === n, so the one tracepoint site is reached on every call.
  const n = slots.length;
  let owner = -1;
  let ownerBytes = 0;
  for (let i = 0; i <= n; i++) {
    const id = i < n ? si.clearCgroup(slots[i]!) : -1;
    if (id !== owner) {
      if (owner >= 0) trace.zramObjectFreed(owner, ownerBytes, now);
      owner = id;
      ownerBytes = 0;
    }
    if (i < n) ownerBytes += objectBytes[i]!;
  }
  return zspages;
}

interface ZsHold {
  lock: QueuedLock | null;
  slots: Int32Array;
  /** Each slot's object bytes (SlotFacts), in the hold's order. */
  bytes: Int32Array;
  /** The size class of every slot of the hold, or -1 (mixed, or the pool lock). */
  cls: number;
  /** Mixed holds of class locks: (class + 1, slots) pairs in order of first appearance, 0 for same-filled. */
  classCounts: Int32Array | null;
}

/** Scratch of zsHolds (synchronous): per size class + 1 (0: no object), its group + 1, zero between calls. */
const classGroup = new Int32Array(260);
const groupClass = new Int32Array(260);
const groupCount = new Int32Array(260);
const groupOffset = new Int32Array(260);
/** Each slot's class key during zsHolds (synchronous), grown to the largest call. */
let slotClassKeys = new Int32Array(512);

/**
 * Groups slots by size class + 1 (0: no object), classes in order of first
 * appearance, from their object bytes (an object's class is the class of
 * its size: zram stores it in a zspage of classIndexFor(bytes)): fills
 * groupClass and groupCount and returns the group count; `keys` (if given)
 * receives each slot's key. The caller zeroes classGroup at each group's
 * class afterwards.
 */
function groupByClass(K: Kernel, bytes: Int32Array, keys: Int32Array | null): number {
  const zs = K.zs;
  let nGroups = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const key = b === 0 ? 0 : zs.classIndexFor(b) + 1;
    if (keys) keys[i] = key;
    let g = classGroup[key]! - 1;
    if (g < 0) {
      g = nGroups++;
      classGroup[key] = g + 1;
      groupClass[g] = key;
      groupCount[g] = 0;
    }
    groupCount[g]!++;
  }
  return nGroups;
}

/**
 * The zsmalloc lock holds for freeing `slots`' objects. Pool lock (6.6): one
 * hold. Per-class locks: fine mode takes each object's class lock; chunk mode
 * holds a class's lock once for its objects when at least ZS_LOCK_MIN_GROUP
 * of them share it, and frees the scattered rest without a lock (~200 ns
 * holds spread over ~100 classes rarely collide). Classes in order of first
 * appearance (a counting sort into one array; the holds are views of it).
 * The arrays are lent: `lent` receives them, to give back once the holds are done.
 */
function zsHolds(K: Kernel, slots: Int32Array, bytes: Int32Array, fine: boolean, lent: Int32Array[]): ZsHold[] {
  if (K.preset.zsmallocLock === 'pool') return [{ lock: K.zs.lockFor(0), slots, bytes, cls: -1, classCounts: null }];
  if (fine) {
    const out: ZsHold[] = [];
    for (let i = 0; i < slots.length; i++)
      out.push({ lock: K.zs.lockFor(bytes[i] === 0 ? -1 : K.zs.classIndexFor(bytes[i]!)), slots: slots.subarray(i, i + 1), bytes: bytes.subarray(i, i + 1), cls: -1, classCounts: null });
    return out;
  }
  if (slotClassKeys.length < slots.length) slotClassKeys = new Int32Array(Math.max(slots.length, 2 * slotClassKeys.length));
  const classes = slotClassKeys;
  const nGroups = groupByClass(K, bytes, classes);
  const locked = (g: number) => groupClass[g]! > 0 && groupCount[g]! >= ZS_LOCK_MIN_GROUP;
  let off = 0;
  for (let g = 0; g < nGroups; g++)
    if (locked(g)) {
      groupOffset[g] = off;
      off += groupCount[g]!;
    }
  const restStart = off;
  for (let g = 0; g < nGroups; g++)
    if (!locked(g)) {
      groupOffset[g] = off;
      off += groupCount[g]!;
    }
  const sorted = lendArray(slots.length);
  const sortedBytes = lendArray(slots.length);
  const restCounts = lendArray(2 * nGroups);
  lent.push(sorted, sortedBytes, restCounts);
  for (let i = 0; i < slots.length; i++) {
    const at = groupOffset[classGroup[classes[i]!]! - 1]!++;
    sorted[at] = slots[i]!;
    sortedBytes[at] = bytes[i]!;
  }
  const out: ZsHold[] = [];
  let nRest = 0;
  for (let g = 0; g < nGroups; g++) {
    classGroup[groupClass[g]!] = 0;
    if (locked(g)) {
      const end = groupOffset[g]!;
      const from = end - groupCount[g]!;
      out.push({ lock: K.zs.lockFor(groupClass[g]! - 1), slots: sorted.subarray(from, end), bytes: sortedBytes.subarray(from, end), cls: groupClass[g]! - 1, classCounts: null });
    } else {
      restCounts[nRest++] = groupClass[g]!;
      restCounts[nRest++] = groupCount[g]!;
    }
  }
  if (restStart < slots.length)
    out.push({ lock: null, slots: sorted.subarray(restStart, slots.length), bytes: sortedBytes.subarray(restStart, slots.length), cls: -1, classCounts: restCounts.subarray(0, nRest) });
  return out;
}

/**
 * Parked runs as a worker frees them: one free_swap_and_cache_nr call per
 * run in fine mode; in chunk mode groups of up to a PMD's worth (512
 * entries) per step, the same aggregation the exit path uses.
 */
export function batchRuns(K: Kernel, runs: SwapRuns): SwapRuns[] {
  if (K.cfg.aggregation === 'fine') return runs.singles();
  const out: SwapRuns[] = [];
  let from = 0;
  let n = 0;
  for (let i = 0; i < runs.length; i++) {
    const nr = runs.nr[i]!;
    if (n + nr > 512 && i > from) {
      out.push(runs.view(from, i));
      from = i;
      n = 0;
    }
    n += nr;
  }
  if (runs.length > from) out.push(runs.view(from, runs.length));
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

/** Same-filled slots in (class + 1, slots) pairs. */
function sameFilledIn(classCounts: Int32Array): number {
  for (let i = 0; i < classCounts.length; i += 2) if (classCounts[i] === 0) return classCounts[i + 1]!;
  return 0;
}

/** zsLinesWork for class locks given the hold's (class + 1, slots) pairs (zsHolds counted them). */
function countedLinesWork(K: Kernel, task: Task, classCounts: Int32Array, objs: number, workNs: number, serialized: boolean): number {
  if (objs === 0) return 0;
  let w = lineWork(K, task, LINE.zsMigrateLock, serialized ? 1 : objs, workNs);
  for (let i = 0; i < classCounts.length; i += 2) {
    const key = classCounts[i]!;
    if (key > 0) w += lineWork(K, task, LINE.zsClassLock(key - 1), serialized ? 1 : classCounts[i + 1]!, workNs);
  }
  return w;
}

/** zsLinesWork for `objs` objects all of size class `cls` (class locks only): the migrate_lock reader count and the class's lock. */
function classLinesWork(K: Kernel, task: Task, cls: number, objs: number, workNs: number, serialized: boolean): number {
  if (objs === 0) return 0;
  const w = lineWork(K, task, LINE.zsMigrateLock, serialized ? 1 : objs, workNs);
  return w + lineWork(K, task, LINE.zsClassLock(cls), serialized ? 1 : objs, workNs);
}

/** zs_free's shared lines for `objs` objects of `group`: the pool lock (6.6) or the migrate_lock reader count and each class's lock. */
function zsLinesWork(K: Kernel, task: Task, bytes: Int32Array, objs: number, workNs: number, serialized: boolean): number {
  if (objs === 0) return 0;
  if (K.preset.zsmallocLock === 'pool') return lineWork(K, task, LINE.zsPoolLock, serialized ? 1 : objs, workNs);
  let w = lineWork(K, task, LINE.zsMigrateLock, serialized ? 1 : objs, workNs);
  // Objects per class, classes in order of first appearance (same-filled slots have none).
  const nGroups = groupByClass(K, bytes, null);
  for (let g = 0; g < nGroups; g++) {
    classGroup[groupClass[g]!] = 0;
    if (groupClass[g]! > 0) w += lineWork(K, task, LINE.zsClassLock(groupClass[g]! - 1), serialized ? 1 : groupCount[g]!, workNs);
  }
  return w;
}
