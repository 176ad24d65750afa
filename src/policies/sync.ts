// sync: today's kernel. Every free_swap_and_cache_nr() call frees its run
// at once, in the context of whoever zaps the page table.

import { z } from 'zod';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { definePolicy } from './module.js';

export default definePolicy({
  name: 'sync',
  summary: "today's kernel: swap entries are freed by whoever zaps the page table, at once",
  source: 'mm/memory.c zap_nonpresent_ptes() -> mm/swapfile.c free_swap_and_cache_nr()',
  options: z.strictObject({}),
  create: () => ({
    name: 'sync',
    // The free path's generator itself, not a wrapper: each of its steps would resume one frame more.
    zapSwapRuns: (K, k, tlb, runs) => freeSwapRunsSync(K, k, tlb.task, runs),
  }),
});
