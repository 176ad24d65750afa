// The kernel model assembled on the simulation core: memory zone, swap
// device, zram and zsmalloc, per-CPU swap slot caches, processes and their
// page tables, the active swap-free policy, and the counters and held-memory
// bookkeeping metrics read. Subsystem behaviour lives in mm/, swap/, zram/,
// exit/; this file wires them together.

import { SimulationError } from '../engine/engine.js';
import type { RngStream } from '../engine/rng.js';
import type { Program, TaskCtx } from '../engine/steps.js';
import type { Costs } from '../calibration/calibration.js';
import type { CpuCategory } from '../metrics/types.js';
import type { SwapFreePolicy } from '../policies/policy.js';
import { CoreMachine } from './core-machine.js';
import { EMPTY_SLOTS, MmStruct, PmdChunk, PTRS_PER_PTE } from './mm/mm-struct.js';
import { PAGE_SIZE, Zone, type Watermarks } from './mm/zone.js';
import type { KernelPreset } from './presets/presets.js';
import { KProcess } from './process.js';
import type { SchedParams } from './sched/core.js';
import type { Task } from './sched/task.js';
import type { CpuSpec } from './sched/topology.js';
import { SwapInfo, SWAP_MAP_IN_USE, SWAP_MAP_SLOT_CACHED } from './swap/swap-info.js';
import { Zram } from './zram/zram.js';
import { Zsmalloc } from './zram/zsmalloc.js';
import type { QueuedLock } from './locking/queued-lock.js';

export interface KernelConfig {
  seed: number;
  cpus: CpuSpec[];
  preset: KernelPreset;
  costs: Costs;
  sched?: Partial<SchedParams>;
  ramPages: number;
  freePages: number;
  watermarks: Watermarks;
  swapSlots: number;
  compressionRatio: number;
  /** Share of swapped pages zram stores as same-filled (no zsmalloc object). */
  sameFilledRatio: number;
  /** 'chunk': one step per lock hold over a PMD's runs; 'fine': one per free_swap_and_cache_nr call. */
  aggregation: 'chunk' | 'fine';
  policy: SwapFreePolicy;
}

export interface ProcessSpec {
  name: string;
  presentPages: number;
  swapPages: number;
  filePages: number;
  /** Pages per swapped folio (16 for 64 KiB mTHP). */
  folioPages: number;
  /** 0..1: how scattered its swap entries are (run breaks, foreign clusters). */
  fragmentation: number;
  oomScoreAdj: number;
  category: CpuCategory;
  cpuset: string;
  nice: number;
  threads: number;
}

/** A run of contiguous swap slots as swap_pte_batch() finds them. */
export interface SwapRun {
  start: number;
  nr: number;
}

export class Kernel {
  readonly core: CoreMachine;
  readonly zone: Zone;
  readonly zs: Zsmalloc;
  readonly zram: Zram;
  readonly si: SwapInfo;
  /** Per CPU: entries parked in the swap slots cache (free_swap_slot), offsets. */
  readonly slotCaches: number[][];
  /** Owner pid of each swap slot (for release and accounting). */
  readonly slotOwner: Int32Array;
  readonly processes: KProcess[] = [];
  private readonly byPid = new Map<number, KProcess>();
  private nextPid = 1000;
  /** /proc/vmstat-style event counters. */
  readonly vmstat: Record<string, number> = {};
  /** Swap entries a policy holds parked right now, and their zram bytes. */
  deferredEntries = 0;
  deferredBytes = 0;
  deferredEntriesPeak = 0;
  deferredBytesPeak = 0;
  /** Bytes still held by processes that already died; integral over time. */
  private heldByDeadBytes = 0;
  private heldIntegralByteNs = 0;
  private heldSinceNs = 0;
  /** Swap entries taken out of page tables (zapped) and not yet put back to the swap map. */
  swapDetached = 0;
  /** Entries inside a synchronous free_swap_and_cache_nr call right now. */
  inFreePath = 0;
  /** CPU ns spent freeing memory of a process by tasks not of that process. */
  unaccountedCpuNs = 0;
  /** zsmalloc's pool->lock (presets with one pool-wide lock), or null. */
  private readonly zsPoolLock: QueuedLock | null;
  /** Per size class `class->lock`, created on first use. */
  private readonly zsClassLocks: Array<QueuedLock | undefined> = [];
  /** Observers of parked-entry and memory changes (metrics), never steering. */
  readonly deferredListeners: Array<(entries: number, nowNs: number) => void> = [];

