// mm/memory.c unmap_vmas() -> zap_pte_range(), one PMD chunk at a time:
// under the PTE lock (preemption off) present pages go to the mmu_gather,
// swap entries go in swap_pte_batch() runs to free_swap_and_cache_nr() via
// the policy hook, RSS counters are updated once per chunk
// (add_mm_rss_vec); a full gather forces tlb_flush_mmu() after the lock is
// dropped; cond_resched() between PMDs.

import type { Program, TaskCtx } from '../../engine/steps.js';
import type { Kernel } from '../kernel.js';
import { EMPTY_SLOTS, type PmdChunk } from '../mm/mm-struct.js';
import { MMU_GATHER_MAX_PAGES, type MmuGather } from '../mm/mmu-gather.js';
import type { Task } from '../sched/task.js';
import { giveBackSwapRuns, lendSwapRuns, NO_SWAP_RUNS, SwapRuns } from '../swap/swap-runs.js';
import { taskIsDying } from './signal.js';

export function* unmapVmas(K: Kernel, k: TaskCtx, tlb: MmuGather, reverse: boolean): Program {
  const chunks = tlb.mm.chunks;
  const start = K.now;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[reverse ? chunks.length - 1 - i : i]!;
    if (chunk.zapped) continue;
    yield k.call(zapPteRange(K, k, tlb, chunk));
    yield k.condResched();
  }
  if (K.core.trace.enabled) K.core.trace.span(tlb.task, 'unmap_vmas', start, K.now);
}

export function* zapPteRange(K: Kernel, k: TaskCtx, tlb: MmuGather, chunk: PmdChunk): Program {
  const c = K.costs;
  const mm = tlb.mm;
  const task = tlb.task;
  yield k.lock(chunk.ptl);
  if (chunk.zapped) {
    yield k.unlock(chunk.ptl);
    return;
  } // the other side (exit or reaper) got here first
  chunk.zapped = true;
  const present = chunk.present;
  const file = chunk.file;
  const nSwap = chunk.nrSwap;
  const runs = nSwap > 0 ? detachSwapRuns(K, chunk, K.preset.swapPteBatch) : NO_SWAP_RUNS;
  // zap_nonpresent_ptes runs once per swap_pte_batch run (once per swap PTE before 6.10).
  const walkNs = present * c.zap_present_pte_ns + file * c.zap_file_pte_ns + nSwap * c.zap_swap_pte_ns + runs.length * c.zap_nonpresent_call_ns;
  chargeFreeing(K, task, mm.id, walkNs);
  yield k.work(walkNs);
  chunk.present = 0;
  chunk.file = 0;
  tlb.gatheredPages += present;
  if (nSwap > 0) {
    const t0 = K.now;
    yield k.call(K.policy.zapSwapRuns(K, k, tlb, runs));
    K.core.trace.zapSwapFreed(task, K.now - t0, nSwap, taskIsDying(task));
    if (K.core.trace.enabled) K.core.trace.span(task, 'free_swap_and_cache_nr', t0, K.now, { entries: nSwap, runs: runs.length });
    giveBackSwapRuns(runs);
  }
  yield k.unlock(chunk.ptl);
  mm.MM_ANONPAGES -= present;
  mm.MM_FILEPAGES -= file;
  mm.MM_SWAPENTS -= nSwap;
  if (tlb.gatheredPages >= MMU_GATHER_MAX_PAGES) yield k.call(tlbFlushMmu(K, k, tlb));
}

/**
 * detachSwapEntries() as swap_pte_batch() runs. A chunk still holding the
 * runs swap-out left gives them without listing its slots first: the same
 * runs swapPteBatch() finds in the slots (consecutive runs merge; without
 * batching, one run per entry).
 */
function detachSwapRuns(K: Kernel, chunk: PmdChunk, batch: boolean): SwapRuns {
  const out = lendSwapRuns();
  const unlisted = chunk.unlistedSwapRuns();
  if (!unlisted) {
    swapPteBatchInto(out, detachSwapEntries(K, chunk), batch);
    return out;
  }
  K.si.detachedEntries += chunk.nrSwap;
  chunk.swap = EMPTY_SLOTS;
  const { runs: r, from, to } = unlisted;
  for (let i = from; i < to; i++) {
    const start = r.start[i]!;
    const nr = r.nr[i]!;
    if (batch) out.pushMerging(start, nr);
    else for (let s = start; s < start + nr; s++) out.push(s, 1);
  }
  return out;
}

/** The chunk's swap PTEs are cleared: their entries are detached until their swap_map reference is put. */
export function detachSwapEntries(K: Kernel, chunk: PmdChunk): Int32Array {
  const swap = chunk.swap;
  chunk.swap = EMPTY_SLOTS;
  K.si.detachedEntries += swap.length;
  return swap;
}

/** tlb_flush_mmu() -> free_pages_and_swap_cache(): gathered pages go back to the buddy allocator. */
export function* tlbFlushMmu(K: Kernel, k: TaskCtx, tlb: MmuGather): Program {
  const n = tlb.gatheredPages;
  if (n === 0) return;
  const w = n * K.costs.free_page_ns;
  chargeFreeing(K, tlb.task, tlb.mm.id, w);
  yield k.work(w);
  tlb.gatheredPages = 0;
  K.zone.free(n);
  K.core.trace.presentPagesFreed(tlb.mm.id, n, K.now);
}

/** Freeing work `task` does on memory of process `ownerPid`: unaccounted when it is not that process's own. */
function chargeFreeing(K: Kernel, task: Task, ownerPid: number, workNs: number): void {
  if (task.proc.pid !== ownerPid) K.core.trace.freeingWork(task, workNs, 1);
}

/** tlb_finish_mmu(): flush what is left, then the policy's finish hook. */
export function* tlbFinishMmu(K: Kernel, k: TaskCtx, tlb: MmuGather): Program {
  yield k.call(tlbFlushMmu(K, k, tlb));
  const fin = K.policy.tlbFinishMmu?.(K, k, tlb);
  if (fin) yield k.call(fin);
}

/**
 * swap_pte_batch(): contiguous PTEs whose slots are consecutive form one
 * run (v6.10+); older kernels free entry by entry.
 */
export function swapPteBatch(slots: ArrayLike<number>, batch: boolean): SwapRuns {
  const runs = new SwapRuns();
  swapPteBatchInto(runs, slots, batch);
  return runs;
}

function swapPteBatchInto(runs: SwapRuns, slots: ArrayLike<number>, batch: boolean): void {
  let i = 0;
  while (i < slots.length) {
    const start = slots[i]!;
    let nr = 1;
    if (batch) while (i + nr < slots.length && slots[i + nr] === start + nr) nr++;
    runs.push(start, nr);
    i += nr;
  }
}
