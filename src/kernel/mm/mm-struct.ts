// mm_struct as the exit path needs it: page tables as PMD chunks of up to
// 512 PTEs (what one zap_pte_range() call covers), each with its present
// anonymous pages, file pages and swap entries (slot offsets in PTE order),
// the RSS counters and the flags exit and the reapers look at.

import type { QueuedLock } from '../locking/queued-lock.js';
import type { LockRegistry } from '../locking/registry.js';

export const PTRS_PER_PTE = 512;
export const EMPTY_SLOTS = new Int32Array(0);

export class PmdChunk {
  /** Swap slot offsets of the swap PTEs, in PTE order. */
  swap: Int32Array = EMPTY_SLOTS;
  zapped = false;
  private ptlLock: QueuedLock | null = null;

  constructor(
    public present: number,
    public file: number,
    private readonly locks: LockRegistry,
  ) {}

  get ptes(): number {
    return this.present + this.file + this.swap.length;
  }

  /** The split PTE lock of this page-table page (pte_offset_map_lock). */
  get ptl(): QueuedLock {
    if (!this.ptlLock) this.ptlLock = this.locks.spinlock('ptl');
    return this.ptlLock;
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
    this.MM_SWAPENTS += c.swap.length;
  }
}
