// mm_struct as the exit path needs it: page tables as PMD chunks of up to
// 512 PTEs (what one zap_pte_range() call covers), each with its present
// anonymous pages, file pages and swap entries (slot offsets in PTE order),
// the RSS counters and the flags exit and the reapers look at.

import type { IdleLockOwner, QueuedLock } from '../locking/queued-lock.js';
import type { LockRegistry } from '../locking/registry.js';

export const PTRS_PER_PTE = 512;
export const EMPTY_SLOTS = new Int32Array(0);

/**
 * A process's swap runs in PTE order, as swap-out left them: run i covers
 * slots [start[i], start[i] + nr[i]). Chunks point into it and list their
 * slots only when asked (zap, reclaim), so memory follows runs, not entries.
 */
export interface PteOrderRuns {
  start: Int32Array;
  nr: Uint16Array;
}

export class PmdChunk implements IdleLockOwner {
  private swapSlots: Int32Array = EMPTY_SLOTS;
  /** Until first asked: the chunk's swap PTEs as runs [runFrom, runTo) of `runs`. */
  private runs: PteOrderRuns | null = null;
  private runFrom = 0;
  private runTo = 0;
  /** Swap PTEs of the chunk (swap.length without listing them). */
  nrSwap = 0;
  zapped = false;
  private ptlLock: QueuedLock | null = null;
  /** The PTE lock's id in the lock registry once it exists (its statistics outlive a dropped lock object). */
  private ptlId = -1;

  constructor(
    public present: number,
    public file: number,
    private readonly locks: LockRegistry,
  ) {}

  /** Swap slot offsets of the swap PTEs, in PTE order. */
  get swap(): Int32Array {
    const r = this.runs;
    if (r) {
      const out = new Int32Array(this.nrSwap);
      let k = 0;
      for (let i = this.runFrom; i < this.runTo; i++) for (let s = r.start[i]!, e = s + r.nr[i]!; s < e; s++) out[k++] = s;
      this.swapSlots = out;
      this.runs = null;
    }
    return this.swapSlots;
  }

  /** The swap PTEs as runs [from, to) of `runs` while not yet listed, else null. */
  unlistedSwapRuns(): { runs: PteOrderRuns; from: number; to: number } | null {
    return this.runs ? { runs: this.runs, from: this.runFrom, to: this.runTo } : null;
  }

  set swap(slots: Int32Array) {
    this.runs = null;
    this.swapSlots = slots;
    this.nrSwap = slots.length;
  }

  /** The swap PTEs are runs [from, to) of `runs`, `n` entries in all. */
  setSwapRuns(runs: PteOrderRuns, from: number, to: number, n: number): void {
    this.runs = to > from ? runs : null;
    this.runFrom = from;
    this.runTo = to;
    this.swapSlots = EMPTY_SLOTS;
    this.nrSwap = n;
  }

  get ptes(): number {
    return this.present + this.file + this.nrSwap;
  }

  /** The split PTE lock of this page-table page (pte_offset_map_lock). */
  get ptl(): QueuedLock {
    let l = this.ptlLock;
    if (!l) {
      l = this.ptlId < 0 ? this.locks.spinlock('ptl') : this.locks.revive(this.ptlId);
      this.ptlId = l.id;
      l.owner = this;
      this.ptlLock = l;
    }
    return l;
  }

  /**
   * The PTE lock went idle. Once the chunk is zapped nothing but a reaper
   * finding it zapped takes it again: the object goes (hundreds of thousands
   * on a server), and a later `ptl` revives the same lock.
   */
  lockIdle(lock: QueuedLock): void {
    if (this.zapped && lock === this.ptlLock) this.ptlLock = null;
  }
}

/** mm->flags bits the model uses. */
export interface MmFlags {
  MMF_OOM_SKIP: boolean;
}

export class MmStruct {
  readonly chunks: PmdChunk[] = [];
  readonly flags: MmFlags = { MMF_OOM_SKIP: false };
  /** RSS counters (get_mm_counter). Updated once per zap_pte_range, as add_mm_rss_vec does. */
  MM_ANONPAGES = 0;
  MM_SWAPENTS = 0;
  MM_FILEPAGES = 0;
  /** VMAs to remove at the end of exit_mmap. */
  nrVmas = 0;
  /** exit_mmap has started (mm->mm_users dropped to zero: mmget_not_zero fails). */
  exiting = false;
  readonly mmapLock: QueuedLock;

  constructor(
    readonly id: number,
    readonly owner: string,
    locks: LockRegistry,
  ) {
    this.mmapLock = locks.rwsem('mmap_lock');
  }

  addChunk(c: PmdChunk): void {
    this.chunks.push(c);
    this.MM_ANONPAGES += c.present;
    this.MM_FILEPAGES += c.file;
    this.MM_SWAPENTS += c.nrSwap;
  }
}
