// async-mmu-gather: Zhiguo Jiang, "[PATCH v3] mm: tlb: multiple exiting
// processes's swap entries async release" (seeds/004).
//
// tlb_gather_mmu: a dying task whose mm has MM_SWAPENTS >= SWAP_CLUSTER_MAX
// (32) bumps nr_exiting_processes; with fewer than NR_MIN_EXITING_PROCESSES
// (2) it is only "freeable" and frees synchronously, switching to "freeing"
// as soon as a second process is exiting. A freeing gather parks runs in
// page-sized mmu_swap_batch arrays of MAX_SWAP_GATHER_BATCH (510) encoded
// slots (a run with nr > 1 takes two), after an 8-slot on-stack bundle; a
// new batch page comes from __get_free_page(GFP_NOWAIT), which fails below
// the min watermark. When 19 batches are full, or a page cannot be had, the
// gather is queued on smfree_wq (UNBOUND | HIGHPRI | MEM_RECLAIM,
// max_active 1) and a new one starts; tlb_finish_mmu queues the rest.

import { z } from 'zod';
import type { Program, TaskCtx } from '../engine/steps.js';
import { taskIsDying } from '../kernel/exit/signal.js';
import type { Kernel } from '../kernel/kernel.js';
import type { MmuGather } from '../kernel/mm/mmu-gather.js';
import type { SwapFreePolicy } from '../kernel/policy-hooks.js';
import type { Task } from '../kernel/sched/task.js';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { SwapRuns } from '../kernel/swap/swap-runs.js';
import { initWork, WQ_HIGHPRI, WQ_MEM_RECLAIM, WQ_UNBOUND, type Workqueue } from '../kernel/workqueue/workqueue.js';
import { definePolicy } from './module.js';

const SWAP_CLUSTER_MAX = 32;
const NR_MIN_EXITING_PROCESSES = 2;
const MAX_SWAP_GATHER_BATCH = 510;
const MAX_SWAP_GATHER_BATCH_COUNT = Math.floor(10000 / MAX_SWAP_GATHER_BATCH); // 19
const MMU_GATHER_BUNDLE = 8;

/** struct mmu_swap_gather: the parked runs of one work item and its batch pages. */
interface SwapGather {
  runs: SwapRuns;
  entries: number;
  /** Slots used in the active batch, and its capacity. */
  activeNr: number;
  activeMax: number;
  batchCount: number;
  pages: number;
}

interface TlbSwapState {
  freeable: boolean;
  freeing: boolean;
  swp: SwapGather | null;
}

export default definePolicy({
  name: 'async-mmu-gather',
  summary: 'Zhiguo Jiang v3: per-mm gather of parked runs, queued to one highpri kworker once two processes exit',
  source: 'Message-ID 20240805153639.1057-1-justinjiang@vivo.com (v3, seeds/004)',
  options: z.strictObject({}),
  create: () => createAsyncMmuGatherPolicy(),
});

/**
 * A variant whose worker count follows the number of exiting processes
 * (async-scaled-workers): smfree_wq gets the default max_active and the
 * policy keeps at most workersFor(nr_exiting_processes) gathers executing.
 */
export interface WorkerScaling {
  name: string;
  workersFor(nrExitingProcesses: number): number;
}