  constructor(readonly cfg: KernelConfig) {
    this.core = new CoreMachine({
      seed: cfg.seed,
      cpus: cfg.cpus,
      sched: cfg.sched,
      workqueue: { defaultMaxActive: cfg.preset.wqDefaultMaxActive, createWorkerNs: cfg.costs.create_worker_ns },
    });
    this.zone = new Zone(cfg.ramPages, cfg.freePages, cfg.watermarks, () => this.core.engine.nowNs);
    this.zs = new Zsmalloc(this.zone);
    this.si = new SwapInfo(cfg.swapSlots, this.core.locks);
    this.zram = new Zram(this.si.swapMap.length, this.zs);
    this.slotOwner = new Int32Array(this.si.swapMap.length).fill(-1);
    this.slotCaches = cfg.cpus.map(() => []);
    this.zsPoolLock = cfg.preset.zsmallocLock === 'pool' ? this.core.locks.spinlock('zs_pool->lock') : null;
    cfg.policy.init?.(this);
  }

  get engine() { return this.core.engine; }
  get sched() { return this.core.sched; }
  get costs(): Costs { return this.cfg.costs; }
  get preset(): KernelPreset { return this.cfg.preset; }
  get policy(): SwapFreePolicy { return this.cfg.policy; }
  get now(): number { return this.core.engine.nowNs; }

  count(name: string, n = 1): void {
    this.vmstat[name] = (this.vmstat[name] ?? 0) + n;
  }

  process(pid: number): KProcess | undefined {
    return this.byPid.get(pid);
  }

  procOf(task: Task): KProcess | undefined {
    return this.byPid.get(task.proc.pid);
  }

  /** task_is_dying(): tsk_is_oom_victim || fatal_signal_pending || PF_EXITING, of `current`. */
  taskIsDying(task: Task): boolean {
    const p = this.byPid.get(task.proc.pid);
    return !!p && p.sigkill;
  }

  // ---- building processes -------------------------------------------------

  /**
   * Creates a process whose anonymous memory is partly swapped to zram.
   * Layout: one PMD chunk per 512 PTEs; swap entries come in runs of
   * contiguous slots (a folio's pages, plus neighbours swapped out together)
   * placed at random PTE positions, as LRU order scatters them.
   */
  createProcess(spec: ProcessSpec, body: (proc: KProcess) => (k: TaskCtx, t: Task) => Program): KProcess {
    const pid = this.nextPid++;
    const rng = this.engine.rng.stream(`layout:${spec.name}`);
    const mm = new MmStruct(pid, spec.name, this.core.locks);
    this.layoutChunks(mm, spec, this.allocateSwapRuns(pid, spec, rng), rng);
    mm.nrVmas = Math.max(1, Math.round(((spec.presentPages + spec.swapPages + spec.filePages) / 256) * this.costs.vmas_per_mib));
    const proc = new KProcess(pid, spec.name, spec.category === 'foreground' ? 'top-app' : spec.category === 'background' ? 'background' : 'system', mm, spec.oomScoreAdj, spec.category);
    this.processes.push(proc);
    this.byPid.set(pid, proc);
    const program = body(proc);
    for (let i = 0; i < spec.threads; i++) {
      const t = this.sched.spawn({ name: i === 0 ? spec.name : `${spec.name}:${i}`, proc, nice: spec.nice, cpuset: spec.cpuset, category: spec.category }, program);
      proc.threads.push(t);
      proc.liveThreads++;
    }
    return proc;
  }

