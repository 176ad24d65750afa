// The energy model (kernel/power/energy_model.c in spirit): each CPU draws
// its operating point's busy power while it runs or spins, and its cluster's
// idle power otherwise. Energy is charged to the category of the task on the
// CPU; idle time to 'idle'. An observer: it records, never steers.

import { CPU_CATEGORIES, type CpuCategory } from './task.js';
import type { Scheduler } from './core.js';
import type { Cpufreq } from './cpufreq.js';

export class EnergyMeter {
  /** mJ by category index (CPU_CATEGORY_INDEX). */
  private readonly mj = new Float64Array(CPU_CATEGORIES.length);
  private readonly busyNs: Float64Array;

  constructor(
    private readonly sched: Scheduler,
    private readonly cpufreq: Cpufreq,
  ) {
    this.busyNs = new Float64Array(sched.cpus.length);
    // Slices are cut at every frequency change, so one slice runs at one operating point:
    // the one current when it is reported.
    sched.observers.push({
      cpuSlice: (cpu, task, s, e) => {
        this.busyNs[cpu] += e - s;
        this.mj[task.categoryIndex] += (e - s) * cpufreq.busyMw(cpu) * 1e-9;
      },
    });
  }

  /** Energy per category over [0, endNs), mJ; call after the scheduler's finish(). */
  byCategory(endNs: number): Record<CpuCategory, number> {
    const out = Object.fromEntries(CPU_CATEGORIES.map((c, i) => [c, this.mj[i]!])) as Record<CpuCategory, number>;
    for (const c of this.sched.cpus) out.idle += Math.max(0, endNs - this.busyNs[c.id]!) * this.cpufreq.idleMw(c.id) * 1e-9;
    return out;
  }
}
