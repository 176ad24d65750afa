// The simulation core assembled: engine, CPUs and scheduler, locks,
// tracepoints and workqueues. The mm/swap/exit model builds on top of this.

import { Engine, IdAllocator } from '../engine/engine.js';
import { LockRegistry } from './locking/registry.js';
import { DEFAULT_SCHED_PARAMS, Scheduler, type SchedParams } from './sched/core.js';
import type { CpuSpec } from './sched/topology.js';
import { TracePoints } from './trace-points.js';
import { WorkqueueSystem, type WorkqueueParams } from './workqueue/workqueue.js';

export interface CoreMachineConfig {
  seed: number;
  cpus: CpuSpec[];
  sched?: Partial<SchedParams>;
  workqueue?: Partial<WorkqueueParams>;
}

export const DEFAULT_WORKQUEUE_PARAMS: WorkqueueParams = {
  defaultMaxActive: 256, // WQ_DFL_ACTIVE through 6.12
  createWorkerNs: 40_000, // kthread_create + first wake-up; see calibration
  maydayTimeoutNs: 10_000_000, // MAYDAY_INITIAL_TIMEOUT = HZ/100
};

export class CoreMachine {
  readonly engine: Engine;
  readonly ids = new IdAllocator();
  readonly sched: Scheduler;
  readonly locks = new LockRegistry();
  readonly trace = new TracePoints();
  readonly workqueues: WorkqueueSystem;

  constructor(cfg: CoreMachineConfig) {
    this.engine = new Engine(cfg.seed);
    this.sched = new Scheduler(this.engine, this.ids, cfg.cpus, { ...DEFAULT_SCHED_PARAMS, ...cfg.sched });
    this.workqueues = new WorkqueueSystem(this.sched, { ...DEFAULT_WORKQUEUE_PARAMS, ...cfg.workqueue }, this.trace);
  }
}

/** The seed phone's CPUs: 4 little, 3 big, 1 prime (capacities from a typical SM8550-class DT). */
export function phoneCpus(): CpuSpec[] {
  return [
    ...Array.from({ length: 4 }, () => ({ capacity1024: 400, cluster: 'little', node: 0 })),
    ...Array.from({ length: 3 }, () => ({ capacity1024: 860, cluster: 'big', node: 0 })),
    { capacity1024: 1024, cluster: 'prime', node: 0 },
  ];
}