  /**
   * Swaps out `spec.swapPages` pages into zram (initial state: the zspages'
   * pages are already outside the free count) and returns their slots in
   * PTE order, with the run boundaries.
   */
  private allocateSwapRuns(pid: number, spec: ProcessSpec, rng: RngStream): SwappedOut {
    const runStart = new Int32Array(spec.swapPages);
    const runLen = new Int32Array(spec.swapPages);
    const { nRuns, zramBytes } = this.swapOutRuns(pid, spec, rng, runStart, runLen);
    const perm = shuffledIndex(nRuns, rng);
    const slots = new Int32Array(spec.swapPages);
    const runEnds = new Int32Array(nRuns);
    fillInPteOrder(perm, runStart, runLen, slots, runEnds);
    return { slots, runEnds, nRuns, zramBytes };
  }

  /** The swap-out itself: runs of slots, each page's zram object stored. Returns the run count and zram bytes. */
  private swapOutRuns(pid: number, spec: ProcessSpec, rng: RngStream, runStart: Int32Array, runLen: Int32Array): { nRuns: number; zramBytes: number } {
    let nRuns = 0;
    let zramBytes = 0;
    let left = spec.swapPages;
    const folio = Math.max(1, spec.folioPages);
    const frag = spec.fragmentation;
    const zrng = this.engine.rng.stream(`zram:${spec.name}`);
    const same = this.cfg.sameFilledRatio;
    const owner = this.slotOwner;
    const zram = this.zram;
    while (left > 0) {
      // Folios swapped out together get neighbouring slots; a break (probability = fragmentation) ends the run.
      let nr = folio;
      const cap = Math.min(left, PTRS_PER_PTE);
      while (nr + folio <= cap && rng.float() >= frag) nr += folio;
      nr = Math.min(nr, left);
      // One draw decides whether the run lands on another CPU's cluster, and on which.
      const u = rng.float();
      const start = this.si.allocRun(nr, u < frag ? u / frag : -1);
      for (let s = start; s < start + nr; s++) {
        owner[s] = pid;
        const u = zrng.float();
        const bytes = u < same ? 0 : this.compressedBytes((u - same) / (1 - same));
        zram.store(s, bytes, false);
        zramBytes += bytes;
      }
      runStart[nRuns] = start;
      runLen[nRuns] = nr;
      nRuns++;
      left -= nr;
    }
    return { nRuns, zramBytes };
  }

  private layoutChunks(mm: MmStruct, spec: ProcessSpec, sw: SwappedOut, rng: RngStream): void {
    const anon = spec.presentPages + spec.swapPages;
    const nChunks = Math.ceil(anon / PTRS_PER_PTE);
    const swapShare = anon > 0 ? spec.swapPages / anon : 0;
    let presentLeft = spec.presentPages;
    let run = 0;
    let pos = 0; // slots consumed
    const take = (room: number, target: number): Int32Array => {
      const from = pos;
      while (run < sw.nRuns && sw.runEnds[run]! - from <= Math.min(target, room)) pos = sw.runEnds[run++]!;
      return sw.slots.subarray(from, pos);
    };
    for (let c = 0; c < nChunks; c++) {
      const room = Math.min(PTRS_PER_PTE, anon - c * PTRS_PER_PTE);
      // Aim for the process's swap share in every chunk, +-25%, filled with whole runs.
      const target = Math.round(room * Math.min(1, Math.max(0, swapShare * (0.75 + 0.5 * rng.float()))));
      const chunk = new PmdChunk(0, 0, this.core.locks);
      chunk.swap = take(room, target);
      chunk.present = Math.min(room - chunk.swap.length, presentLeft);
      presentLeft -= chunk.present;
      mm.addChunk(chunk);
    }
    // What did not fit (rounding) goes into new chunks.
    while (run < sw.nRuns || presentLeft > 0) {
      const chunk = new PmdChunk(0, 0, this.core.locks);
      chunk.swap = take(PTRS_PER_PTE, PTRS_PER_PTE);
      chunk.present = Math.min(presentLeft, PTRS_PER_PTE - chunk.swap.length);
      presentLeft -= chunk.present;
      mm.addChunk(chunk);
    }
    // File-backed VMAs get their own page tables.
    for (let left = spec.filePages; left > 0; left -= PTRS_PER_PTE) mm.addChunk(new PmdChunk(0, Math.min(PTRS_PER_PTE, left), this.core.locks));
    mm.heldZramBytes = sw.zramBytes;
  }

