// mm/swapfile.c: swap_info_struct for the zram swap device. Slots grouped in
// clusters of SWAPFILE_CLUSTER (512) with free / nonfull / full state, the
// swap_map use counts, si->lock and one ci->lock per cluster; the per-CPU
// swap slots caches (mm/swap_slots.c, 6.6/6.12) and the swap_cgroup record
// of each entry (mm/swap_cgroup.c) hang off it too.

import { SimulationError } from '../../engine/engine.js';
import type { LockRegistry } from '../locking/registry.js';
import type { QueuedLock } from '../locking/queued-lock.js';
import { grown } from '../../engine/typed-arrays.js';

export const SWAPFILE_CLUSTER = 512;
/** log2(SWAPFILE_CLUSTER), for the per-run paths: an exported constant is not folded into a division, which stays an idiv. */
export const CLUSTER_SHIFT = 9;
const CLUSTER_MASK = (1 << CLUSTER_SHIFT) - 1;

/** CPUs whose percpu_cluster swap-out allocates from, in the model. */
const ALLOC_CURSORS = 8;

/** The cursor a run's scatter draw picks: one of the other CPUs' for a draw in [0, 1), this CPU's own for -1. */
function cursorFor(scatterDraw: number): number {
  return scatterDraw >= 0 ? 1 + Math.floor(scatterDraw * (ALLOC_CURSORS - 1)) : 0;
}

/** swap_map values the model uses. */
export const SWAP_MAP_FREE = 0;
export const SWAP_MAP_IN_USE = 1;
/** Count dropped to zero, entry waiting in a per-CPU slot cache (SWAP_HAS_CACHE-like). */
export const SWAP_MAP_SLOT_CACHED = 0x40;

/**
 * Entries leaving a slot cache together, with what was read of each when it
 * went in: the memcg its swap_cgroup record names and its zram object's
 * bytes. Neither can change while the entry sits in the cache (the slot is
 * not allocatable, its record is cleared only when it is freed), so the
 * batch's free reads them from here instead of looking them up again.
 */
export interface SlotBatch {
  slots: Int32Array;
  owners: Int32Array;
  bytes: Int32Array;
}

/** Batches given back by SlotCache.recycle (the model runs one simulation at a time per thread). */
const spareBatches: SlotBatch[] = [];
const MAX_SPARE_BATCHES = 64;

/** A CPU's swap_slots_cache free side (mm/swap_slots.c cache->slots_ret): offsets in order. */
export class SlotCache {
  private slots: Int32Array = new Int32Array(64);
  private owners: Int32Array = new Int32Array(64);
  private bytes: Int32Array = new Int32Array(64);
  length = 0;

  /** Pushes entries [from, to) of `entries` until the cache holds `limit`; returns the index after the last pushed. */
  pushFrom(entries: SlotBatch, from: number, to: number, limit: number): number {
    const end = Math.min(to, from + Math.max(1, limit - this.length));
    while (this.length + (end - from) > this.slots.length) this.grow();
    // An element loop: subarray() views would be three typed-array objects per call.
    const { slots, owners, bytes } = entries;
    for (let i = from, j = this.length; i < end; i++, j++) {
      this.slots[j] = slots[i]!;
      this.owners[j] = owners[i]!;
      this.bytes[j] = bytes[i]!;
    }
    this.length += end - from;
    return end;
  }

  /**
   * Empties the cache; returns its entries. A full cache hands over its
   * arrays and takes spare ones (see recycle); the batch is the caller's
   * until it gives it back.
   */
  takeAll(): SlotBatch {
    const n = this.length;
    this.length = 0;
    if (n !== this.slots.length) return { slots: this.slots.slice(0, n), owners: this.owners.slice(0, n), bytes: this.bytes.slice(0, n) };
    const batch: SlotBatch = { slots: this.slots, owners: this.owners, bytes: this.bytes };
    const spare = spareBatches.pop();
    const fresh = spare && spare.slots.length === n ? spare : { slots: new Int32Array(n), owners: new Int32Array(n), bytes: new Int32Array(n) };
    this.slots = fresh.slots;
    this.owners = fresh.owners;
    this.bytes = fresh.bytes;
    return batch;
  }

