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
 * Swap-out order runs and the PTE-order permutation, reused from process to
 * process (building is synchronous): a fresh pair per process would be
 * garbage the size of its swap, which the collector reclaims only later.
 */
let scratch = { runStart: new Int32Array(0), runLen: new Uint16Array(0), perm: new Int32Array(0) };

function allocateSwapRuns(d: SwapLayoutDeps, pid: number, spec: SwapLayoutSpec): SwappedOut {
  if (scratch.runStart.length < spec.swapPages) scratch = { runStart: new Int32Array(spec.swapPages), runLen: new Uint16Array(spec.swapPages), perm: new Int32Array(spec.swapPages) };
  const { runStart, runLen } = scratch;
  const nRuns = swapOutRuns(d, pid, spec, runStart, runLen);
  const zramBytes = swappedOutBytes;
  const perm = shuffledIndex(scratch.perm.subarray(0, nRuns), d.layoutRng);
  const runs: PteOrderRuns = { start: new Int32Array(nRuns), nr: new Uint16Array(nRuns) };
  const runEnds = new Int32Array(nRuns);
  inPteOrder(perm, runStart, runLen, runs, runEnds);
  return { runs, runEnds, nRuns, zramBytes };
}

/**
 * zram bytes of the last swapOutRuns. A module variable, not a returned
 * object: V8 compiles swapOutRuns' loop on stack replacement before the code
 * after it ever ran, and a property access there, without type feedback,
 * threw that compiled code away again at the end of every process's swap-out.
 */
let swappedOutBytes = 0;

/** The swap-out itself: runs of slots, each page's zram object stored. Returns the run count (zram bytes in swappedOutBytes). */
function swapOutRuns(d: SwapLayoutDeps, pid: number, spec: SwapLayoutSpec, runStart: Int32Array, runLen: Uint16Array): number {
  let nRuns = 0;
  let zramBytes = 0;
  let left = spec.swapPages;
  const folio = Math.max(1, spec.folioPages);
  const frag = spec.fragmentation;
  const rng = d.layoutRng;
  const zrng = d.zramRng;
  const same = d.sameFilledRatio;
  const notSame = 1 - same;
  const meanBytes = PAGE_SIZE / d.compressionRatio;
  const { si, zram } = d;
  while (left > 0) {
    const nr = swapRunLength(left, folio, frag, rng);
    const start = allocSwapRun(si, nr, frag, rng);
    si.recordCgroup(start, nr, pid);
    for (let s = start, e = start + nr; s < e; s++) {
      const v = zrng.float();
      const bytes = v < same ? 0 : compressedBytesAround(meanBytes, (v - same) / notSame);
      zram.store(s, bytes, false);
      zramBytes += bytes;
    }
    runStart[nRuns] = start;
    runLen[nRuns] = nr;
    nRuns++;
    left -= nr;
  }
  swappedOutBytes = zramBytes;
  return nRuns;
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
 * A random permutation of 0..n-1 in `perm` (PTE order is not swap-out order).
 * One loop per function: a loop compiled on stack replacement before the next
 * loop ever ran would be thrown away there (no type feedback) on every call.
 */
function shuffledIndex(perm: Int32Array, rng: RngStream): Int32Array {
  identity(perm);
  fisherYates(perm, rng);
  return perm;
}

function identity(perm: Int32Array): void {
  for (let i = 0; i < perm.length; i++) perm[i] = i;
}

function fisherYates(perm: Int32Array, rng: RngStream): void {
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
}

/** The runs in PTE order (`perm`), and where each ends counted in entries. */
function inPteOrder(perm: Int32Array, runStart: Int32Array, runLen: Uint16Array, runs: PteOrderRuns, runEnds: Int32Array): void {
  let k = 0;
  for (let i = 0; i < perm.length; i++) {
    const r = perm[i]!;
    runs.start[i] = runStart[r]!;
    runs.nr[i] = runLen[r]!;
    k += runLen[r]!;
    runEnds[i] = k;
  }
}
