// async-scaled-workers: Zhiguo Jiang's answer to Barry Song's NUMA question
// in review of his v3 (seeds/004, 20240805153639.1057-1-justinjiang@vivo.com):
// "dynamically determine the number of asynchronous kworkers ... every 8
// exiting processes corresponds to one asynchronous kworker": [1, 8] -> 1,
// [9, 16] -> 2, [8N+1, 8(N+1)] -> N+1.
//
// Modeled as async-mmu-gather (v3) in every respect but smfree_wq's
// concurrency: instead of max_active 1, at most ceil(nr_exiting_processes /
// per_worker) gathers execute at once (at least one while gathers wait), as
// if workqueue_set_max_active() followed nr_exiting_processes. Assumed: the
// limit is re-evaluated when a process starts exiting and when a gather
// finishes (not continuously); nr_exiting_processes is v3's counter (dying
// tasks with MM_SWAPENTS >= 32, from tlb_gather_mmu to tlb_finish_mmu).

import { z } from 'zod';
import { createAsyncMmuGatherPolicy } from './async-mmu-gather.js';
import { definePolicy } from './module.js';

export default definePolicy({
  name: 'async-scaled-workers',
  summary: 'Zhiguo Jiang: async-mmu-gather with ceil(exiting / 8) kworkers instead of one',
  source: "Zhiguo Jiang's reply to Barry Song on v3, 20240805153639.1057-1-justinjiang@vivo.com (seeds/004)",
  options: z.strictObject({
    per_worker: z.int().min(1).max(1024).default(8).describe('Exiting processes per async kworker (1..1024; the proposal: 8)'),
  }),
  create: (o) =>
    createAsyncMmuGatherPolicy({
      name: 'async-scaled-workers',
      workersFor: (nrExiting) => Math.ceil(nrExiting / o.per_worker),
    }),
});