  // ---- signals and death ----------------------------------------------------

  /** SIGKILL: marks the process dying and wakes its threads into do_exit. */
  kill(proc: KProcess): void {
    if (proc.sigkill || proc.dead) return;
    proc.sigkill = true;
    proc.killedAtNs = this.now;
    proc.killedHoldBytes = this.heldBytes(proc);
    this.count('sigkill');
    for (const t of proc.threads) t.category = 'exiting';
    for (const t of proc.signalWait.wakeAll()) this.sched.wake(t);
  }

  /** The last thread finished do_exit: notify pidfd waiters (LMKD). */
  processDied(proc: KProcess): void {
    proc.deadAtNs = this.now;
    this.accrueHeld();
    this.heldByDeadBytes += this.heldBytes(proc);
    for (const t of proc.pidfd.completeAll()) this.sched.wake(t);
    this.maybeReleased(proc);
  }

  heldBytes(proc: KProcess): number {
    const mm = proc.originalMm;
    return mm.heldPresentPages * PAGE_SIZE + mm.heldZramBytes;
  }

  // ---- memory release bookkeeping -----------------------------------------

  /** Present pages of `mm` returned to the buddy allocator (tlb_flush_mmu). */
  presentPagesFreed(mm: MmStruct, pages: number): void {
    if (pages === 0) return;
    this.zone.free(pages);
    mm.heldPresentPages -= pages;
    if (mm.heldPresentPages < 0) throw new SimulationError('held-negative', `${mm.owner}: present pages below zero`);
    this.heldChanged(mm.id, -pages * PAGE_SIZE);
  }

  /** A zram object of slot `slot` was freed (zs_free or a same-filled slot). */
  zramObjectFreed(slot: number, bytes: number): void {
    const pid = this.slotOwner[slot]!;
    this.slotOwner[slot] = -1;
    const p = this.byPid.get(pid);
    if (!p || bytes === 0) { if (p) this.maybeReleased(p); return; }
    p.originalMm.heldZramBytes -= bytes;
    this.heldChanged(pid, -bytes);
  }

  private heldChanged(pid: number, deltaBytes: number): void {
    const p = this.byPid.get(pid);
    if (!p) return;
    if (p.dead) { this.accrueHeld(); this.heldByDeadBytes += deltaBytes; }
    this.maybeReleased(p);
  }

  private maybeReleased(p: KProcess): void {
    if (p.releasedAtNs >= 0 || p.killedAtNs < 0) return;
    const mm = p.originalMm;
    if (mm.heldPresentPages === 0 && mm.heldZramBytes <= 0) p.releasedAtNs = this.now;
  }

  private accrueHeld(): void {
    const now = this.now;
    this.heldIntegralByteNs += this.heldByDeadBytes * (now - this.heldSinceNs);
    this.heldSinceNs = now;
  }

  /** ∫ bytes held by dead processes dt, in MiB·ms, up to now. */
  heldAfterExitMibMs(): number {
    this.accrueHeld();
    return this.heldIntegralByteNs / (1024 * 1024) / 1e6;
  }

