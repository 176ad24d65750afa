// Memory-release metrics from the model's mm tracepoints (kernel/trace-points.ts):
// per killed process its kill, death and release times; memory still held
// by processes that already died (integrated over time); swap entries parked
// by a policy (now and at peak); CPU time spent freeing memory of other
// processes (charged to no task of that process); the wall time of each
// zap_pte_range's free_swap_and_cache_nr calls by dying tasks.
// It records and never steers.

import { asDoubleFields } from '../engine/double-fields.js';
import { SimulationError } from '../engine/engine.js';
import type { Kernel } from '../kernel/kernel.js';
import { PAGE_SIZE } from '../kernel/mm/zone.js';
import type { Task } from '../kernel/sched/task.js';
import type { MmObserver, MmProcessInfo } from '../kernel/trace-points.js';

interface Held {
  name: string;
  presentPages: number;
  zramBytes: number;
  killedAtNs: number;
  heldAtKillBytes: number;
  deadAtNs: number;
  releasedAtNs: number;
  /** zram bytes of its entries waiting in per-CPU slot caches (free_swap_slot), now and when it was released. */
  slotCacheBytes: number;
  slotCacheBytesAtRelease: number;
}

/** Bytes and times: doubles from the start (engine/double-fields.ts). */
const HELD_DOUBLE_FIELDS = ['zramBytes', 'killedAtNs', 'heldAtKillBytes', 'deadAtNs', 'releasedAtNs', 'slotCacheBytes', 'slotCacheBytesAtRelease'] as const;

/** Told of every change of the parked-entry count. */
export interface ParkedListener {
  parkedChanged(entries: number, nowNs: number): void;
}

export class ReleaseCollector implements MmObserver {
  private readonly held = new Map<number, Held>();
  private heldByDeadBytes = 0;
  private heldIntegralByteNs = 0;
  private heldSinceNs = 0;
  parkedEntries = 0;
  parkedBytes = 0;
  parkedEntriesPeak = 0;
  parkedBytesPeak = 0;
  unaccountedCpuNs = 0;
  /** Reclaim passes that found the swap device full, and the anon pages they could not swap out. */
  swapFullEvents = 0;
  swapAllocFailedPages = 0;
  /** Wall time of the free_swap_and_cache_nr calls of each zap_pte_range run by a dying task. */
  readonly freeSwapPerPmdNs: number[] = [];
  /** Observers of the parked count (series), called after each change (objects: see FreePagesListener). */
  readonly parkedListeners: ParkedListener[] = [];

  constructor(private readonly K: Kernel) {
    // Byte and ns sums: doubles from the start (engine/double-fields.ts).
    asDoubleFields(this, ['heldByDeadBytes', 'heldIntegralByteNs', 'heldSinceNs', 'parkedBytes', 'parkedBytesPeak', 'unaccountedCpuNs']);
    K.core.trace.mm.push(this);
  }

  swapAllocFailed(pages: number): void {
    this.swapFullEvents++;
    this.swapAllocFailedPages += pages;
  }

  processCreated(proc: MmProcessInfo, presentPages: number, zramBytes: number): void {
    const h: Held = { name: proc.name, presentPages, zramBytes, killedAtNs: -1, heldAtKillBytes: 0, deadAtNs: -1, releasedAtNs: -1, slotCacheBytes: 0, slotCacheBytesAtRelease: 0 };
    asDoubleFields(h, HELD_DOUBLE_FIELDS);
    this.held.set(proc.pid, h);
  }

  processKilled(proc: MmProcessInfo, nowNs: number): void {
    const h = this.held.get(proc.pid);
    if (!h) return;
    h.killedAtNs = nowNs;
    h.heldAtKillBytes = heldBytes(h);
  }

  processDied(proc: MmProcessInfo, nowNs: number): void {
    const h = this.held.get(proc.pid);
    if (!h) return;
    h.deadAtNs = nowNs;
    this.accrue(nowNs);
    this.heldByDeadBytes += heldBytes(h);
    this.maybeReleased(h, nowNs);
  }

  swappedOut(pid: number, pages: number, zramBytes: number, nowNs: number): void {
    this.change(pid, -pages, zramBytes, nowNs);
  }

