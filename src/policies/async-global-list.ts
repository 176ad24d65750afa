// async-global-list: Lei Liu, "[PATCH v0 1/2] mm: swap: Gather swap entries
// and batch async release core" (seeds/003), and 2/2 forced release.
//
// add_to_swap_gather_cache(): if the current task is dying and its mm still
// counts MM_SWAPENTS >= 3200 (read per PMD: the counter only shrinks at
// add_mm_rss_vec), each run gets a kmem_cache_alloc'ed record on one global
// list under spin_lock_irq(swap_cache_lock). Once cache_count >= 32, every
// add kmallocs a NEW work item and queues it on async_swap_free (UNBOUND |
// HIGHPRI | MEM_RECLAIM, max_active 0 = default) until a worker resets
// cache_count; that worker splices the whole list and frees every record
// with free_swap_and_cache_nr(), without cond_resched(). Forced release
// (2/2): __alloc_pages_may_oom() queues a flush of whatever is left.

import { z } from 'zod';
import type { Program, TaskCtx } from '../engine/steps.js';
import { taskIsDying } from '../kernel/exit/signal.js';
import type { Kernel } from '../kernel/kernel.js';
import type { QueuedLock } from '../kernel/locking/queued-lock.js';
import type { SwapFreePolicy } from '../kernel/policy-hooks.js';
import type { Task } from '../kernel/sched/task.js';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { SwapRuns } from '../kernel/swap/swap-runs.js';
import { initWork, WQ_HIGHPRI, WQ_MEM_RECLAIM, WQ_UNBOUND, type Workqueue } from '../kernel/workqueue/workqueue.js';
import { definePolicy } from './module.js';

const MIN_SWAPENTS = 100 * 32; // 100 * SWAP_CLUSTER_MAX
const MAX_CACHE_ENTRIES = 32;

const options = z.strictObject({
  forced_release: z.boolean().default(false).describe('Lei Liu patch 2/2: __alloc_pages_may_oom() queues a flush of whatever is left on the list'),
});

export default definePolicy({
  name: 'async-global-list',
  summary: 'Lei Liu v0: dying tasks park runs on one global list; a flush at 32 records queues kworkers',
  source: 'Message-ID 20250909065349.574894-2-liulei.rjpt@vivo.com (v0 1/2 and 2/2, seeds/003)',
  options,
  create: (o) => createAsyncGlobalListPolicy(o.forced_release),
});

function createAsyncGlobalListPolicy(forcedRelease: boolean): SwapFreePolicy {
  let list = new SwapRuns();
  let cacheCount = 0;
  let wq: Workqueue;
  let lock: QueuedLock;
  let seq = 0;

  function* asyncReleaseFunc(K: Kernel, k: TaskCtx, worker: Task): Program {
    if (cacheCount === 0) return; // another work item already took the list
    yield k.lock(lock);
    const taken = list;
    list = new SwapRuns();
    cacheCount = 0;
    yield k.unlock(lock);
    K.vmstat.count('async_swap_count', taken.length);
    // free_swap_and_cache_nr per record, then kmem_cache_free.
    yield k.call(K.parked.freeInWorker(k, worker, taken, K.costs.slab_alloc_ns / 2));
  }

  function flushCacheIfNeeded(K: Kernel, checkCount: boolean): void {
    if ((!checkCount && cacheCount > 0) || cacheCount >= MAX_CACHE_ENTRIES) {
      K.vmstat.count('async_swap_work_queued');
      wq.queueWork(initWork(`async_release_func#${seq++}`, (k, t) => asyncReleaseFunc(K, k, t)));
    }
  }

  return {
    name: 'async-global-list',
    init(K) {
      wq = K.core.workqueues.allocWorkqueue('async_swap_free', WQ_UNBOUND | WQ_HIGHPRI | WQ_MEM_RECLAIM, 0);
      lock = K.core.locks.spinlock('swap_cache_lock');
    },
    *zapSwapRuns(K, k, tlb, runs) {
      const task = tlb.task;
      if (!taskIsDying(task) || tlb.mm.MM_SWAPENTS < MIN_SWAPENTS) {
        yield k.call(freeSwapRunsSync(K, k, task, runs));
        return;
      }
      const c = K.costs;
      const perRun = K.cfg.aggregation === 'fine';
      // Chunk mode: one slab alloc + one list-lock hold for the PMD's records; fine mode: per record.
      const groups = perRun ? runs.singles() : [runs];
      for (const g of groups) {
        yield k.work(g.length * c.slab_alloc_ns);
        yield k.lock(lock);
        yield k.work(g.length * c.list_add_ns);
        let queued = 0;
        for (let i = 0; i < g.length; i++) {
          list.pushRun(g, i);
          cacheCount++;
          if (cacheCount >= MAX_CACHE_ENTRIES) queued++;
        }
        K.parked.park(g);
        yield k.unlock(lock);
        // flush_cache_if_needed(true) after every add: a new kmalloc'ed work item each time.
        if (queued > 0) {
          yield k.work(queued * (c.kmalloc_work_ns + c.queue_work_ns));
          for (let i = 0; i < queued; i++) flushCacheIfNeeded(K, true);
        }
      }
    },
    allocMayOom(K) {
      if (forcedRelease) flushCacheIfNeeded(K, false);
    },
    doExitEnd(K) {
      // Leftovers below the threshold wait for the next flush; forced release frees them under pressure.
      if (forcedRelease && cacheCount > 0) K.vmstat.count('async_swap_leftover_at_exit', cacheCount);
    },
  };
}
