// Observes a run (CPU slices, free memory, parked entries, the mm
// tracepoints through ReleaseCollector) and records the series reports
// draw; never schedules events or changes state.

import type { Kernel } from '../kernel/kernel.js';
import { PAGES_PER_MIB, type FreePagesListener } from '../kernel/mm/zone.js';
import type { SchedObserver } from '../kernel/sched/core.js';
import type { Task } from '../kernel/sched/task.js';
import { ReleaseCollector, type ParkedListener } from './release-collector.js';
import { CPU_CATEGORIES, type CpuCategory, type RunSeries } from './types.js';
import { grown } from '../engine/typed-arrays.js';

const CATEGORY_BIN_NS = 1_000_000; // 1 ms bins for CPU time by category over a window
export const OCCUPANCY_BIN_NS = 50_000_000;

/**
 * The collector is its own observer (CPU slices, free pages, parked
 * entries): methods on one class, not closures made per run, so code V8
 * optimised in a worker's previous run keeps its call targets.
 */
export class RunCollector implements SchedObserver, FreePagesListener, ParkedListener {
  /** CPU ns per 1 ms bin, by category index (CPU_CATEGORY_INDEX). */
  private readonly categoryBins: Bins[];
  /** Per CPU, CPU ns per 50 ms bin by category index. */
  private readonly occupancy: Bins[][];
  private readonly free = new StepSeries();
  private readonly deferred = new StepSeries();
  /** Release, held-after-exit, parked-entry and unaccounted-work metrics (mm tracepoints). */
  readonly release: ReleaseCollector;

  constructor(private readonly K: Kernel) {
    const n = K.sched.cpus.length;
    this.categoryBins = CPU_CATEGORIES.map(() => new Bins());
    this.occupancy = Array.from({ length: n }, () => CPU_CATEGORIES.map(() => new Bins()));
    K.sched.observers.push(this);
    this.free.push(0, K.zone.freePages / PAGES_PER_MIB);
    K.zone.listeners.push(this);
    this.deferred.push(0, 0);
    this.release = new ReleaseCollector(K);
    this.release.parkedListeners.push(this);
  }

  cpuSlice(cpu: number, task: Task, startNs: number, endNs: number): void {
    this.categoryBins[task.categoryIndex]!.addSpread(startNs, endNs, CATEGORY_BIN_NS);
    this.occupancy[cpu]![task.categoryIndex]!.addSpread(startNs, endNs, OCCUPANCY_BIN_NS);
  }

  freePagesChanged(freePages: number, nowNs: number): void {
    this.free.step(nowNs, freePages / PAGES_PER_MIB);
  }

  parkedChanged(entries: number, nowNs: number): void {
    this.deferred.step(nowNs, entries);
  }

  /** CPU time per category over [startNs, endNs), idle being what no task used (1 ms bins, edge bins prorated). */
  cpuNsByCategory(startNs: number, endNs: number): Record<CpuCategory, number> {
    const out = {} as Record<CpuCategory, number>;
    let used = 0;
    for (const [i, c] of CPU_CATEGORIES.entries()) {
      if (c === 'idle') continue;
      out[c] = this.categoryBins[i]!.sumWindow(startNs, endNs, CATEGORY_BIN_NS);
      used += out[c];
    }
    out.idle = Math.max(0, (endNs - startNs) * this.K.sched.cpus.length - used);
    return out;
  }

  series(endNs: number): RunSeries {
    const n = Math.ceil(endNs / OCCUPANCY_BIN_NS);
    const occ = this.occupancy.map((byCat) => {
      const out = {} as Record<CpuCategory, number[]>;
      for (const [ci, c] of CPU_CATEGORIES.entries()) out[c] = Array.from({ length: n }, (_, i) => byCat[ci]!.at(i) / 1e6);
      // Idle is what no category used.
      out.idle = Array.from({ length: n }, (_, i) => {
        const binNs = Math.min(OCCUPANCY_BIN_NS, endNs - i * OCCUPANCY_BIN_NS);
        let used = 0;
        for (const [ci, c] of CPU_CATEGORIES.entries()) if (c !== 'idle') used += byCat[ci]!.at(i);
        return Math.max(0, (binNs - used) / 1e6);
      });
      return out;
    });
    return {
      samplePeriodNs: OCCUPANCY_BIN_NS,
      freeMemMib: this.free.points(round3),
      deferredEntries: this.deferred.points((v) => v),
      cpuOccupancyMs: occ,
      exitLatenciesMs: [],
      memoryReleaseMs: [],
    };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * A step-function value over time, one point per 0.1 ms (the last), as two
 * growing columns: a server run records ~150k points of free memory, which
 * as [t, v] pairs cost ~10x the memory until the run's end.
 */
class StepSeries {
  private tNs = new Float64Array(1024);
  private v = new Float64Array(1024);
  private n = 0;

  push(tNs: number, v: number): void {
    if (this.n === this.tNs.length) this.grow();
    this.tNs[this.n] = tNs;
    this.v[this.n] = v;
    this.n++;
  }

  /** Records `v` from `tNs` on: replaces the last point if it is not the first and less than 0.1 ms older. */
  step(tNs: number, v: number): void {
    const last = this.n - 1;
    if (last > 0 && tNs - this.tNs[last]! < 100_000) this.v[last] = v;
    else this.push(tNs, v);
  }

  /** The points as [ms, value(v)] pairs. */
  points(value: (v: number) => number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.n; i++) out.push([this.tNs[i]! / 1e6, value(this.v[i]!)]);
    return out;
  }

  private grow(): void {
    this.tNs = grown(this.tNs, 2 * this.n);
    this.v = grown(this.v, 2 * this.n);
  }
}

/** Time per fixed-width bin, a growing column of doubles (bins past its end are zero). */
class Bins {
  private ns = new Float64Array(64);

  at(i: number): number {
    return i < this.ns.length ? this.ns[i]! : 0;
  }

  /** Adds [s, e) to the bins it covers, each the part that falls in it. */
  addSpread(s: number, e: number, binNs: number): void {
    // One division: past the first bin, t sits on a boundary, the start of the next bin.
    let i = Math.floor(s / binNs);
    for (let t = s; t < e; i++) {
      const end = Math.min(e, (i + 1) * binNs);
      if (i >= this.ns.length) this.ns = grown(this.ns, Math.max(2 * this.ns.length, i + 1));
      this.ns[i] += end - t;
      t = end;
    }
  }

  /** The time in [s, e), edge bins prorated. */
  sumWindow(s: number, e: number, binNs: number): number {
    let sum = 0;
    for (let i = Math.floor(s / binNs); i * binNs < e; i++) {
      const v = this.at(i);
      if (v === 0) continue;
      const lo = Math.max(s, i * binNs);
      const hi = Math.min(e, (i + 1) * binNs);
      sum += (v * (hi - lo)) / binNs;
    }
    return sum;
  }
}
