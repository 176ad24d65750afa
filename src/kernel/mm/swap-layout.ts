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

/** What the swap-out of a process's pages draws its runs from. */
export type SwapOutSpec = Pick<SwapLayoutSpec, 'swapPages' | 'folioPages' | 'fragmentation'>;

export interface SwapLayoutDeps {
  si: SwapInfo;
  /** The swap device's backing store (zram_write_page for the initial state: its pages are already outside the free count). */
  zram: { storeRuns(runStart: Int32Array, runLen: Uint16Array, nRuns: number, bytes: Uint16Array): void };
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

/** A process's swapped-out pages: runs in PTE order, where each run ends (entries so far; scratch, valid until the next process), zram bytes held. */
interface SwappedOut {
  runs: PteOrderRuns;
  runEnds: Int32Array;
  nRuns: number;
  zramBytes: number;
}

/**
 * Swap-out order runs, their scatter draws and the pages' compressed sizes,
 * reused from process to process (building is synchronous): fresh arrays per
 * process would be garbage the size of its swap, which the collector
 * reclaims only later.
 */
let scratch = { runStart: new Int32Array(0), runLen: new Uint16Array(0), scatter: new Float64Array(0), bytes: new Uint16Array(0) };

/**
 * Swap-out in passes: the runs' shapes (layoutRng), their slots (swap
 * device, swap_cgroup), the pages' compressed sizes (zramRng), then the zram
 * objects in swap-out order. Each pass touches its own state or stream, and
 * no draw depends on an allocation, so each stream's draws and every
 * allocation keep their order; and each loop stays small enough for V8 to
 * inline what it calls.
 */
function allocateSwapRuns(d: SwapLayoutDeps, pid: number, spec: SwapLayoutSpec): SwappedOut {
  const nRuns = allocSwapOut(d.si, spec, d.layoutRng);
  const { runStart, runLen, bytes } = scratch;
  d.si.recordCgroupRuns(nRuns, runStart, runLen, pid);
  const zramBytes = compressedSizes(d, bytes, spec.swapPages);
  d.zram.storeRuns(runStart, runLen, nRuns, bytes);
  // PTE order is not swap-out order: the runs themselves are shuffled.
  const runs: PteOrderRuns = { start: runStart.slice(0, nRuns), nr: runLen.slice(0, nRuns) };
  fisherYates(runs.start, runs.nr, d.layoutRng);
  // The swap-out order starts are copied out: their scratch holds the run ends (read by layoutChunks only, before the next process).
  return { runs, runEnds: runEndsOf(runs.nr, runStart), nRuns, zramBytes };
}

/**
 * A process's swap-out drawn and placed: its runs (drawRuns, from `rng`),
 * each allocated on the swap device in order (get_swap_pages). Returns how
 * many runs; their lengths and first slots are in scratch.runLen and
 * scratch.runStart until the next call. The swap-fit check replays this.
 */
export function allocSwapOut(si: SwapInfo, spec: SwapOutSpec, rng: { float(): number }): number {
  const n = spec.swapPages;
  if (scratch.runStart.length < n) scratch = { runStart: new Int32Array(n), runLen: new Uint16Array(n), scatter: new Float64Array(n), bytes: new Uint16Array(n) };
  const { runStart, runLen, scatter } = scratch;
  const nRuns = drawRuns(spec, rng, runLen, scatter);
  si.allocRuns(nRuns, runLen, scatter, runStart);
  return nRuns;
}

/**
 * The runs' lengths and scatter draws (swapRunLength, scatterDraw), run
 * by run. Drawn ahead of the allocations: the chain from a draw to the
 * cursor it picks is long, and each allocation waits on the last one's.
 */
function drawRuns(spec: SwapOutSpec, rng: { float(): number }, runLen: Uint16Array, scatter: Float64Array): number {
  let nRuns = 0;
  const folio = Math.max(1, spec.folioPages);
  const frag = spec.fragmentation;
  for (let left = spec.swapPages; left > 0; nRuns++) {
    const nr = swapRunLength(left, folio, frag, rng);
    scatter[nRuns] = scatterDraw(frag, rng);
    runLen[nRuns] = nr;
    left -= nr;
  }
  return nRuns;
}

/** What each of `n` pages compresses to (0: same-filled), one zramRng draw a page in swap-out order. Returns their sum. */
function compressedSizes(d: SwapLayoutDeps, bytes: Uint16Array, n: number): number {
  let sum = 0;
  const zrng = d.zramRng;
  const same = d.sameFilledRatio;
  const notSame = 1 - same;
  const meanBytes = PAGE_SIZE / d.compressionRatio;
  for (let k = 0; k < n; k++) {
    const v = zrng.float();
    const b = v < same ? 0 : compressedBytesAround(meanBytes, (v - same) / notSame);
    bytes[k] = b;
    sum += b;
  }
  return sum;
}

/** Slots of the next run: folios swapped out together get neighbouring slots; a break (probability = fragmentation) or a full PMD ends the run. */
function swapRunLength(left: number, folioPages: number, fragmentation: number, rng: { float(): number }): number {
  let nr = folioPages;
  const cap = Math.min(left, PTRS_PER_PTE);
  while (nr + folioPages <= cap && rng.float() >= fragmentation) nr += folioPages;
  return Math.min(nr, left);
}

/** SwapInfo.allocRun's scatterDraw: uniform in [0, 1) choosing another CPU's cluster (probability = fragmentation), else -1. */
function scatterDraw(fragmentation: number, rng: { float(): number }): number {
  const u = rng.float();
  return u < fragmentation ? u / fragmentation : -1;
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
    run = runsWithin(sw.runEnds, sw.nRuns, run, from + Math.min(target, room));
    if (run > firstRun) pos = sw.runEnds[run - 1]!;
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

/** The end of the whole runs from `run` on that end by entry `limit` (a loop over locals: `take`'s own variables live in its closure's context). */
function runsWithin(runEnds: Int32Array, nRuns: number, run: number, limit: number): number {
  while (run < nRuns && runEnds[run]! <= limit) run++;
  return run;
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
function runEndsOf(nr: Uint16Array, ends: Int32Array): Int32Array {
  let k = 0;
  for (let i = 0; i < nr.length; i++) ends[i] = k += nr[i]!;
  return ends;
}
