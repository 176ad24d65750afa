// What a policy written outside the project imports (`swaplab/policy` once
// swaplab is installed): the module helper, zod for its options, and the
// kernel calls a policy makes. docs/policies.md walks through one.

export { z } from 'zod';
export { definePolicy, type PolicyModule } from './module.js';
export type { SwapFreePolicy } from '../kernel/policy-hooks.js';
export type { Kernel } from '../kernel/kernel.js';
export type { MmuGather } from '../kernel/mm/mmu-gather.js';
export { SwapRuns, type SwapRun } from '../kernel/swap/swap-runs.js';
export type { Task } from '../kernel/sched/task.js';
export type { Program, TaskCtx } from '../engine/steps.js';
export { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
export { taskIsDying } from '../kernel/exit/signal.js';
export { initWork, WQ_HIGHPRI, WQ_MEM_RECLAIM, WQ_UNBOUND } from '../kernel/workqueue/workqueue.js';
