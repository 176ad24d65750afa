// sync: today's kernel. Every free_swap_and_cache_nr() call frees its run
// at once, in the context of whoever zaps the page table.

import { z } from 'zod';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import type { SwapFreePolicy } from './api.js';
import { definePolicy } from './module.js';

/**
 * One hook for every run, not a closure per create(): the exit path's call
 * site then keeps seeing the same function from run to run, and a warm
 * worker's optimised code is not thrown away at the start of each run.
 * The free path's generator itself, not a wrapper: each of its steps would
 * resume one frame more.
 */
const zapSwapRuns: SwapFreePolicy['zapSwapRuns'] = (K, k, tlb, runs) => freeSwapRunsSync(K, k, tlb.task, runs);

export default definePolicy({
  name: 'sync',
  summary: "today's kernel: swap entries are freed by whoever zaps the page table, at once",
  source: 'mm/memory.c zap_nonpresent_ptes() -> mm/swapfile.c free_swap_and_cache_nr()',
  options: z.strictObject({}),
  create: () => ({ name: 'sync', zapSwapRuns }),
});
