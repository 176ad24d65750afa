// sync: today's kernel. Every free_swap_and_cache_nr() call frees its run
// at once, in the context of whoever zaps the page table.

import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import type { SwapFreePolicy } from './policy.js';

export function createSyncPolicy(): SwapFreePolicy {
  return {
    name: 'sync',
    summary: "today's kernel: swap entries are freed by whoever zaps the page table, at once",
    *zapSwapRuns(K, k, tlb, runs) {
      yield* freeSwapRunsSync(K, k, tlb.task, runs);
    },
    parkedEntries: () => 0,
  };
}