  /** A batch from takeAll() whose entries are all freed: its arrays serve the next full cache (typed arrays are slow to create). */
  static recycle(batch: SlotBatch): void {
    if (spareBatches.length < MAX_SPARE_BATCHES) spareBatches.push(batch);
  }

  private grow(): void {
    this.slots = grown(this.slots, 2 * this.slots.length);
    this.owners = grown(this.owners, 2 * this.owners.length);
    this.bytes = grown(this.bytes, 2 * this.bytes.length);
  }
}

/**
 * A put or free of a slot whose swap_map count says it is not in use. Its
 * message is built here, out of line: written inside putMap, V8's optimised
 * code turned the offset into a string on every call, taken or not.
 */
function doubleFree(offset: number, count: number, on: 'put' | 'free'): SimulationError {
  return new SimulationError('swap-double-free', `swap_map[${offset}] = ${count} on ${on}`);
}

/** struct swap_cgroup keeps the memcg id in an unsigned short. */
const MAX_SWAP_CGROUP_ID = 0xffff;

export class SwapInfo {
  readonly swapMap: Uint8Array;
  readonly clusterUsed: Int32Array;
  readonly nrClusters: number;
  readonly lock: QueuedLock; // si->lock
  private readonly clusterLocks: Array<QueuedLock | undefined>;
  private readonly freeClusters: number[] = [];
  /** Allocation cursor of the "per-CPU cluster" swap-out is filling. */
  /** Allocation cursors: the percpu_cluster of each CPU doing swap-out. */
  private readonly cursors = new Array<number>(ALLOC_CURSORS).fill(-1);
  inusePages = 0;
  entriesAllocated = 0;
  entriesFreed = 0;
  /** Per CPU: entries parked in the swap slots cache by free_swap_slot(), offsets. */
  readonly slotCaches: SlotCache[];
  /** swap_cgroup: the memcg id each slot's entry is charged to (see SwapCgroup). */
  private readonly swapCgroup: SwapCgroup;
  /** Entries zapped out of page tables whose swap_map reference is not yet dropped (conservation). */
  detachedEntries = 0;
  /** Entries inside a free_swap_and_cache_nr() call right now (conservation). */
  entriesInFreePath = 0;
  /** Slots reclaim took at add_to_swap() whose PTEs do not point to them yet (conservation). */
  entriesInSwapCache = 0;

  constructor(
    readonly nrSlots: number,
    private readonly locks: LockRegistry,
    nrCpus: number,
  ) {
    this.nrClusters = Math.ceil(nrSlots / SWAPFILE_CLUSTER);
    this.swapMap = new Uint8Array(this.nrClusters * SWAPFILE_CLUSTER);
    this.clusterUsed = new Int32Array(this.nrClusters);
    this.clusterLocks = new Array(this.nrClusters);
    // Slot 0 holds the swap header and is never handed out.
    this.swapMap[0] = 0xff;
    this.clusterUsed[0] = 1;
    for (let c = this.nrClusters - 1; c >= 0; c--) this.freeClusters.push(c);
    this.lock = locks.spinlock('si->lock');
    this.slotCaches = Array.from({ length: nrCpus }, () => new SlotCache());
    this.swapCgroup = new SwapCgroup(this.nrClusters);
  }

  /** Slots still free (get_nr_swap_pages()); slot 0 holds the header. */
  get freeSlots(): number {
    return this.swapMap.length - 1 - this.inusePages;
  }

  /** swap_cgroup_record(): the entries [start, start+nr) are charged to memcg `id`. */
  recordCgroup(start: number, nr: number, id: number): void {
    if (id > MAX_SWAP_CGROUP_ID) throw new SimulationError('swap-cgroup-id', `memcg id ${id} exceeds swap_cgroup's unsigned short`);
    this.swapCgroup.record(start, nr, id);
  }

