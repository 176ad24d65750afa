// The model's tracepoints. Two kinds:
// - spans: named intervals on a task's timeline (do_exit, unmap_vmas, a work
//   item...), for the Perfetto/Chrome traces;
// - mm events: typed points on the memory-release path (pages freed, swap
//   entries parked and freed, zram objects freed, freeing work charged,
//   processes killed and dead), from which src/metrics computes every
//   release metric.
// Observers record and never steer: with none attached an event costs one
// branch, and no event feeds back into the run (the fingerprint is the same
// with every observer on or off).

import type { Task } from './sched/task.js';

export interface SpanObserver {
  span(task: Task, name: string, startNs: number, endNs: number, args?: Record<string, number | string>): void;
  instant?(task: Task | null, name: string, tsNs: number, args?: Record<string, number | string>): void;
}

/** A process as the mm events name it: the pid (also its memcg id for swap_cgroup) and its RSS at creation. */
export interface MmProcessInfo {
  readonly pid: number;
  readonly name: string;
}

export interface MmObserver {
  /** fork(): a process exists with `presentPages` resident and `zramBytes` of its pages in zram. */
  processCreated?(proc: MmProcessInfo, presentPages: number, zramBytes: number, nowNs: number): void;
  /** SIGKILL delivered. */
  processKilled?(proc: MmProcessInfo, nowNs: number): void;
  /** The last thread finished do_exit (pidfd notified). */
  processDied?(proc: MmProcessInfo, nowNs: number): void;
  /** Reclaim moved `pages` resident pages of `pid` to zram as `zramBytes` (pageout). */
  swappedOut?(pid: number, pages: number, zramBytes: number, nowNs: number): void;
  /** Resident pages of `pid` returned to the buddy allocator (tlb_flush_mmu, or reclaim after a zap). */
  presentPagesFreed?(pid: number, pages: number, nowNs: number): void;
  /** zram_slot_free_notify() dropped slots of `pid` holding `bytes` in all (0: same-filled; a miss_free leaks them, uncounted). */
  zramObjectFreed?(pid: number, bytes: number, nowNs: number): void;
  /** A policy parked (+) or handed to a free path (-) swap entries holding `zramBytes`. */
  swapEntriesParked?(entries: number, zramBytes: number, nowNs: number): void;
  /** free_swap_slot() put entries of `pid` holding `zramBytes` in a per-CPU slot cache (+), or swapcache_free_entries() took them out (-). */
  slotCacheHeld?(pid: number, zramBytes: number, nowNs: number): void;
  /** `task` spent `workNs` freeing memory, a `foreignShare` of it on memory of other processes. */
  freeingWork?(task: Task, workNs: number, foreignShare: number): void;
  /** zram's part of the free path (zram_free_page, zs_free, free_zspage): `workNs` of CPU work at capacity 1024 by `task`, on its CPU at its current speed. */
  zramFreeWork?(task: Task, workNs: number): void;
  /** The free_swap_and_cache_nr() calls of one zap_pte_range() took `ns` of wall time. */
  zapSwapFreed?(task: Task, ns: number, entries: number, dying: boolean): void;
  /** Reclaim found the swap device full (get_swap_pages() has no slot): `pages` anon pages it wanted stay resident. */
  swapAllocFailed?(pages: number, nowNs: number): void;
}

export class TracePoints {
  readonly observers: SpanObserver[] = [];
  readonly mm: MmObserver[] = [];

  get enabled(): boolean {
    return this.observers.length > 0;
  }

  span(task: Task, name: string, startNs: number, endNs: number, args?: Record<string, number | string>): void {
    for (const o of this.observers) o.span(task, name, startNs, endNs, args);
  }

  instant(task: Task | null, name: string, tsNs: number, args?: Record<string, number | string>): void {
    for (const o of this.observers) o.instant?.(task, name, tsNs, args);
  }

  processCreated(proc: MmProcessInfo, presentPages: number, zramBytes: number, nowNs: number): void {
    for (const o of this.mm) o.processCreated?.(proc, presentPages, zramBytes, nowNs);
  }

  processKilled(proc: MmProcessInfo, nowNs: number): void {
    for (const o of this.mm) o.processKilled?.(proc, nowNs);
  }

  processDied(proc: MmProcessInfo, nowNs: number): void {
    for (const o of this.mm) o.processDied?.(proc, nowNs);
  }

  swappedOut(pid: number, pages: number, zramBytes: number, nowNs: number): void {
    for (const o of this.mm) o.swappedOut?.(pid, pages, zramBytes, nowNs);
  }

  presentPagesFreed(pid: number, pages: number, nowNs: number): void {
    for (const o of this.mm) o.presentPagesFreed?.(pid, pages, nowNs);
  }

  zramObjectFreed(pid: number, bytes: number, nowNs: number): void {
    for (const o of this.mm) o.zramObjectFreed?.(pid, bytes, nowNs);
  }

  swapEntriesParked(entries: number, zramBytes: number, nowNs: number): void {
    for (const o of this.mm) o.swapEntriesParked?.(entries, zramBytes, nowNs);
  }

  slotCacheHeld(pid: number, zramBytes: number, nowNs: number): void {
    for (const o of this.mm) o.slotCacheHeld?.(pid, zramBytes, nowNs);
  }

  freeingWork(task: Task, workNs: number, foreignShare: number): void {
    if (foreignShare <= 0 || workNs <= 0) return;
    for (const o of this.mm) o.freeingWork?.(task, workNs, foreignShare);
  }

  zramFreeWork(task: Task, workNs: number): void {
    for (const o of this.mm) o.zramFreeWork?.(task, workNs);
  }

  zapSwapFreed(task: Task, ns: number, entries: number, dying: boolean): void {
    for (const o of this.mm) o.zapSwapFreed?.(task, ns, entries, dying);
  }

  swapAllocFailed(pages: number, nowNs: number): void {
    for (const o of this.mm) o.swapAllocFailed?.(pages, nowNs);
  }
}