export function createAsyncMmuGatherPolicy(scaling?: WorkerScaling): SwapFreePolicy & { readonly scaledWorkers: { maxExecuting: number; maxAllowed: number } } {
  let nrExitingProcesses = 0;
  let wq: Workqueue;
  let seq = 0;
  // With scaling: gathers waiting for a worker, and gathers executing.
  const backlog: SwapGather[] = [];
  let executing = 0;
  // Most gathers executing at once, and most workers the rule allowed (for tests and reports).
  let maxExecuting = 0;
  let maxAllowed = 0;

  const newGather = (): SwapGather => ({ runs: new SwapRuns(), entries: 0, activeNr: 0, activeMax: MMU_GATHER_BUNDLE, batchCount: 0, pages: 0 });

  function* freeWork(K: Kernel, k: TaskCtx, worker: Task, g: SwapGather): Program {
    // tlb_swap_async_free_work: free_swap_and_cache_nr per encoded run, then the batch pages.
    yield k.call(K.parked.freeInWorker(k, worker, g.runs));
    if (g.pages > 0) K.zone.free(g.pages);
    K.vmstat.count('smfree_work_entries', g.entries);
  }

  function queueGather(K: Kernel, st: TlbSwapState, restart: boolean): void {
    const g = st.swp!;
    if (g.entries > 0 || g.pages > 0) {
      if (scaling) {
        backlog.push(g);
        dispatch(K);
      } else wq.queueWork(initWork(`tlb_swap_async_free_work#${seq++}`, (k, t) => freeWork(K, k, t, g)));
    }
    st.swp = restart ? newGather() : null;
  }

  /** workqueue_set_max_active() as the exiting count changes: start gathers up to the allowed workers. */
  function dispatch(K: Kernel): void {
    const allowed = Math.max(1, scaling!.workersFor(nrExitingProcesses));
    maxAllowed = Math.max(maxAllowed, allowed);
    while (backlog.length > 0 && executing < allowed) {
      const g = backlog.shift()!;
      executing++;
      maxExecuting = Math.max(maxExecuting, executing);
      wq.queueWork(
        initWork(`tlb_swap_async_free_work#${seq++}`, function* (k, t) {
          yield k.call(freeWork(K, k, t, g));
          executing--;
          dispatch(K);
        }),
      );
    }
  }

  /** __tlb_remove_swap_entries for one run: true if parked, false to free it now. */
  function removeSwapEntries(K: Kernel, st: TlbSwapState, runs: SwapRuns, i: number, cost: { pages: number }): boolean {
    if (!st.freeable && !st.freeing) return false;
    if (st.freeable) {
      if (nrExitingProcesses < NR_MIN_EXITING_PROCESSES) return false;
      st.freeable = false;
      st.freeing = true;
    }
    if (!st.swp) st.swp = newGather();
    const g = st.swp;
    if (g.activeNr >= g.activeMax - 1) {
      queueGather(K, st, true);
      return false;
    }
    const nr = runs.nr[i]!;
    g.activeNr += nr === 1 ? 1 : 2;
    g.runs.pushRun(runs, i);
    g.entries += nr;
    if (g.activeNr >= g.activeMax - 1) {
      // __tlb_swap_next_batch: a new page-sized batch, or hand the gather to the kworker.
      if (g.batchCount === MAX_SWAP_GATHER_BATCH_COUNT || !K.zone.watermarkOk(1, K.zone.wmark.minPages)) {
        queueGather(K, st, true);
      } else {
        K.zone.allocate(1);
        cost.pages++;
        g.pages++;
        g.batchCount++;
        g.activeNr = 0;
        g.activeMax = MAX_SWAP_GATHER_BATCH;
      }
    }
    return true;
  }

  const stateOf = (tlb: MmuGather): TlbSwapState | undefined => tlb.policyState as TlbSwapState | undefined;

  return {
    name: scaling?.name ?? 'async-mmu-gather',
    /** With scaling: most gathers freed at once, and most workers ceil(exiting / N) allowed. */
    get scaledWorkers() {
      return { maxExecuting, maxAllowed };
    },
    init(K) {
      wq = K.core.workqueues.allocWorkqueue('smfree_wq', WQ_UNBOUND | WQ_HIGHPRI | WQ_MEM_RECLAIM, scaling ? 0 : 1);
    },
    tlbGatherMmu(K, tlb) {
      // __tlb_swap_gather_mmu_check
      if (!taskIsDying(tlb.task) || tlb.mm.MM_SWAPENTS < SWAP_CLUSTER_MAX) return;
      nrExitingProcesses++;
      const st: TlbSwapState = { freeable: false, freeing: false, swp: null };
      if (nrExitingProcesses < NR_MIN_EXITING_PROCESSES) st.freeable = true;
      else {
        st.freeing = true;
        st.swp = newGather();
      }
      tlb.policyState = st;
      if (scaling) dispatch(K);
    },
    *zapSwapRuns(K, k, tlb, runs) {
      const st = stateOf(tlb);
      if (!st) {
        yield k.call(freeSwapRunsSync(K, k, tlb.task, runs));
        return;
      }
      const cost = { pages: 0 };
      const now = new SwapRuns();
      const parked = new SwapRuns();
      for (let i = 0; i < runs.length; i++) {
        if (removeSwapEntries(K, st, runs, i, cost)) parked.pushRun(runs, i);
        else now.pushRun(runs, i);
      }
      if (parked.length > 0) K.parked.park(parked);
      yield k.work(parked.length * K.costs.swap_gather_add_ns + cost.pages * K.costs.get_free_page_ns);
      if (now.length > 0) yield k.call(freeSwapRunsSync(K, k, tlb.task, now));
    },
    *tlbFinishMmu(K, _k, tlb) {
      // __tlb_batch_swap_finish
      const st = stateOf(tlb);
      if (!st) return;
      if (st.freeing && st.swp) {
        yield _k.work(K.costs.queue_work_ns);
        queueGather(K, st, false);
      }
      st.freeable = false;
      st.freeing = false;
      nrExitingProcesses--;
    },
  };
}
