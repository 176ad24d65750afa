// drivers/block/zram/zram_drv.c: one slot per swap entry holding a zsmalloc
// object (or a same-filled marker). zram_slot_free_notify() only trylocks
// the slot: if someone (a reader) holds it, it counts miss_free and leaves
// the object allocated until the slot is written again.

import { SimulationError } from '../../engine/engine.js';
import type { Zsmalloc } from './zsmalloc.js';

// Slot encoding, one word per slot: 0 = no object (so untouched slots stay
// zero pages, never made resident: memory follows the slots in use, not the
// device size), SAME_FILLED, or ((zspage + 1) << 4) | (class size - bytes):
// an object's size class is its zspage's, and its size is within
// ZS_SIZE_CLASS_DELTA (16) bytes below the class size.
const NO_OBJECT = 0;

const SAME_FILLED = -1;
const BYTES_BITS = 4;
const BYTES_MASK = (1 << BYTES_BITS) - 1;
/** zspage + 1 must fit the word's upper 27 bits. */
const MAX_ZSPAGES = (1 << (31 - BYTES_BITS)) - 1;

export interface ZramStats {
  notify_free: number;
  miss_free: number;
  same_pages: number;
  pages_stored: number;
  /** zram_write_page() failures (zs_malloc without a page). */
  failed_writes: number;
}

export class Zram {
  /** Per slot: its object's zspage and size (see the encoding above), SAME_FILLED, or NO_OBJECT (0). */
  private readonly slotZspage: Int32Array;
  /** Slots whose lock a reader holds right now (zram_slot_lock); sparse. */
  private readonly lockedSlots = new Set<number>();
  readonly stats: ZramStats = { notify_free: 0, miss_free: 0, same_pages: 0, pages_stored: 0, failed_writes: 0 };
  /** Bytes of objects leaked by miss_free (stay allocated). */
  leakedBytes = 0;
  comprDataBytes = 0;

  constructor(
    readonly nrSlots: number,
    readonly zs: Zsmalloc,
  ) {
    this.slotZspage = new Int32Array(nrSlots);
  }

  /**
   * zram_write_page(): store a compressed page (bytes 0 = same-filled).
   * False when zs_malloc fails (no page for a new zspage): the write fails
   * with -ENOMEM and the slot keeps no object.
   */
  store(slot: number, bytes: number, takePages: boolean): boolean {
    if (this.slotZspage[slot] !== NO_OBJECT) {
      // Overwriting a slot frees the object a miss_free leaked there.
      this.leakedBytes -= this.objectBytes(slot);
      this.dropObject(slot);
    }
    if (bytes === 0) {
      this.slotZspage[slot] = SAME_FILLED;
      this.stats.same_pages++;
    } else {
      const cls = this.zs.classFor(bytes);
      const zspage = this.zs.mallocIn(cls, takePages);
      if (zspage < 0) {
        this.stats.failed_writes++;
        return false;
      }
      this.slotZspage[slot] = this.encode(zspage, cls.size - bytes);
      this.comprDataBytes += bytes;
    }
    this.stats.pages_stored++;
    return true;
  }

  objectBytes(slot: number): number {
    const w = this.slotZspage[slot]!;
    return w > 0 ? this.bytesOf(w) : 0;
  }

  /** The slot word of an object in `zspage` whose size is `below` bytes under its class size. */
  private encode(zspage: number, below: number): number {
    if (below > BYTES_MASK || below < 0 || zspage >= MAX_ZSPAGES)
      throw new SimulationError('zram-slot-encoding', `object ${below} bytes below its class size in zspage ${zspage} does not fit a slot word`);
    return ((zspage + 1) << BYTES_BITS) | below;
  }

  private bytesOf(w: number): number {
    return this.zs.classSizeOfZspage((w >>> BYTES_BITS) - 1) - (w & BYTES_MASK);
  }

  isSameFilled(slot: number): boolean {
    return this.slotZspage[slot] === SAME_FILLED;
  }

  /** How many of `slots` hold a same-filled page (no zsmalloc object). */
  countSameFilled(slots: ArrayLike<number>): number {
    let n = 0;
    for (let i = 0; i < slots.length; i++) if (this.slotZspage[slots[i]!] === SAME_FILLED) n++;
    return n;
  }

  /** Size class index of the slot's object, or -1 (for grouping zs_free by class lock). */
  classIndex(slot: number): number {
    const z = this.slotZspage[slot]!;
    return z > 0 ? this.zs.classIndexOfZspage((z >>> BYTES_BITS) - 1) : -1;
  }

  slotLock(slot: number): boolean {
    if (this.lockedSlots.has(slot)) return false;
    this.lockedSlots.add(slot);
    return true;
  }

  slotUnlock(slot: number): void {
    this.lockedSlots.delete(slot);
  }

  /**
   * zram_slot_free_notify(): returns 'miss' when the trylock fails (the
   * object leaks), 'same' for a same-filled slot, else the pages released
   * by zs_free (0 unless a zspage emptied).
   */
  slotFreeNotify(slot: number): number | 'miss' | 'same' {
    this.stats.notify_free++;
    if (this.lockedSlots.size > 0 && this.lockedSlots.has(slot)) {
      this.stats.miss_free++;
      this.leakedBytes += this.objectBytes(slot);
      return 'miss';
    }
    const z = this.slotZspage[slot]!;
    if (z === NO_OBJECT) throw new SimulationError('zram-double-free', `zram slot ${slot} freed with no object`);
    if (z === SAME_FILLED) {
      this.slotZspage[slot] = NO_OBJECT;
      this.stats.same_pages--;
      this.stats.pages_stored--;
      return 'same';
    }
    return this.dropObject(slot);
  }

  /**
   * zram_slot_free_notify() whose zs_free is deferred (the deferred-zs-free
   * policy): the slot forgets its object at once and the zsmalloc handle
   * (its zspage) is returned for the caller to zs_free later; 'miss' and
   * 'same' as slotFreeNotify().
   */
  slotFreeNotifyDeferZsFree(slot: number): number | 'miss' | 'same' {
    const z = this.slotZspage[slot]!;
    if (this.lockedSlots.has(slot) || z === SAME_FILLED || z === NO_OBJECT) return this.slotFreeNotify(slot);
    this.stats.notify_free++;
    this.slotZspage[slot] = NO_OBJECT;
    this.comprDataBytes -= this.bytesOf(z);
    this.stats.pages_stored--;
    return (z >>> BYTES_BITS) - 1; // the zspage
  }

  private dropObject(slot: number): number {
    const z = this.slotZspage[slot]!;
    this.slotZspage[slot] = NO_OBJECT;
    if (z === SAME_FILLED) {
      this.stats.same_pages--;
      this.stats.pages_stored--;
      return 0;
    }
    this.comprDataBytes -= this.bytesOf(z);
    this.stats.pages_stored--;
    return this.zs.free((z >>> BYTES_BITS) - 1);
  }
}