  /** A policy parks (+) or releases (-) swap entries. */
  deferredChanged(entries: number, bytes: number): void {
    this.deferredEntries += entries;
    this.deferredBytes += bytes;
    if (this.deferredEntries < 0) throw new SimulationError('deferred-negative', `parked entries ${this.deferredEntries}`);
    if (this.deferredEntries > this.deferredEntriesPeak) this.deferredEntriesPeak = this.deferredEntries;
    if (this.deferredBytes > this.deferredBytesPeak) this.deferredBytesPeak = this.deferredBytes;
    for (const l of this.deferredListeners) l(this.deferredEntries, this.now);
  }

  /** zram bytes of the slots in `runs` (what parking them keeps allocated). */
  runBytes(runs: readonly SwapRun[]): number {
    // Summed per run so a policy can price what it parks.
    let b = 0;
    for (const r of runs) for (let s = r.start; s < r.start + r.nr; s++) b += this.zram.objectBytes(s);
    return b;
  }

  /** The lock zs_free / zs_malloc take for an object of size class `classIndex`. */
  zsLock(classIndex: number): QueuedLock {
    if (this.zsPoolLock) return this.zsPoolLock;
    const idx = Math.max(0, classIndex);
    let l = this.zsClassLocks[idx];
    if (!l) { l = this.core.locks.spinlock('zs_class->lock'); this.zsClassLocks[idx] = l; }
    return l;
  }

  /** zap_pte_range takes a PMD's swap entries out of its page table; they are detached until put. */
  detachSwap(chunk: PmdChunk): Int32Array {
    const swap = chunk.swap;
    chunk.swap = EMPTY_SLOTS;
    this.swapDetached += swap.length;
    return swap;
  }

  /** __swap_entry_free / swap_entries_put_map for a detached entry. */
  putSwapMap(slot: number, toSlotCache: boolean): void {
    this.si.putMap(slot, toSlotCache);
    this.swapDetached--;
  }

  /** Nothing in flight: every killed process is dead, every workqueue idle, no free in progress. */
  quiescent(): boolean {
    if (this.inFreePath > 0) return false;
    for (const p of this.processes) if (p.sigkill && !p.dead) return false;
    for (const wq of this.core.workqueues.workqueues) if (wq.queued > 0 || wq.activeCount > 0) return false;
    return true;
  }

  /**
   * Compressed size of one page for a uniform draw `v` in [0, 1): spread
   * 0.4x..1.6x around PAGE_SIZE / compression_ratio, clamped to zsmalloc's sizes.
   */
  compressedBytes(v: number): number {
    return Math.max(32, Math.min(PAGE_SIZE, Math.round((PAGE_SIZE / this.cfg.compressionRatio) * (0.4 + 1.2 * v))));
  }

  /**
   * zram_slot_free_notify() for one slot with the held-memory bookkeeping;
   * returns zspages released. A miss_free leaks the object: it stays
   * allocated but no longer counts against the process.
   */
  zramSlotFree(slot: number): number {
    const bytes = this.zram.objectBytes(slot);
    const r = this.zram.slotFreeNotify(slot);
    this.zramObjectFreed(slot, bytes);
    if (r === 'miss' || r === 'same') return 0;
    return r > 0 ? 1 : 0;
  }

  /** Wall time of the free_swap_and_cache_nr calls of each zap_pte_range run by a dying task. */
  readonly freeSwapPerPmdNs: number[] = [];

  recordFreeSwapCall(task: Task, ns: number): void {
    if (this.taskIsDying(task)) this.freeSwapPerPmdNs.push(ns);
  }

  /** Charges the share of `workNs` spent on slots of other processes than `task`'s. */
  chargeFreeingSlots(task: Task, slots: readonly number[], workNs: number): void {
    if (workNs <= 0 || slots.length === 0) return;
    this.chargeFreeingShare(task, this.foreignShare(task, slots), workNs);
  }