  /** lookup_swap_cgroup_id(). */
  cgroupOf(offset: number): number {
    return this.swapCgroup.lookup(offset);
  }

  /** swap_cgroup_clear() at mem_cgroup_uncharge_swap(); returns the id it held. */
  clearCgroup(offset: number): number {
    return this.swapCgroup.clear(offset);
  }

  static clusterOf(offset: number): number {
    return offset >>> CLUSTER_SHIFT; // offsets are non-negative int32 (a shift: V8 compiles the division to an integer divide)
  }

  /** ci->lock of a cluster (created on first use; lock_stat sums them as one class). */
  clusterLock(cluster: number): QueuedLock {
    let l = this.clusterLocks[cluster];
    if (!l) {
      l = this.locks.spinlock('ci->lock');
      this.clusterLocks[cluster] = l;
    }
    return l;
  }

  /**
   * Allocates `nr` contiguous slots, as swap-out of one folio does
   * (cluster_alloc_swap_entry from a CPU's percpu_cluster). Swap-out runs
   * on several CPUs at different times: with `scatter`, the run goes to one
   * of the other CPUs' current clusters, which is how a process's slots end
   * up spread over clusters and interleaved with other processes'.
   * `scatterDraw` is a uniform draw in [0, 1) choosing that CPU, or -1.
   */
  allocRun(nr: number, scatterDraw: number): number {
    const which = cursorFor(scatterDraw);
    // Fast path: the cursor's next slot is free and a single slot is wanted.
    const at = this.cursors[which]!;
    if (nr === 1 && at >= 0 && (at & CLUSTER_MASK) !== 0 && this.swapMap[at] === SWAP_MAP_FREE) {
      this.cursors[which] = at + 1;
      return this.take(at, 1);
    }
    return this.allocFromCursor(which, nr);
  }

  /**
   * allocRun(runLen[r], scatter[r]) of each run in order, its first slot
   * written to runStart[r]: a process's swap-out.
   */
  allocRuns(nRuns: number, runLen: Uint16Array, scatter: Float64Array, runStart: Int32Array): void {
    for (let r = 0; r < nRuns; r++) runStart[r] = this.allocRun(runLen[r]!, scatter[r]!);
  }

  /** recordCgroup() of each run, in order: the entries of a process's swap-out are charged to memcg `id`. */
  recordCgroupRuns(nRuns: number, runStart: Int32Array, runLen: Uint16Array, id: number): void {
    for (let r = 0; r < nRuns; r++) this.recordCgroup(runStart[r]!, runLen[r]!, id);
  }

  /** allocRun past the fast path: the cursor's cluster, else a free cluster, else the nonfull list. */
  private allocFromCursor(which: number, nr: number): number {
    if (nr > SWAPFILE_CLUSTER) throw new SimulationError('swap-run', `run of ${nr} exceeds a cluster`);
    for (;;) {
      const cur = this.cursors[which]!;
      if (cur >= 0) {
        const start = this.findFreeRange(cur >>> CLUSTER_SHIFT, nr, cur & CLUSTER_MASK);
        if (start >= 0) {
          this.cursors[which] = start + nr;
          return this.take(start, nr);
        }
      }
      let c = this.freeClusters.pop();
      if (c === undefined) c = this.findNonfull(nr);
      else if (this.clusterUsed[c]! > (c === 0 ? 1 : 0)) continue; // taken over by another cursor meanwhile
      this.cursors[which] = c * SWAPFILE_CLUSTER;
    }
  }

  /** The nonfull list, when no free cluster is left. */
  private findNonfull(nr: number): number {
    for (let c = 0; c < this.nrClusters; c++) if (SWAPFILE_CLUSTER - this.clusterUsed[c]! >= nr && this.findFreeRange(c, nr, 0) >= 0) return c;
    throw new SimulationError('swap-full', `swap device full allocating ${nr} slots`);
  }

