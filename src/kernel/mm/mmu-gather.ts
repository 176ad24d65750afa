// mm/mmu_gather.c: struct mmu_gather batches unmapped pages and frees them
// at tlb_flush_mmu(); until then they still count as used memory.

import type { Task } from '../sched/task.js';
import type { MmStruct } from './mm-struct.js';

/**
 * Pages one gather holds before zap_pte_range must force a flush:
 * MMU_GATHER_BUNDLE (8) on the stack plus MAX_GATHER_BATCH_COUNT (19)
 * batches of MAX_GATHER_BATCH (510) pointers.
 */
export const MMU_GATHER_MAX_PAGES = 8 + 19 * 510;

export class MmuGather {
  /** Present pages unmapped but not yet freed. */
  gatheredPages = 0;
  /** Free-form state a swap-free policy hangs on this gather (Zhiguo Jiang's tlb->swp). */
  policyState: unknown = undefined;

  constructor(
    readonly mm: MmStruct,
    readonly task: Task,
    readonly fullmm: boolean,
  ) {}
}