  /** Fraction of `slots` owned by processes other than `task`'s. */
  foreignShare(task: Task, slots: readonly number[]): number {
    if (slots.length === 0) return 0;
    const pid = task.proc.pid;
    let foreign = 0;
    for (let i = 0; i < slots.length; i++) if (this.slotOwner[slots[i]!] !== pid) foreign++;
    return foreign / slots.length;
  }

  /** Adds `share` of `workNs`, converted to CPU time on the task's CPU, to the unaccounted total. */
  chargeFreeingShare(task: Task, share: number, workNs: number): void {
    if (share <= 0 || workNs <= 0) return;
    const cap = this.sched.cpus[task.cpu]?.capacity1024 ?? 1024;
    this.unaccountedCpuNs += ((workNs * share) * 1024) / cap;
  }

  /** Charges freeing work done by `task` on `ownerPid`'s memory when the task is not of that process. */
  chargeFreeing(task: Task, ownerPid: number, workNs: number): void {
    if (task.proc.pid !== ownerPid) this.chargeFreeingShare(task, 1, workNs);
  }

  // ---- invariants -----------------------------------------------------------

  /**
   * End-of-run conservation. Always: every in-use swap slot is mapped by a
   * PTE or detached (zapped, not yet freed), slot-cached entries are in the
   * slot caches, counters are non-negative. Returns the entries leaked:
   * detached but neither parked by the policy nor inside a free call (exact
   * once the machine is quiescent).
   */
  checkInvariants(policyParked: number): { leaked: number; stillMapped: number; inSlotCache: number; detached: number } {
    let mapped = 0;
    for (const p of this.processes) {
      const mm = p.originalMm;
      for (const name of ['MM_ANONPAGES', 'MM_SWAPENTS', 'MM_FILEPAGES'] as const) {
        if (mm[name] < 0) throw new SimulationError('rss-negative', `${p.name}: ${name} = ${mm[name]}`);
      }
      if (mm.heldPresentPages < 0 || mm.heldZramBytes < -1e-6) throw new SimulationError('held-negative', `${p.name}`);
      for (const ch of mm.chunks) mapped += ch.swap.length;
    }
    let inUse = 0, cached = 0;
    const map = this.si.swapMap;
    for (let i = 1; i < map.length; i++) {
      if (map[i] === SWAP_MAP_IN_USE) inUse++;
      else if (map[i] === SWAP_MAP_SLOT_CACHED) cached++;
    }
    let inCaches = 0;
    for (const c of this.slotCaches) inCaches += c.length;
    if (cached !== inCaches) throw new SimulationError('slot-cache', `swap_map has ${cached} slot-cached entries, caches hold ${inCaches}`);
    if (this.zone.freePages < 0) throw new SimulationError('zone-negative', `${this.zone.freePages} free pages`);
    if (inUse !== mapped + this.swapDetached) {
      throw new SimulationError('swap-conservation', `${inUse} slots in use, but ${mapped} mapped + ${this.swapDetached} detached`);
    }
    const leaked = Math.max(0, this.swapDetached - policyParked - this.inFreePath);
    return { leaked, stillMapped: mapped, inSlotCache: inCaches, detached: this.swapDetached };
  }
}

/** A process's swapped-out pages: slots in PTE order, run boundaries, zram bytes held. */
interface SwappedOut {
  slots: Int32Array;
  runEnds: Int32Array;
  nRuns: number;
  zramBytes: number;
}

/** A random permutation of 0..n-1 (PTE order is not swap-out order). */
function shuffledIndex(n: number, rng: RngStream): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t;
  }
  return perm;
}

function fillInPteOrder(perm: Int32Array, runStart: Int32Array, runLen: Int32Array, slots: Int32Array, runEnds: Int32Array): void {
  let k = 0;
  for (let i = 0; i < perm.length; i++) {
    const r = perm[i]!;
    for (let s = runStart[r]!, e = s + runLen[r]!; s < e; s++) slots[k++] = s;
    runEnds[i] = k;
  }
}
