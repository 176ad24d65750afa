// mm/zsmalloc.c: size classes of objects packed into zspages of 1-4 pages.
// An object's zspage is fixed at allocation; a zspage whose last object is
// freed goes back to the buddy allocator (free_zspage), which is when free
// memory rises. Compaction is not modeled.

import { SimulationError } from '../../engine/engine.js';
import type { LockRegistry } from '../locking/registry.js';
import type { QueuedLock } from '../locking/queued-lock.js';
import { PAGE_SIZE, type Zone } from '../mm/zone.js';
import { grown } from '../../engine/typed-arrays.js';

const ZS_MIN_ALLOC_SIZE = 32;
const ZS_SIZE_CLASS_DELTA = 16; // PAGE_SIZE >> CLASS_BITS(8)
const ZS_MAX_PAGES_PER_ZSPAGE = 4;

export interface SizeClass {
  index: number;
  size: number;
  objsPerZspage: number;
  pagesPerZspage: number;
}

/** get_pages_per_zspage(): the zspage size (1-4 pages) that wastes least. */
function pagesPerZspage(size: number): number {
  let best = 1;
  let bestUsedPct = 0;
  for (let p = 1; p <= ZS_MAX_PAGES_PER_ZSPAGE; p++) {
    const bytes = p * PAGE_SIZE;
    const usedPct = ((bytes - (bytes % size)) * 100) / bytes;
    if (usedPct > bestUsedPct) {
      bestUsedPct = usedPct;
      best = p;
    }
  }
  return best;
}

export class Zsmalloc {
  readonly classes: SizeClass[] = [];
  /** Per zspage: class index (< 256 classes) and objects in use (at most 128, -1 once freed). */
  private zspageClass = new Uint8Array(1024);
  private zspageInuse = new Int16Array(1024);
  private zspageCount = 0;
  /** Per class: the zspage being filled (-1 for none) and how many free slots it has left (0 when none). */
  private readonly filling: Int32Array;
  private readonly fillingLeft: Int32Array;
  private readonly classOfSize: Uint8Array;
  /** Per class, by index, for the per-object paths: object size, objects and pages per zspage. */
  private readonly classSize: Uint16Array;
  private readonly classObjs: Uint16Array;
  private readonly classPages: Uint8Array;
  poolPages = 0;
  zspagesFreed = 0;
  objectsInUse = 0;

  /** pool->lock (presets with one pool-wide lock), or null. */
  private readonly poolLock: QueuedLock | null;
  /** Per size class `class->lock`, created on first use. */
  private readonly classLocks: Array<QueuedLock | undefined> = [];

  constructor(
    private readonly zone: Zone,
    private readonly locks: LockRegistry,
    lockMode: 'pool' | 'class',
  ) {
    this.poolLock = lockMode === 'pool' ? locks.spinlock('zs_pool->lock') : null;
    for (let size = ZS_MIN_ALLOC_SIZE, i = 0; size <= PAGE_SIZE; size += ZS_SIZE_CLASS_DELTA, i++) {
      const p = pagesPerZspage(size);
      this.classes.push({ index: i, size, pagesPerZspage: p, objsPerZspage: Math.floor((p * PAGE_SIZE) / size) });
    }
    // Size -> class index lookup (get_size_class_index), built once.
    this.classOfSize = new Uint8Array(PAGE_SIZE + 1);
    for (let b = 0; b <= PAGE_SIZE; b++) {
      const idx = Math.max(0, Math.ceil((Math.max(b, ZS_MIN_ALLOC_SIZE) - ZS_MIN_ALLOC_SIZE) / ZS_SIZE_CLASS_DELTA));
      this.classOfSize[b] = Math.min(idx, this.classes.length - 1);
    }
    this.classSize = Uint16Array.from(this.classes, (c) => c.size);
    this.classObjs = Uint16Array.from(this.classes, (c) => c.objsPerZspage);
    this.classPages = Uint8Array.from(this.classes, (c) => c.pagesPerZspage);
    this.filling = new Int32Array(this.classes.length).fill(-1);
    this.fillingLeft = new Int32Array(this.classes.length);
  }

