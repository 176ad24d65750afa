// Observes a run (CPU slices, free memory, parked entries, the mm
// tracepoints through ReleaseCollector) and records the series reports
// draw; never schedules events or changes state.

import type { Kernel } from '../kernel/kernel.js';
import { PAGES_PER_MIB } from '../kernel/mm/zone.js';
import { ReleaseCollector } from './release-collector.js';
import { CPU_CATEGORIES, type CpuCategory, type RunSeries } from './types.js';

const BUSY_BIN_NS = 10_000_000; // 10 ms bins; a 100 ms window is 10 of them
export const OCCUPANCY_BIN_NS = 50_000_000;

export class RunCollector {
  private readonly busyBins: number[] = [];
  private readonly occupancy: Array<Record<CpuCategory, number[]>>;
  private readonly free: Array<[number, number]> = [];
  private readonly deferred: Array<[number, number]> = [];
  /** Release, held-after-exit, parked-entry and unaccounted-work metrics (mm tracepoints). */
  readonly release: ReleaseCollector;

  constructor(private readonly K: Kernel) {
    const n = K.sched.cpus.length;
    this.occupancy = Array.from({ length: n }, () => Object.fromEntries(CPU_CATEGORIES.map((c) => [c, [] as number[]])) as unknown as Record<CpuCategory, number[]>);
    K.sched.observers.push({
      cpuSlice: (cpu, task, s, e) => {
        addSpread(this.busyBins, s, e, BUSY_BIN_NS);
        addSpread(this.occupancy[cpu]![task.category], s, e, OCCUPANCY_BIN_NS);
      },
    });
    this.free.push([0, K.zone.freePages / PAGES_PER_MIB]);
    K.zone.listeners.push((pages, now) => pushStep(this.free, now, pages / PAGES_PER_MIB));
    this.deferred.push([0, 0]);
    this.release = new ReleaseCollector(K);
    this.release.parkedListeners.push((entries, now) => pushStep(this.deferred, now, entries));
  }

  /** Highest share of all CPUs busy over any 100 ms window, percent. */
  cpuBusyPeakPct(endNs: number): number {
    const n = this.K.sched.cpus.length;
    const bins = Math.ceil(endNs / BUSY_BIN_NS);
    let best = 0;
    let win = 0;
    for (let i = 0; i < bins; i++) {
      win += this.busyBins[i] ?? 0;
      if (i >= 10) win -= this.busyBins[i - 10] ?? 0;
      if (i >= 9 || i === bins - 1) best = Math.max(best, win / (Math.min(10, i + 1) * BUSY_BIN_NS * n));
    }
    return best * 100;
  }

  series(endNs: number): RunSeries {
    const n = Math.ceil(endNs / OCCUPANCY_BIN_NS);
    const occ = this.occupancy.map((byCat) => {
      const out = {} as Record<CpuCategory, number[]>;
      for (const c of CPU_CATEGORIES) out[c] = Array.from({ length: n }, (_, i) => (byCat[c][i] ?? 0) / 1e6);
      // Idle is what no category used.
      out.idle = Array.from({ length: n }, (_, i) => {
        const binNs = Math.min(OCCUPANCY_BIN_NS, endNs - i * OCCUPANCY_BIN_NS);
        let used = 0;
        for (const c of CPU_CATEGORIES) if (c !== 'idle') used += byCat[c][i] ?? 0;
        return Math.max(0, (binNs - used) / 1e6);
      });
      return out;
    });
    return {
      samplePeriodNs: OCCUPANCY_BIN_NS,
      freeMemMib: this.free.map(([t, v]) => [t / 1e6, round3(v)]),
      deferredEntries: this.deferred.map(([t, v]) => [t / 1e6, v]),
      cpuOccupancyMs: occ,
      exitLatenciesMs: [],
      memoryReleaseMs: [],
    };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Records a step-function value, keeping one point per 0.1 ms (the last). */
function pushStep(arr: Array<[number, number]>, t: number, v: number): void {
  const last = arr[arr.length - 1];
  if (last && t - last[0] < 100_000 && arr.length > 1) { last[1] = v; return; }
  arr.push([t, v]);
}

function addSpread(bins: number[], s: number, e: number, binNs: number): void {
  let t = s;
  while (t < e) {
    const i = Math.floor(t / binNs);
    const end = Math.min(e, (i + 1) * binNs);
    bins[i] = (bins[i] ?? 0) + (end - t);
    t = end;
  }
}
