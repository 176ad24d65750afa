// fork-and-free: Andrew Morton in reply to Zhiguo Jiang v2 (seeds/001,
// "Re: [PATCH v2 0/3] mm: tlb swap entries batch async release", 31 Jul
// 2024): "why can't this be done in userspace? The exiting process does
// fork/exit and lets the child do all this asynchronous freeing?"
//
// The smallest faithful version, and what it assumes: a SIGKILLed process
// runs no more userspace code, so the child must exist before the kill. The
// app keeps a helper child sharing its mm (clone(CLONE_VM), outside its
// process group, so LMKD's kill does not reach it) with PR_SET_PDEATHSIG;
// the fork happened long before and costs nothing here. At exit_mm() the
// dying process drops its mm without exit_mmap (mm_users > 1) and dies at
// once; the helper, woken by the parent's death, exits and runs exit_mmap
// at its own nice level (option `nice`), in the app's cpuset. Its CPU time
// is its own and the app's cgroup's: the model charges it to the victim's
// process, so unaccounted_cpu_ms stays ~0 (Morton's third objection met).
// A consequence of the shared mm: task_will_free_mem() is false for the
// victim (a live process outside the kill shares the mm), so neither
// process_mrelease() nor the oom reaper can reap it: the policy sets
// MMF_OOM_SKIP at the kill to say so. Swap entries are freed synchronously
// by the helper.

import { z } from 'zod';
import { exitMmap } from '../kernel/exit/do-exit.js';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { definePolicy } from './module.js';

export default definePolicy({
  name: 'fork-and-free',
  summary: 'Andrew Morton: a pre-forked child sharing the mm frees it after the parent dies, at its own nice and in its own accounting',
  source: 'Andrew Morton, Re: [PATCH v2 0/3] mm: tlb swap entries batch async release, 31 Jul 2024 (seeds/001)',
  options: z.strictObject({
    nice: z.int().min(-20).max(19).default(10).describe("Nice level of the helper child that runs exit_mmap (-20..19; the app's own is 0)"),
    wake_us: z.number().min(0).max(100_000).default(50).describe('CPU for the helper to notice the parent death and enter exit (us at capacity 1024, 0..100000; an estimate)'),
  }),
  create: (o) => {
    let helpersRunning = 0;
    return {
      name: 'fork-and-free',
      *zapSwapRuns(K, k, tlb, runs) {
        yield* freeSwapRunsSync(K, k, tlb.task, runs);
      },
      processKilled(_K, proc) {
        // The mm is shared with the helper, which the kill does not reach: no reaper may touch it.
        proc.originalMm.flags.MMF_OOM_SKIP = true;
      },
      exitMm(K, task, proc, mm) {
        helpersRunning++;
        K.sched.spawn({ name: `${proc.name}:free`, proc, nice: o.nice, cpuset: task.cpuset, category: 'exiting' }, function* (k, helper) {
          yield k.work(o.wake_us * 1e3);
          yield k.call(exitMmap(K, k, helper, proc, mm));
          helpersRunning--;
        });
        return true;
      },
      inFlight: () => helpersRunning > 0,
    };
  },
});
