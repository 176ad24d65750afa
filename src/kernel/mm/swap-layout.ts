// The address space of a process whose anonymous memory is partly in zram,
// as swap-out left it: which slots its swap PTEs point to, in PTE order,
// spread over PMD chunks. Built once at process creation (the initial state:
// the zspages' pages are already outside the free count).
//
// Folios swapped out together get neighbouring slots (a run, what
// swap_pte_batch() later finds); runs land at random PTE positions, as LRU
// order scatters them; with `fragmentation` a run breaks early or lands on
// another CPU's cluster (cluster_alloc_swap_entry from its percpu_cluster).

import type { RngStream } from '../../engine/rng.js';
import type { LockRegistry } from '../locking/registry.js';
import type { SwapInfo } from '../swap/swap-info.js';
import { compressedBytesAround } from './page-compression.js';
import { PAGE_SIZE } from './zone.js';
import { MmStruct, PmdChunk, PTRS_PER_PTE, type PteOrderRuns } from './mm-struct.js';

export interface SwapLayoutSpec {
  presentPages: number;
  swapPages: number;
  filePages: number;
  /** Pages per swapped folio (16 for 64 KiB mTHP). */
  folioPages: number;
  /** 0..1: how scattered its swap entries are (run breaks, foreign clusters). */
  fragmentation: number;
}

export interface SwapLayoutDeps {
  si: SwapInfo;
  /** The swap device's backing store (zram_write_page for the initial state: its pages are already outside the free count). */
  zram: { store(slot: number, bytes: number, takePages: boolean): boolean };
  locks: LockRegistry;
  compressionRatio: number;
  /** Share of swapped pages zram stores as same-filled (no zsmalloc object). */
  sameFilledRatio: number;
  /** Random streams: run shapes and PTE order, and compressed sizes. */
  layoutRng: RngStream;
  zramRng: RngStream;
}

/** Builds `pid`'s mm: slots allocated and charged to it (swap_cgroup), zram objects stored, chunks laid out. */
export function buildSwappedMm(d: SwapLayoutDeps, pid: number, owner: string, spec: SwapLayoutSpec): { mm: MmStruct; zramBytes: number } {
  const mm = new MmStruct(pid, owner, d.locks);
  const sw = allocateSwapRuns(d, pid, spec);
  layoutChunks(mm, spec, sw, d.layoutRng, d.locks);
  return { mm, zramBytes: sw.zramBytes };
}

/** A process's swapped-out pages: runs in PTE order, where each run ends (entries so far), zram bytes held. */
interface SwappedOut {
  runs: PteOrderRuns;
  runEnds: Int32Array;
  nRuns: number;
  zramBytes: number;
}

/**
 * Swap-out order runs, reused from process to process (building is
 * synchronous): a fresh pair per process would be garbage the size of its
 * swap, which the collector reclaims only later.
 */
let scratch = { runStart: new Int32Array(0), runLen: new Uint16Array(0) };

/**
 * Swap-out in two passes, slots first, then the zram objects: the two touch
 * different state (the swap device and swap_cgroup; zram and zsmalloc) and
 * draw from different streams (layoutRng; zramRng), so each keeps its own
 * order of draws and of allocations, and each loop stays small enough for
 * V8 to inline what it calls.
 */
function allocateSwapRuns(d: SwapLayoutDeps, pid: number, spec: SwapLayoutSpec): SwappedOut {
  if (scratch.runStart.length < spec.swapPages) scratch = { runStart: new Int32Array(spec.swapPages), runLen: new Uint16Array(spec.swapPages) };
  const { runStart, runLen } = scratch;
  const nRuns = swapOutRuns(d, pid, spec, runStart, runLen);
  const zramBytes = storeRuns(d, runStart, runLen, nRuns);
  // PTE order is not swap-out order: the runs themselves are shuffled.
  const runs: PteOrderRuns = { start: runStart.slice(0, nRuns), nr: runLen.slice(0, nRuns) };
  fisherYates(runs.start, runs.nr, d.layoutRng);
  return { runs, runEnds: runEndsOf(runs.nr), nRuns, zramBytes };
}

/** The swap-out's slots: runs allocated (get_swap_pages) and charged to `pid` (swap_cgroup_record). Returns the run count. */
function swapOutRuns(d: SwapLayoutDeps, pid: number, spec: SwapLayoutSpec, runStart: Int32Array, runLen: Uint16Array): number {
  let nRuns = 0;
  let left = spec.swapPages;
  const folio = Math.max(1, spec.folioPages);
  const frag = spec.fragmentation;
  const rng = d.layoutRng;
  const si = d.si;
  while (left > 0) {
    const nr = swapRunLength(left, folio, frag, rng);
    const start = allocSwapRun(si, nr, frag, rng);
    si.recordCgroup(start, nr, pid);
    runStart[nRuns] = start;
    runLen[nRuns] = nr;
    nRuns++;
    left -= nr;
  }
  return nRuns;
}

