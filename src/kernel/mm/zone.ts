// The memory zone: free pages against min/low/high watermarks
// (mm/page_alloc.c). One zone stands for the phone's DMA32+Normal.

import { SimulationError } from '../../engine/engine.js';

export const PAGE_SIZE = 4096;
export const PAGES_PER_MIB = 256;

/** Whole 4 KiB pages in `mib` MiB: scenario sizes may be fractional, page counts never are. */
export function mibToPages(mib: number): number {
  return Math.round(mib * PAGES_PER_MIB);
}

export interface Watermarks {
  minPages: number;
  lowPages: number;
  highPages: number;
}

/**
 * Told of every change of the free count. An object with a method, not a
 * closure: a closure made per run is a new call target for code V8
 * optimised in the previous run of the same worker (see SimClock).
 */
export interface FreePagesListener {
  freePagesChanged(freePages: number, nowNs: number): void;
}

/**
 * Where the simulated time is read (the Engine). An object, not a closure:
 * a closure made per run is a new call target for the code V8 optimised in
 * the last run of the same worker, which then deoptimises (zs_free inlines
 * notify()).
 */
export interface SimClock {
  readonly nowNs: number;
}

export class Zone {
  freePages: number;
  readonly listeners: FreePagesListener[] = [];
  /** Cumulative page frees and allocations (for conservation checks). */
  pagesFreed = 0;
  pagesAllocated = 0;

  constructor(
    readonly totalPages: number,
    initialFreePages: number,
    readonly wmark: Watermarks,
    private readonly clock: SimClock,
  ) {
    if (initialFreePages > totalPages) throw new RangeError(`free memory ${initialFreePages} pages exceeds RAM ${totalPages}`);
    this.freePages = initialFreePages;
  }

  /** Takes n pages; the caller has already passed the watermark checks of the slow path. */
  allocate(n: number): void {
    if (n > this.freePages) throw new SimulationError('zone-underflow', `allocating ${n} pages with ${this.freePages} free`);
    this.freePages -= n;
    this.pagesAllocated += n;
    this.notify();
  }

  /** Can `n` pages be taken without going below the given watermark? (zone_watermark_ok) */
  watermarkOk(n: number, markPages: number): boolean {
    return this.freePages - n >= markPages;
  }

  free(n: number): void {
    if (n < 0) throw new SimulationError('zone-negative-free', `freeing ${n} pages`);
    if (n === 0) return;
    this.freePages += n;
    this.pagesFreed += n;
    if (this.freePages > this.totalPages) throw new SimulationError('zone-overflow', `free ${this.freePages} pages exceeds RAM ${this.totalPages}`);
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l.freePagesChanged(this.freePages, this.clock.nowNs);
  }
}