  private findFreeRange(cluster: number, nr: number, from: number): number {
    const base = cluster * SWAPFILE_CLUSTER;
    if (SWAPFILE_CLUSTER - this.clusterUsed[cluster]! < nr) return -1;
    // mTHP runs are naturally aligned, as the kernel allocates them.
    const align = nr > 1 ? nr : 1;
    for (let i = from - (from % align); i + nr <= SWAPFILE_CLUSTER; i += align) {
      let ok = true;
      for (let j = 0; j < nr; j++)
        if (this.swapMap[base + i + j] !== SWAP_MAP_FREE) {
          ok = false;
          i += j - (j % align);
          break;
        }
      if (ok) return base + i;
    }
    return -1;
  }

  private take(start: number, nr: number): number {
    for (let i = 0; i < nr; i++) this.swapMap[start + i] = SWAP_MAP_IN_USE;
    this.clusterUsed[start >>> CLUSTER_SHIFT]! += nr;
    this.inusePages += nr;
    this.entriesAllocated += nr;
    return start;
  }

  /** __swap_entry_free / swap_entries_put_map: the last reference is dropped. */
  putMap(offset: number, toSlotCache: boolean): void {
    if (this.swapMap[offset] !== SWAP_MAP_IN_USE) throw doubleFree(offset, this.swapMap[offset]!, 'put');
    this.detachedEntries--;
    if (toSlotCache) this.swapMap[offset] = SWAP_MAP_SLOT_CACHED;
    else this.releaseSlot(offset);
  }

  /** swap_entry_free / swap_range_free: the slot becomes allocatable again. */
  releaseSlot(offset: number): void {
    const v = this.swapMap[offset];
    if (v !== SWAP_MAP_IN_USE && v !== SWAP_MAP_SLOT_CACHED) throw doubleFree(offset, v!, 'free');
    this.swapMap[offset] = SWAP_MAP_FREE;
    const c = SwapInfo.clusterOf(offset);
    --this.clusterUsed[c]!;
    this.inusePages--;
    this.entriesFreed++;
  }
}

/**
 * struct swap_cgroup (mm/swap_cgroup.c) keeps an unsigned short per slot.
 * Swap-out fills a cluster from one CPU for one process at a time, so a
 * cluster's charged entries almost always belong to one memcg: the model
 * keeps one id per cluster plus a bit per slot (charged or not), and a
 * per-slot array only for a cluster whose charged entries belong to several
 * memcgs, dropped when its last entry is uncharged. Lookups return exactly
 * what the per-slot array would; memory follows the clusters in use.
 */
class SwapCgroup {
  /** Uniform clusters: the memcg id of every charged slot. */
  private readonly clusterId: Uint16Array;
  /** Charged slots per cluster. */
  private readonly charged: Uint16Array;
  /** Uniform clusters: one bit per slot, set when charged. */
  private readonly bits: Uint32Array;
  /** 1 for a mixed cluster (in `mixed`): a typed array, read per lookup. */
  private readonly isMixed: Uint8Array;
  /** Mixed clusters: the id of every slot (0 = not charged). */
  private readonly mixed = new Map<number, Uint16Array>();

  constructor(nrClusters: number) {
    this.clusterId = new Uint16Array(nrClusters);
    this.charged = new Uint16Array(nrClusters);
    this.bits = new Uint32Array((nrClusters * SWAPFILE_CLUSTER) / 32);
    this.isMixed = new Uint8Array(nrClusters);
  }

  lookup(offset: number): number {
    const c = offset >>> CLUSTER_SHIFT;
    if (this.isMixed[c] !== 0) return this.mixed.get(c)![offset - c * SWAPFILE_CLUSTER]!;
    return (this.bits[offset >>> 5]! >>> (offset & 31)) & 1 ? this.clusterId[c]! : 0;
  }

