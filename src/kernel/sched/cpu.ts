// One CPU: what it runs, its run queue, and its RT-throttling state.

import type { EventTarget } from '../../engine/engine.js';
import { asDoubleFields } from '../../engine/double-fields.js';
import { RunQueue, type RootDomain } from './runqueue.js';
import type { Task } from './task.js';

/** Tags of a CPU's own events. */
export const CpuEvent = { resched: 0, slice: 1, rtThrottle: 2, rtPeriod: 3 } as const;

export interface CpuEventOwner {
  onCpuEvent(cpu: Cpu, tag: number): void;
}

/** Times in ns and frequency-scaled rates: doubles from the start (engine/double-fields.ts). */
const CPU_DOUBLE_FIELDS = ['lastUpdateNs', 'rtUsedNs', 'sliceStartNs', 'speed1024', 'invariantBusyNs'] as const;

export class Cpu implements EventTarget {
  curr: Task | null = null;
  readonly rq: RunQueue;
  /** Last time curr's work, vruntime and RT budget were brought up to date. */
  lastUpdateNs = 0;
  reschedPending = false;
  sliceTimer = -1;
  rtTimer = -1;
  /** RT time used in the current rt_period (sched_rt_runtime_us accounting). */
  rtUsedNs = 0;
  rtPeriodIndex = 0;
  rtThrottled = false;
  /** Start of the current (task, spinning) stretch, for CPU-slice observers. */
  sliceStartNs = 0;
  sliceSpinning = false;
  /**
   * Capacity at the current frequency (arch capacity x cur_freq / max_freq):
   * the rate work progresses. Equal to capacity1024 unless cpufreq lowers it.
   */
  speed1024: number;
  /** Busy time scaled by speed/1024 (frequency- and CPU-invariant, as PELT counts it), ns. */
  invariantBusyNs = 0;

  constructor(
    readonly id: number,
    readonly fpId: number,
    readonly capacity1024: number,
    readonly cluster: string,
    readonly node: number,
    private readonly owner: CpuEventOwner,
    rd: RootDomain,
  ) {
    this.rq = new RunQueue(rd);
    this.speed1024 = capacity1024;
    asDoubleFields(this, CPU_DOUBLE_FIELDS);
  }

  fire(tag: number): void {
    this.owner.onCpuEvent(this, tag);
  }

  get idle(): boolean {
    return this.curr === null && this.rq.size === 0;
  }

  /** nr_running: queued plus the one on the CPU. */
  get nrRunning(): number {
    return this.rq.size + (this.curr ? 1 : 0);
  }
}
