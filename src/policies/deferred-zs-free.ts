// deferred-zs-free: the narrowest form of Barry Song's review of Zhiguo
// Jiang v3 (seeds/004, 20240805153639.1057-1-justinjiang@vivo.com): profile
// swap_free_nr()'s hot spots and make them cheaper rather than deferring
// the whole free; most of the cost is in zram, so "swap/mm core is not the
// right place". Only the allocator's work moves: zram_free_page() still
// runs in the freeing task (slot metadata, stats, swap_cgroup), but instead
// of zs_free() it puts the handle on a per-CPU list; an unbound kworker per
// CPU list drains it with zs_free() (and free_zspage() when a zspage
// empties) under the zsmalloc locks. The swap side stays synchronous: the
// swap_map entries are freed before the worker runs, so swap allocation
// sees them at once; only compressed memory comes back later.
//
// Assumed: zram cannot tell a dying caller from any other, so every
// zram_slot_free_notify() defers (exit, munmap, reapers alike); the list
// add costs `add_ns` per handle; the worker is queued when a CPU's list
// goes from empty to non-empty, on system_unbound_wq-like max_active
// (default), at nice 0 unless `highpri`.

import { z } from 'zod';
import type { Program, TaskCtx } from '../engine/steps.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Task } from '../kernel/sched/task.js';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { initWork, WQ_HIGHPRI, WQ_UNBOUND, type Workqueue, type WorkStruct } from '../kernel/workqueue/workqueue.js';
import { definePolicy } from './module.js';

/** A zsmalloc object zram let go of, waiting for zs_free. */
interface DeferredHandle {
  zspage: number;
  classIndex: number;
  bytes: number;
  /** swap_cgroup owner (memcg id = pid in the model), for the release metrics. */
  owner: number;
}

/** Handles one worker step frees under one lock hold at most (a PMD's worth, like the exit path). */
const MAX_HANDLES_PER_HOLD = 512;

export default definePolicy({
  name: 'deferred-zs-free',
  summary: 'Barry Song (narrowest form): swap side stays synchronous; only zs_free moves to per-CPU lists drained by an unbound kworker',
  source: "Barry Song's review of Zhiguo Jiang v3, 20240805153639.1057-1-justinjiang@vivo.com (seeds/004)",
  options: z.strictObject({
    add_ns: z.number().min(0).max(10_000).default(20).describe('CPU to put one handle on the per-CPU list (ns at capacity 1024, 0..10000; an estimate)'),
    highpri: z.boolean().default(false).describe('Drain on a WQ_HIGHPRI (nice -20) unbound workqueue instead of a nice-0 one'),
  }),
  create: (o) => {
    let wq: Workqueue;
    const lists = new Map<number, DeferredHandle[]>(); // CPU -> freed handles
    const works = new Map<number, WorkStruct>(); // CPU -> its drain work

    function* drain(K: Kernel, k: TaskCtx, worker: Task, cpu: number): Program {
      const c = K.costs;
      const handles = lists.get(cpu)!.splice(0);
      // Grouped by the lock zs_free takes (pool lock on 6.6, class locks later), a hold per MAX_HANDLES_PER_HOLD.
      const byLock = new Map<unknown, DeferredHandle[]>();
      for (const h of handles) {
        const lock = K.zs.lockFor(h.classIndex);
        let g = byLock.get(lock);
        if (!g) {
          g = [];
          byLock.set(lock, g);
        }
        g.push(h);
      }
      for (const group of byLock.values()) {
        for (let i = 0; i < group.length; i += MAX_HANDLES_PER_HOLD) {
          const part = group.slice(i, i + MAX_HANDLES_PER_HOLD);
          const lock = K.zs.lockFor(part[0]!.classIndex);
          yield k.lock(lock);
          yield k.work(part.length * c.zs_free_ns);
          let zspagesFreed = 0;
          for (const h of part) {
            if (K.zs.free(h.zspage) > 0) zspagesFreed++;
            K.core.trace.zramObjectFreed(h.owner, h.bytes, K.now);
          }
          if (zspagesFreed > 0) yield k.work(zspagesFreed * c.free_zspage_ns);
          yield k.unlock(lock);
          // A kworker's work on an app's memory: charged to nobody in the app.
          K.core.trace.freeingWork(worker, part.length * c.zs_free_ns + zspagesFreed * c.free_zspage_ns, 1);
        }
      }
    }

    return {
      name: 'deferred-zs-free',
      init(K) {
        wq = K.core.workqueues.allocWorkqueue('zs_free_deferred', WQ_UNBOUND | (o.highpri ? WQ_HIGHPRI : 0), 0);
      },
      *zapSwapRuns(K, k, tlb, runs) {
        yield k.call(freeSwapRunsSync(K, k, tlb.task, runs));
      },
      *zsFree(K, k, task, slots) {
        const cpu = task.cpu;
        let list = lists.get(cpu);
        if (!list) {
          list = [];
          lists.set(cpu, list);
        }
        const wasEmpty = list.length === 0;
        for (const slot of slots) {
          const bytes = K.zram.objectBytes(slot);
          const classIndex = K.zram.classIndex(slot);
          const r = K.zram.slotFreeNotifyDeferZsFree(slot);
          const owner = K.si.clearCgroup(slot); // mem_cgroup_uncharge_swap: swap side, now
          if (typeof r === 'number' && r >= 0) list.push({ zspage: r, classIndex, bytes, owner });
          else K.core.trace.zramObjectFreed(owner, bytes, K.now); // same-filled (nothing to free) or miss_free (leaks)
        }
        yield k.work(slots.length * o.add_ns);
        if (wasEmpty && list.length > 0) {
          let w = works.get(cpu);
          if (!w) {
            w = initWork(`zs_free_deferred/${cpu}`, (kk, worker) => drain(K, kk, worker, cpu));
            works.set(cpu, w);
          }
          wq.queueWork(w);
        }
      },
    };
  },
});