  /** Charges [start, start+nr) to `id`. */
  record(start: number, nr: number, id: number): void {
    const c = start >>> CLUSTER_SHIFT;
    const end = start + nr;
    if (id === 0 || end > (c + 1) << CLUSTER_SHIFT) {
      for (let i = start; i < end; i++) this.set(i, id);
      return;
    }
    if (this.isMixed[c] !== 0) this.recordMixed(c, start, end, id);
    else if (this.charged[c] !== 0 && this.clusterId[c] !== id) {
      this.toMixed(c);
      this.recordMixed(c, start, end, id);
    } else this.recordUniform(c, start, end, id);
  }

  /** The common case: a run inside one cluster whose charged entries are all `id`'s. */
  private recordUniform(c: number, start: number, end: number, id: number): void {
    this.clusterId[c] = id;
    let added = 0;
    for (let i = start; i < end; i++) {
      const bit = 1 << (i & 31);
      const w = this.bits[i >>> 5]!;
      if ((w & bit) === 0) {
        this.bits[i >>> 5] = w | bit;
        added++;
      }
    }
    this.charged[c]! += added;
  }

  /** A run inside one mixed cluster (`id` not 0): its per-slot ids, looked up once. */
  private recordMixed(c: number, start: number, end: number, id: number): void {
    const m = this.mixed.get(c)!;
    let added = 0;
    for (let j = start - (c << CLUSTER_SHIFT), e = end - (c << CLUSTER_SHIFT); j < e; j++) {
      if (m[j] === 0) added++;
      m[j] = id;
    }
    this.charged[c]! += added;
  }

  /** Uncharges the slot; returns the id it held. */
  clear(offset: number): number {
    const c = offset >>> CLUSTER_SHIFT;
    if (this.isMixed[c] === 0) {
      const w = this.bits[offset >>> 5]!;
      const bit = 1 << (offset & 31);
      if ((w & bit) === 0) return 0;
      this.bits[offset >>> 5] = w & ~bit;
      this.charged[c]!--;
      return this.clusterId[c]!;
    }
    const id = this.lookup(offset);
    if (id !== 0) this.set(offset, 0);
    return id;
  }

  set(offset: number, id: number): void {
    const c = offset >>> CLUSTER_SHIFT;
    if (this.isMixed[c] !== 0) {
      const m = this.mixed.get(c)!;
      const j = offset - c * SWAPFILE_CLUSTER;
      const was = m[j]!;
      m[j] = id;
      if (was === 0 && id !== 0) this.charged[c]!++;
      else if (was !== 0 && id === 0 && --this.charged[c]! === 0) {
        this.mixed.delete(c);
        this.isMixed[c] = 0;
      }
      return;
    }
    const w = offset >>> 5;
    const bit = 1 << (offset & 31);
    const isSet = (this.bits[w]! & bit) !== 0;
    if (id === 0) {
      if (isSet) {
        this.bits[w]! &= ~bit;
        this.charged[c]!--;
      }
    } else if (this.charged[c] === 0 || this.clusterId[c] === id) {
      this.clusterId[c] = id;
      if (!isSet) {
        this.bits[w]! |= bit;
        this.charged[c]!++;
      }
    } else {
      this.toMixed(c);
      this.set(offset, id);
    }
  }

  /** A second memcg charges an entry of the cluster: its ids go per slot. */
  private toMixed(c: number): void {
    const m = new Uint16Array(SWAPFILE_CLUSTER);
    const id = this.clusterId[c]!;
    const base = c * SWAPFILE_CLUSTER;
    for (let j = 0; j < SWAPFILE_CLUSTER; j++) {
      const o = base + j;
      const bit = 1 << (o & 31);
      if (this.bits[o >>> 5]! & bit) {
        m[j] = id;
        this.bits[o >>> 5]! &= ~bit;
      }
    }
    this.mixed.set(c, m);
    this.isMixed[c] = 1;
  }
}