  presentPagesFreed(pid: number, pages: number, nowNs: number): void {
    this.change(pid, -pages, 0, nowNs);
  }

  zramObjectFreed(pid: number, bytes: number, nowNs: number): void {
    this.change(pid, 0, -bytes, nowNs);
  }

  slotCacheHeld(pid: number, zramBytes: number, nowNs: number): void {
    const h = this.held.get(pid);
    if (!h) return;
    h.slotCacheBytes += zramBytes;
    this.maybeReleased(h, nowNs);
  }

  swapEntriesParked(entries: number, zramBytes: number, nowNs: number): void {
    this.parkedEntries += entries;
    this.parkedBytes += zramBytes;
    if (this.parkedEntries > this.parkedEntriesPeak) this.parkedEntriesPeak = this.parkedEntries;
    if (this.parkedBytes > this.parkedBytesPeak) this.parkedBytesPeak = this.parkedBytes;
    for (const l of this.parkedListeners) l.parkedChanged(this.parkedEntries, nowNs);
  }

  freeingWork(task: Task, workNs: number, foreignShare: number): void {
    // Work is in ns at capacity 1024: CPU time on a smaller core is longer.
    const cap = this.K.sched.cpus[task.cpu]?.capacity1024 ?? 1024;
    this.unaccountedCpuNs += (workNs * foreignShare * 1024) / cap;
  }

  /** zram's share of the free path (docs/validation.md) as wall time on the freeing task's CPU, µs: vmstat's zram_free_us. */
  zramFreeUs = 0;
  /** Whether any zram free ran (the counter is reported only then). */
  zramFreeSeen = false;

  zramFreeWork(task: Task, workNs: number): void {
    this.zramFreeSeen = true;
    this.zramFreeUs += (workNs * 1.024) / this.K.sched.cpus[task.cpu]!.speed1024;
  }

  zapSwapFreed(_task: Task, ns: number, _entries: number, dying: boolean): void {
    if (dying) this.freeSwapPerPmdNs.push(ns);
  }

  /** ∫ bytes held by dead processes dt, in MiB·ms, up to now. */
  heldAfterExitMibMs(nowNs: number): number {
    this.accrue(nowNs);
    return this.heldIntegralByteNs / (1024 * 1024) / 1e6;
  }

  /** Release time of `pid` (its RAM and zram all freed after its kill), or -1. */
  releasedAtNs(pid: number): number {
    return this.held.get(pid)?.releasedAtNs ?? -1;
  }

  /** zram bytes of `pid` still waiting in per-CPU slot caches when it was released. */
  slotCacheBytesAtRelease(pid: number): number {
    return this.held.get(pid)?.slotCacheBytesAtRelease ?? 0;
  }

  /** RAM and zram bytes `pid` held when it was killed. */
  heldAtKillBytes(pid: number): number {
    return this.held.get(pid)?.heldAtKillBytes ?? 0;
  }

  private change(pid: number, pages: number, bytes: number, nowNs: number): void {
    const h = this.held.get(pid);
    if (!h) return;
    h.presentPages += pages;
    h.zramBytes += bytes;
    if (h.presentPages < 0) throw new SimulationError('held-negative', `${h.name}: present pages below zero`);
    if (h.deadAtNs >= 0) {
      this.accrue(nowNs);
      this.heldByDeadBytes += pages * PAGE_SIZE + bytes;
    }
    this.maybeReleased(h, nowNs);
  }

  private maybeReleased(h: Held, nowNs: number): void {
    if (h.releasedAtNs >= 0 || h.killedAtNs < 0) return;
    // Released: all freed but what waits in per-CPU slot caches, which is freed only when
    // later frees on that CPU fill the cache (docs/model.md "Memory release").
    if (h.presentPages === 0 && h.zramBytes - h.slotCacheBytes <= 0) {
      h.releasedAtNs = nowNs;
      h.slotCacheBytesAtRelease = Math.max(0, h.slotCacheBytes);
    }
  }

  private accrue(nowNs: number): void {
    this.heldIntegralByteNs += this.heldByDeadBytes * (nowNs - this.heldSinceNs);
    this.heldSinceNs = nowNs;
  }
}

function heldBytes(h: Held): number {
  return h.presentPages * PAGE_SIZE + h.zramBytes;
}
