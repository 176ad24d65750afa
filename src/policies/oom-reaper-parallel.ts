// oom-reaper-parallel: Shakeel Butt's proposal in review of Lei Liu v0
// (seeds/002, Message-ID of the thread 20250909065349.574894-1-liulei.rjpt@vivo.com):
// "cgroup.kill, beside sending SIGKILL, putting the processes of the target
// cgroup in the oom reaper list. In addition, making oom reaper able to reap
// processes in parallel", and T.J. Mercier's follow-up ("could we not also
// invoke the oom reaper's help for regular kill(SIGKILL)s?" - "I don't see
// why this can not be done").
//
// Modeled: every SIGKILL (kill(2), cgroup.kill, LMKD) queues the victim on
// the oom reaper's list; `reapers` kthreads (kernel/exit/oom-reaper.ts) take
// victims in order and reap each with __oom_reap_task_mm, the code
// process_mrelease runs. Swap entries are freed synchronously by whoever
// zaps a PMD first (the victim's exit or a reaper), as in today's kernel.
// Assumed: no OOM_REAPER_DELAY for these victims (delay_ms 0; the OOM
// killer's own path waits 2 s), reapers at nice 0 like today's oom_reaper
// kthread, unbound.

import { z } from 'zod';
import { OomReaper } from '../kernel/exit/oom-reaper.js';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { definePolicy } from './module.js';

export default definePolicy({
  name: 'oom-reaper-parallel',
  summary: 'Shakeel Butt: a kill also queues the victim for an oom reaper with N kthreads reaping in parallel',
  source: 'Shakeel Butt and T.J. Mercier in reply to Lei Liu v0, 20250909065349.574894-1-liulei.rjpt@vivo.com (seeds/002)',
  options: z.strictObject({
    reapers: z.int().min(1).max(64).default(4).describe('oom reaper kthreads reaping at once (today: 1; 1..64)'),
    nice: z.int().min(-20).max(19).default(0).describe('Nice level of the reaper kthreads (-20..19; the oom_reaper kthread runs at 0)'),
    delay_ms: z.number().min(0).max(10_000).default(0).describe('Delay from kill to reaping (ms, 0..10000; OOM_REAPER_DELAY is 2000 for OOM-killer victims)'),
  }),
  create: (o) => {
    let reaper: OomReaper | null = null;
    return {
      name: 'oom-reaper-parallel',
      init(K) {
        reaper = new OomReaper(K, { threads: o.reapers, nice: o.nice, delayNs: o.delay_ms * 1e6 });
      },
      *zapSwapRuns(K, k, tlb, runs) {
        yield k.call(freeSwapRunsSync(K, k, tlb.task, runs));
      },
      processKilled(_K, proc) {
        reaper!.queue(proc);
      },
      inFlight: () => reaper?.busy ?? false,
      /** The kernel's reaper this run built (read by tests and reports). */
      get oomReaper() {
        return reaper;
      },
    };
  },
});