/** zram_write_page() of every swapped page, run by run in swap-out order (zsmalloc's placement follows it). Returns the zram bytes. */
function storeRuns(d: SwapLayoutDeps, runStart: Int32Array, runLen: Uint16Array, nRuns: number): number {
  let zramBytes = 0;
  const zrng = d.zramRng;
  const same = d.sameFilledRatio;
  const notSame = 1 - same;
  const meanBytes = PAGE_SIZE / d.compressionRatio;
  const zram = d.zram;
  for (let r = 0; r < nRuns; r++) {
    for (let s = runStart[r]!, e = s + runLen[r]!; s < e; s++) {
      const v = zrng.float();
      const bytes = v < same ? 0 : compressedBytesAround(meanBytes, (v - same) / notSame);
      zram.store(s, bytes, false);
      zramBytes += bytes;
    }
  }
  return zramBytes;
}

/** Slots of the next run: folios swapped out together get neighbouring slots; a break (probability = fragmentation) or a full PMD ends the run. */
export function swapRunLength(left: number, folioPages: number, fragmentation: number, rng: { float(): number }): number {
  let nr = folioPages;
  const cap = Math.min(left, PTRS_PER_PTE);
  while (nr + folioPages <= cap && rng.float() >= fragmentation) nr += folioPages;
  return Math.min(nr, left);
}

/** Allocates the run; one draw decides whether it lands on another CPU's cluster, and on which. */
export function allocSwapRun(si: SwapInfo, nr: number, fragmentation: number, rng: { float(): number }): number {
  const u = rng.float();
  return si.allocRun(nr, u < fragmentation ? u / fragmentation : -1);
}

function layoutChunks(mm: MmStruct, spec: SwapLayoutSpec, sw: SwappedOut, rng: RngStream, locks: LockRegistry): void {
  const anon = spec.presentPages + spec.swapPages;
  const nChunks = Math.ceil(anon / PTRS_PER_PTE);
  const swapShare = anon > 0 ? spec.swapPages / anon : 0;
  let presentLeft = spec.presentPages;
  let run = 0;
  let pos = 0; // slots consumed
  const take = (chunk: PmdChunk, room: number, target: number): void => {
    const from = pos;
    const firstRun = run;
    while (run < sw.nRuns && sw.runEnds[run]! - from <= Math.min(target, room)) pos = sw.runEnds[run++]!;
    chunk.setSwapRuns(sw.runs, firstRun, run, pos - from);
  };
  for (let c = 0; c < nChunks; c++) {
    const room = Math.min(PTRS_PER_PTE, anon - c * PTRS_PER_PTE);
    // Aim for the process's swap share in every chunk, +-25%, filled with whole runs.
    const target = Math.round(room * Math.min(1, Math.max(0, swapShare * (0.75 + 0.5 * rng.float()))));
    const chunk = new PmdChunk(0, 0, locks);
    take(chunk, room, target);
    chunk.present = Math.min(room - chunk.nrSwap, presentLeft);
    presentLeft -= chunk.present;
    mm.addChunk(chunk);
  }
  // What did not fit (rounding) goes into new chunks.
  while (run < sw.nRuns || presentLeft > 0) {
    const chunk = new PmdChunk(0, 0, locks);
    take(chunk, PTRS_PER_PTE, PTRS_PER_PTE);
    chunk.present = Math.min(presentLeft, PTRS_PER_PTE - chunk.nrSwap);
    presentLeft -= chunk.present;
    mm.addChunk(chunk);
  }
  // File-backed VMAs get their own page tables.
  for (let left = spec.filePages; left > 0; left -= PTRS_PER_PTE) mm.addChunk(new PmdChunk(0, Math.min(PTRS_PER_PTE, left), locks));
}

/**
 * Fisher-Yates over the runs (start and length swapped together): the same
 * draws and swaps as shuffling an index 0..n-1 and reading the runs through
 * it, without the gather.
 */
function fisherYates(start: Int32Array, nr: Uint16Array, rng: RngStream): void {
  for (let i = start.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const s = start[i]!;
    start[i] = start[j]!;
    start[j] = s;
    const n = nr[i]!;
    nr[i] = nr[j]!;
    nr[j] = n;
  }
}

/** Where each run ends, counted in entries from the first PTE. */
function runEndsOf(nr: Uint16Array): Int32Array {
  const ends = new Int32Array(nr.length);
  let k = 0;
  for (let i = 0; i < nr.length; i++) ends[i] = k += nr[i]!;
  return ends;
}
