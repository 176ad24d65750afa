// drivers/block/zram/zram_drv.c: one slot per swap entry holding a zsmalloc
// object (or a same-filled marker). zram_slot_free_notify() only trylocks
// the slot: if someone (a reader) holds it, it counts miss_free and leaves
// the object allocated until the slot is written again.

import { SimulationError } from '../../engine/engine.js';
import type { Zsmalloc } from './zsmalloc.js';

// A slot's object as a word: 0 = no object (so untouched slots stay zero
// pages, never made resident: memory follows the slots in use, not the
// device size), SAME_FILLED, or ((zspage + 1) << 4) | (class size - bytes):
// an object's size class is its zspage's, and its size is within
// ZS_SIZE_CLASS_DELTA (16) bytes below the class size. Stored compactly by
// SlotWords (below).
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
  private readonly slotZspage: SlotWords;
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
    this.slotZspage = new SlotWords(nrSlots);
  }

  /**
   * zram_write_page(): store a compressed page (bytes 0 = same-filled).
   * False when zs_malloc fails (no page for a new zspage): the write fails
   * with -ENOMEM and the slot keeps no object.
   */
  store(slot: number, bytes: number, takePages: boolean): boolean {
    // Rare paths (a leaked object, a failed write) are calls: this runs once per page stored, and its compiled code stays small.
    if (this.slotZspage.occupied(slot)) this.dropLeaked(slot);
    const w = this.objectWord(bytes, takePages);
    if (w === NO_OBJECT) return this.writeFailed();
    if (w === SAME_FILLED) this.stats.same_pages++;
    else this.comprDataBytes += bytes;
    this.slotZspage.put(slot, w);
    this.stats.pages_stored++;
    return true;
  }

  /**
   * store(slot, bytes[k], false) of every slot of the runs, in order, k
   * counting pages from 0: the initial state's zram_write_page() calls
   * (its pages are already outside the free count, so none fails). The same
   * objects, words and counters as those calls one by one, with the
   * counters kept in locals.
   */
  storeRuns(runStart: Int32Array, runLen: Uint16Array, nRuns: number, bytes: Uint16Array): void {
    const words = this.slotZspage;
    let k = 0;
    let same = 0;
    let dataBytes = 0;
    for (let r = 0; r < nRuns; r++) {
      for (let slot = runStart[r]!, end = slot + runLen[r]!; slot < end; slot++) {
        if (words.occupied(slot)) this.dropLeaked(slot);
        const b = bytes[k++]!;
        if (b === 0) same++;
        else dataBytes += b;
        words.put(slot, this.objectWord(b, false));
      }
    }
    this.stats.same_pages += same;
    this.stats.pages_stored += k;
    this.comprDataBytes += dataBytes;
  }

  /**
   * zram_write_page()'s object for a page of `bytes` (0 = same-filled): its
   * slot word, from zs_malloc() of the page's size class; NO_OBJECT when
   * zs_malloc finds no page for a new zspage.
   */
  private objectWord(bytes: number, takePages: boolean): number {
    if (bytes === 0) return SAME_FILLED;
    // Class index and typed arrays, not the SizeClass object.
    const zs = this.zs;
    const cls = zs.classIndexFor(bytes);
    const zspage = zs.mallocClass(cls, takePages);
    return zspage < 0 ? NO_OBJECT : this.encode(zspage, zs.sizeOfClass(cls) - bytes);
  }

  /** Overwriting a slot frees the object a miss_free leaked there. */
  private dropLeaked(slot: number): void {
    const bytes = this.objectBytes(slot);
    this.leakedBytes -= bytes;
    this.dropObject(slot, bytes);
  }

  /** zs_malloc found no page for a new zspage: the write fails with -ENOMEM and the slot keeps no object. */
  private writeFailed(): false {
    this.stats.failed_writes++;
    return false;
  }

  objectBytes(slot: number): number {
    const w = this.slotZspage.get(slot);
    return w > 0 ? this.bytesOf(w) : 0;
  }

  /** The slot word of an object in `zspage` whose size is `below` bytes under its class size. */
  private encode(zspage: number, below: number): number {
    if (below > BYTES_MASK || below < 0 || zspage >= MAX_ZSPAGES) slotEncodingError(zspage, below);
    return ((zspage + 1) << BYTES_BITS) | below;
  }

  private bytesOf(w: number): number {
    return this.zs.classSizeOfZspage((w >>> BYTES_BITS) - 1) - (w & BYTES_MASK);
  }

  isSameFilled(slot: number): boolean {
    return this.slotZspage.get(slot) === SAME_FILLED;
  }

  /** Size class index of the slot's object, or -1 (for grouping zs_free by class lock). */
  classIndex(slot: number): number {
    const z = this.slotZspage.get(slot);
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
    const freed = this.dropObject(slot, this.objectBytes(slot));
    return freed < 0 ? 'same' : freed;
  }

  /**
   * slotFreeNotify() for each of `slots`, in order, given each slot's object
   * bytes as objectBytes() read them (the free path reads them once):
   * returns how many zs_free calls released a zspage.
   */
  slotsFreeNotify(slots: Int32Array, objectBytes: Int32Array): number {
    let zspages = 0;
    let misses = 0;
    let same = 0;
    let objects = 0;
    let freedBytes = 0;
    // A reader holds a slot lock only while it reads the slot in: mostly none is held.
    const locked = this.lockedSlots.size > 0 ? this.lockedSlots : null;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (locked !== null && locked.has(slot)) {
        this.slotFreeNotify(slot); // miss_free: the object leaks
        misses++;
        continue;
      }
      const freed = this.freeSlot(slot);
      if (freed < 0) {
        same++;
        continue;
      }
      objects++;
      freedBytes += objectBytes[i]!;
      if (freed > 0) zspages++;
    }
    // The counters slotFreeNotify() keeps, once for the batch (misses counted theirs).
    this.stats.notify_free += slots.length - misses;
    this.stats.same_pages -= same;
    this.stats.pages_stored -= same + objects;
    this.comprDataBytes -= freedBytes;
    return zspages;
  }

  /**
   * zram_slot_free_notify() whose zs_free is deferred (the deferred-zs-free
   * policy): the slot forgets its object at once and the zsmalloc handle
   * (its zspage) is returned for the caller to zs_free later; 'miss' and
   * 'same' as slotFreeNotify().
   */
  slotFreeNotifyDeferZsFree(slot: number): number | 'miss' | 'same' {
    const z = this.slotZspage.get(slot);
    if (this.lockedSlots.has(slot) || z === SAME_FILLED || z === NO_OBJECT) return this.slotFreeNotify(slot);
    this.stats.notify_free++;
    this.slotZspage.clear(slot, z);
    this.comprDataBytes -= this.bytesOf(z);
    this.stats.pages_stored--;
    return (z >>> BYTES_BITS) - 1; // the zspage
  }

  /**
   * freeSlot() with slotFreeNotify()'s counters, given the slot's object
   * bytes as objectBytes() read them: -1 for a same-filled slot, else the
   * pages zs_free released.
   */
  private dropObject(slot: number, bytes: number): number {
    const freed = this.freeSlot(slot);
    if (freed < 0) this.stats.same_pages--;
    else this.comprDataBytes -= bytes;
    this.stats.pages_stored--;
    return freed;
  }

  /**
   * zram_slot_free_notify()'s kernel steps for one slot, counters left to
   * the caller: the slot forgets its word and zs_free() frees its object.
   * Returns -1 for a same-filled slot (no object), else the pages zs_free
   * released (0 unless a zspage emptied).
   */
  private freeSlot(slot: number): number {
    const z = this.slotZspage.take(slot);
    if (z === NO_OBJECT) doubleFree(slot);
    if (z === SAME_FILLED) return -1;
    return this.zs.free((z >>> BYTES_BITS) - 1);
  }
}

