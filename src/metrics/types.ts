// The output contract of one run (DESIGN.md "Output contract"), and the
// recorded series reports draw from. Pure data: no behaviour lives here.

/** Summary of a per-process sample (times in ms). */
export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface Metrics {
  exit_latency_ms: Distribution;
  /** Kill to all of the process's memory freed but what waits in per-CPU slot caches, Kaplan-Meier over every killed process (censored at the run's end); docs/model.md "Memory release". */
  memory_release_ms: Distribution & { released: number; censored: number };
  /** zram KiB the released processes still had in per-CPU slot caches at their release, mean over them (0 if none released). */
  release_in_slot_caches_kib?: number;
  /** Absent when the scenario has no foreground launch. */
  launch_ms?: number;
  preview_ms?: number;
  frames?: number;
  janky_frames?: number;
  /** janky_frames / frames, percent. */
  jank_rate_pct?: number;
  /** Refreshes with no new app frame (the frame-drop count of a continuous test). */
  dropped_frames?: number;
  /** dropped_frames over all refreshes, percent. */
  frame_drop_pct?: number;
  /** Per app frame, vsync to queueBuffer (ms). */
  frame_time_ms?: Distribution;
  preview_frames?: number;
  /** Preview buffers the camera HAL delivered later than one sensor period after capture. */
  preview_stutter_frames?: number;
  preview_stutter_pct?: number;
  /** Continuous launches: first launch to the end of the last app's use (ms). */
  continuous_total_ms?: number;
  /** Continuous launches: per launch, start to launched (ms). */
  app_launch_ms?: Distribution;
  cold_launches?: number;
  warm_launches?: number;
  /** CPU time by category over the launch window (the whole run without a launch), ms. */
  cpu_ms_by_category: Record<CpuCategory, number>;
  /** Mean share of all CPUs busy over the same window, percent. */
  cpu_busy_mean_pct: number;
  /** Energy over the run by CPU category (mJ), from the platform's energy model; absent without one. */
  energy_mj?: Record<CpuCategory, number>;
  free_mem_at_preview_mib?: number;
  deferred_entries_peak: number;
  deferred_mib_peak: number;
  held_after_exit_mib_ms: number;
  unaccounted_cpu_ms: number;
  /** Total wait per lock name (ms). */
  lock_wait_ms: Record<string, number>;
  /** Per hot shared cache line of the free path: transfers between CPUs (kernel/cacheline). */
  cacheline_transfers: Record<string, number>;
  /** Per line: CPU stall on its transfers, queueing included (ms). */
  cacheline_stall_ms: Record<string, number>;
  /** munmap() wall time per process (mode munmap micro-benchmarks), ms. */
  munmap_ms?: Distribution;
  swap_entries_freed: number;
  swap_entries_leaked: number;
  /** Reclaim passes that found the swap device full (no free slot for folio_alloc_swap()). */
  swap_full_events: number;
  /** Anon pages reclaim wanted to swap out but found no swap slot for (they stay resident). */
  swap_alloc_failures: number;
  events: number;
  wall_ms: number;
}

/** `swaplab run --json` prints exactly this object. */
export interface RunOutput {
  scenario: string;
  policy: string;
  seed: number;
  kernel: string;
  fingerprint: string;
  metrics: Metrics;
  /** Kernel counters under their /proc/vmstat (or zram mm_stat) names. */
  vmstat: Record<string, number>;
}

/** CPU time categories for occupancy plots. */
import type { CpuCategory } from '../kernel/sched/task.js';

export { CPU_CATEGORIES, type CpuCategory } from '../kernel/sched/task.js';

/** Series recorded during a run, for the HTML report and dashboard. */
export interface RunSeries {
  /** Sample period of the time series below, ns. */
  samplePeriodNs: number;
  /** [timeMs, freeMib] samples. */
  freeMemMib: Array<[number, number]>;
  /** [timeMs, parked swap entries] samples. */
  deferredEntries: Array<[number, number]>;
  /** Per CPU, per category, busy ms in each sample bin: occupancy[cpu][category][bin]. */
  cpuOccupancyMs: Array<Record<CpuCategory, number[]>>;
  /** Per killed process, ms. */
  exitLatenciesMs: number[];
  memoryReleaseMs: number[];
}

/** One process the run killed (by LMKD or the scenario), for per-process tables. */
export interface KilledProcessRecord {
  pid: number;
  name: string;
  cgroup: string;
  oomScoreAdj: number;
  threads: number;
  killedAtMs: number;
  /** Kill to last thread dead; null when it was still exiting at the end. */
  exitMs: number | null;
  /** Kill to the last of its RAM and zram freed; null when not all was freed. */
  releaseMs: number | null;
  /** RAM pages and zram bytes it held when killed, MiB. */
  heldAtKillMib: number;
  /** Who killed it and why (LMKD's reason), when LMKD did. */
  killReason: string | null;
}

/** One run with its series, as reports and the dashboard consume it. */
export interface RunRecord {
  output: RunOutput;
  series: RunSeries;
  /** Absent in records stored before it existed. */
  processes?: KilledProcessRecord[];
}