  /** The lock zs_malloc / zs_free take for an object of size class `classIndex`. */
  lockFor(classIndex: number): QueuedLock {
    if (this.poolLock) return this.poolLock;
    const idx = Math.max(0, classIndex);
    let l = this.classLocks[idx];
    if (!l) {
      l = this.locks.spinlock('zs_class->lock');
      this.classLocks[idx] = l;
    }
    return l;
  }

  classFor(bytes: number): SizeClass {
    return this.classes[this.classIndexFor(bytes)]!;
  }

  /** get_size_class_index(): the class of an object of `bytes`. */
  classIndexFor(bytes: number): number {
    return this.classOfSize[bytes > PAGE_SIZE ? PAGE_SIZE : bytes]!;
  }

  /** Object size of class `classIndex` (class->size). */
  sizeOfClass(classIndex: number): number {
    return this.classSize[classIndex]!;
  }

  /**
   * zs_malloc(): places an object, opening a new zspage when the class's
   * current one is full. `takePages` false builds the initial state, whose
   * pages are already outside the free count.
   */
  malloc(bytes: number, takePages = true): number {
    return this.mallocClass(this.classIndexFor(bytes), takePages);
  }

  /**
   * zs_malloc() of an object of class `classIndex`: a slot of the class's
   * open zspage, typed arrays only (once per page stored). Returns -1 when
   * a new zspage is needed and the buddy allocator has no pages.
   */
  mallocClass(classIndex: number, takePages: boolean): number {
    if (this.fillingLeft[classIndex] === 0 && !this.openZspage(classIndex, takePages)) return -1;
    this.fillingLeft[classIndex]!--;
    const zs = this.filling[classIndex]!;
    this.zspageInuse[zs]!++;
    this.objectsInUse++;
    return zs;
  }

  /** The class's open zspage is full (or there is none): alloc_zspage(); false when it fails (-ENOMEM, no free page). */
  private openZspage(classIndex: number, takePages: boolean): boolean {
    const pages = this.classPages[classIndex]!;
    if (takePages && this.zone.freePages < pages) return false;
    this.filling[classIndex] = this.newZspage(classIndex);
    this.fillingLeft[classIndex] = this.classObjs[classIndex]!;
    this.poolPages += pages;
    if (takePages) this.zone.allocate(pages);
    return true;
  }

  classSizeOfZspage(zspage: number): number {
    return this.classSize[this.zspageClass[zspage]!]!;
  }

  classIndexOfZspage(zspage: number): number {
    return this.zspageClass[zspage]!;
  }

  classOfZspage(zspage: number): SizeClass {
    return this.classes[this.zspageClass[zspage]!]!;
  }

  /** zs_free(): returns the pages released to the buddy allocator (0 unless the zspage emptied). */
  free(zspage: number): number {
    if (zspage < 0 || zspage >= this.zspageCount || this.zspageInuse[zspage]! <= 0) {
      throw new SimulationError('zs-double-free', `zs_free on zspage ${zspage} with no objects in use`);
    }
    this.objectsInUse--;
    if (--this.zspageInuse[zspage]! > 0) return 0;
    const cls = this.classes[this.zspageClass[zspage]!]!;
    // An open zspage with free slots left stays; its class keeps filling it.
    if (this.filling[cls.index] === zspage && this.fillingLeft[cls.index]! > 0) return 0;
    if (this.filling[cls.index] === zspage) this.filling[cls.index] = -1;
    this.zspageInuse[zspage] = -1; // freed
    this.poolPages -= cls.pagesPerZspage;
    this.zspagesFreed++;
    this.zone.free(cls.pagesPerZspage);
    return cls.pagesPerZspage;
  }

  private newZspage(classIndex: number): number {
    if (this.zspageCount === this.zspageClass.length) {
      this.zspageClass = grown(this.zspageClass, this.zspageClass.length * 2);
      this.zspageInuse = grown(this.zspageInuse, this.zspageInuse.length * 2);
    }
    const id = this.zspageCount++;
    this.zspageClass[id] = classIndex;
    this.zspageInuse[id] = 0;
    return id;
  }
}