/** A slot freed with no object; out of line, so that freeSlot stays small enough to inline per slot. */
function doubleFree(slot: number): never {
  throw new SimulationError('zram-double-free', `zram slot ${slot} freed with no object`);
}

/** encode()'s invariant broken; out of line, so that encode stays small enough to inline per page. */
function slotEncodingError(zspage: number, below: number): never {
  throw new SimulationError('zram-slot-encoding', `object ${below} bytes below its class size in zspage ${zspage} does not fit a slot word`);
}

/** Slots per group sharing a zspage base (a swap cluster's worth). */
const GROUP_SHIFT = 9;
const GROUP_SLOTS = 1 << GROUP_SHIFT;
/** A group's base lies this many zspages below its first object's: objects of a class whose open zspage is older come later (half the window either side). */
const BASE_MARGIN = 2048;
/** Compact words: 0 none, 1 same-filled, else ((zspage - base + 1) << 4) | below, zspage - base + 1 < 4096. */
const COMPACT_SAME = 1;
const WIDE = -1;
const COMPACT_MAX_DELTA = (1 << (16 - BYTES_BITS)) - 1;

/**
 * The slots' words, two bytes a slot: the objects of a group of neighbouring
 * slots were stored at about the same time, so their zspages lie close
 * together and each slot keeps its zspage relative to a per-group base. A
 * group with an object outside that window keeps full words, until it holds
 * no object again. get() returns exactly the word stored.
 */
class SlotWords {
  private readonly compact: Uint16Array;
  /** Per group: its zspage base, or WIDE for a group kept in full words (in `wide`); one array read per lookup. */
  private readonly base: Int32Array;
  /** zsmalloc objects per group. */
  private readonly objects: Uint16Array;
  private readonly wide = new Map<number, Int32Array>();

  constructor(nrSlots: number) {
    const groups = Math.ceil(nrSlots / GROUP_SLOTS);
    this.compact = new Uint16Array(groups * GROUP_SLOTS);
    this.base = new Int32Array(groups);
    this.objects = new Uint16Array(groups);
  }

  get(slot: number): number {
    const base = this.base[slot >>> GROUP_SHIFT]!;
    if (base === WIDE) return this.wide.get(slot >>> GROUP_SHIFT)![slot & (GROUP_SLOTS - 1)]!;
    const c = this.compact[slot]!;
    if (c <= COMPACT_SAME) return c === COMPACT_SAME ? SAME_FILLED : NO_OBJECT;
    return (((c >>> BYTES_BITS) + base) << BYTES_BITS) | (c & BYTES_MASK);
  }

  occupied(slot: number): boolean {
    const base = this.base[slot >>> GROUP_SHIFT]!;
    return base === WIDE ? this.get(slot) !== NO_OBJECT : this.compact[slot] !== 0;
  }

  /** The slot (holding nothing) gets word `w` (an object or SAME_FILLED). */
  put(slot: number, w: number): void {
    const g = slot >>> GROUP_SHIFT;
    const objects = w > 0 ? ++this.objects[g]! : this.objects[g]!;
    let base = this.base[g]!;
    if (base !== WIDE && w > 0) {
      const zspage1 = w >>> BYTES_BITS; // zspage + 1
      // The group's first object sets its base.
      if (objects === 1) this.base[g] = base = Math.max(0, zspage1 - BASE_MARGIN);
      const d = zspage1 - base;
      if (d >= 1 && d <= COMPACT_MAX_DELTA) this.compact[slot] = (d << BYTES_BITS) | (w & BYTES_MASK);
      else this.toWide(g)[slot & (GROUP_SLOTS - 1)] = w;
    } else if (base === WIDE) this.wide.get(g)![slot & (GROUP_SLOTS - 1)] = w;
    else this.compact[slot] = COMPACT_SAME;
  }

  /** get() then clear(): the slot's word; the slot holds nothing any more. */
  take(slot: number): number {
    const g = slot >>> GROUP_SHIFT;
    const base = this.base[g]!;
    const c = this.compact[slot]!;
    if (base === WIDE || c === 0) {
      const w = this.get(slot);
      if (w !== NO_OBJECT) this.clear(slot, w);
      return w;
    }
    this.compact[slot] = 0;
    if (c === COMPACT_SAME) return SAME_FILLED;
    this.objects[g]!--;
    return (((c >>> BYTES_BITS) + base) << BYTES_BITS) | (c & BYTES_MASK);
  }

  /** The slot, whose word was `old`, holds nothing any more. */
  clear(slot: number, old: number): void {
    const g = slot >>> GROUP_SHIFT;
    const objects = old > 0 ? --this.objects[g]! : this.objects[g]!;
    if (this.base[g] !== WIDE) {
      this.compact[slot] = 0;
      return;
    }
    const wd = this.wide.get(g)!;
    wd[slot & (GROUP_SLOTS - 1)] = NO_OBJECT;
    if (objects === 0) this.toCompact(g, wd);
  }

  /** A group with no zsmalloc object left (same-filled pages at most) goes back to two bytes a slot. */
  private toCompact(g: number, wd: Int32Array): void {
    for (let j = 0, s = g * GROUP_SLOTS; j < GROUP_SLOTS; j++, s++) this.compact[s] = wd[j] === SAME_FILLED ? COMPACT_SAME : 0;
    this.wide.delete(g);
    this.base[g] = 0;
  }

  private toWide(g: number): Int32Array {
    const wd = new Int32Array(GROUP_SLOTS);
    for (let j = 0, s = g * GROUP_SLOTS; j < GROUP_SLOTS; j++, s++) {
      wd[j] = this.get(s);
      this.compact[s] = 0;
    }
    this.wide.set(g, wd);
    this.base[g] = WIDE;
    return wd;
  }
}
