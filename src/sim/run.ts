// One simulation run: build, run to the scenario's end, check invariants,
// and summarize into the output contract plus the series reports draw.

import { performance } from 'node:perf_hooks';
import { RunCollector } from '../metrics/collector.js';
import type { ReleaseCollector } from '../metrics/release-collector.js';
import { kaplanMeier, mean, summarize } from '../metrics/stats.js';
import type { KilledProcessRecord, Metrics, RunRecord } from '../metrics/types.js';
import { checkConservation, quiescent, type Conservation } from '../kernel/invariants.js';
import type { FrameStats } from '../android/frame-pipeline.js';
import { PAGES_PER_MIB } from '../kernel/mm/zone.js';
import type { Scenario } from '../scenario/schema.js';
import { buildSimulation, type Simulation } from './build.js';
import { injectTestFault } from './test-fault.js';
import { defaultRunBudget, runWithinBudget, type RunBudget } from './budget.js';

export interface RunOptions {
  policy: string;
  seed: number;
  /** Called with the built simulation before it runs (trace collectors attach here). */
  attach?: (sim: Simulation) => void;
  /** Wall-clock and event limits (default: defaultRunBudget()). */
  budget?: RunBudget;
}

export function runScenario(scenario: Scenario, opts: RunOptions): RunRecord {
  return runSimulation(scenario, opts).record;
}

export function runSimulation(scenario: Scenario, opts: RunOptions): { record: RunRecord; sim: Simulation } {
  const wall0 = performance.now();
  const budget = opts.budget ?? defaultRunBudget();
  let collector: RunCollector | undefined;
  const sim = buildSimulation(scenario, opts.policy, opts.seed, (k) => {
    collector = new RunCollector(k);
  });
  injectTestFault(opts.policy, opts.seed);
  const K = sim.K;
  if (!collector) throw new Error('buildSimulation did not call observe()');
  opts.attach?.(sim);
  const endNs = scenario.duration_ms * 1e6;
  runWithinBudget(K.engine, endNs, budget, wall0);
  K.sched.finish();
  const fingerprint = K.engine.fingerprint.hex();
  const runWallMs = performance.now() - wall0;
  const rel = collector.release;
  const killed = K.processes.all.filter((p) => p.killedAtNs >= 0);
  const exitMs = killed.filter((p) => p.dead).map((p) => (p.deadAtNs - p.killedAtNs) / 1e6);
  const released = killed.filter((p) => rel.releasedAtNs(p.pid) >= 0);
  const releaseMs = released.map((p) => (rel.releasedAtNs(p.pid) - p.killedAtNs) / 1e6);
  const inSlotCachesKib = released.reduce((s, p) => s + rel.slotCacheBytesAtRelease(p.pid), 0) / 1024 / Math.max(1, released.length);
  // Not all freed by the end (a worker has not run, still exiting): censored at end - kill.
  const censoredMs = killed.filter((p) => rel.releasedAtNs(p.pid) < 0).map((p) => (endNs - p.killedAtNs) / 1e6);
  // Taken here, like the metrics, before the conservation drain runs past the end.
  const processes = killedProcesses(sim, rel);
  const lockWait: Record<string, number> = {};
  for (const l of K.core.locks.byClass()) if (l.acquisitions > 0) lockWait[l.name] = l.totalWaitNs / 1e6;
  const lineTransfers: Record<string, number> = {};
  const lineStallMs: Record<string, number> = {};
  for (const l of K.lines.all())
    if (l.transfers > 0) {
      lineTransfers[l.name] = l.transfers;
      lineStallMs[l.name] = l.stallNs / 1e6;
    }
  const metrics: Metrics = {
    exit_latency_ms: summarize(exitMs),
    memory_release_ms: kaplanMeier(releaseMs, censoredMs),
    release_in_slot_caches_kib: inSlotCachesKib,
    ...cpuOverWindow(collector, launchWindow(sim, endNs)),
    deferred_entries_peak: rel.parkedEntriesPeak,
    deferred_mib_peak: rel.parkedBytesPeak / (1024 * 1024),
    held_after_exit_mib_ms: rel.heldAfterExitMibMs(K.now),
    unaccounted_cpu_ms: rel.unaccountedCpuNs / 1e6,
    lock_wait_ms: lockWait,
    cacheline_transfers: lineTransfers,
    cacheline_stall_ms: lineStallMs,
    swap_entries_freed: K.si.entriesFreed,
    swap_entries_leaked: 0, // set after the drain below
    swap_full_events: rel.swapFullEvents,
    swap_alloc_failures: rel.swapAllocFailedPages,
    events: K.engine.eventsProcessed,
    wall_ms: 0,
  };
  if (sim.munmapNs.length) metrics.munmap_ms = summarize(sim.munmapNs.map((ns) => ns / 1e6));
  if (sim.energy) metrics.energy_mj = roundAll(sim.energy.byCategory(endNs));
  const L = sim.launch;
  if (L) {
    if (L.launchDoneNs >= 0) metrics.launch_ms = (L.launchDoneNs - L.startNs) / 1e6;
    if (L.previewDoneNs >= 0) metrics.preview_ms = (L.previewDoneNs - L.launchDoneNs) / 1e6;
    reportFrames(metrics, L.frames);
    if (L.freePagesAtPreview >= 0) metrics.free_mem_at_preview_mib = L.freePagesAtPreview / PAGES_PER_MIB;
  }
  const C = sim.continuous;
  if (C && sim.continuousFrames) {
    const r = C.result;
    if (r.endNs >= 0) metrics.continuous_total_ms = (r.endNs - r.startNs) / 1e6;
    metrics.app_launch_ms = summarize(r.launchesMs);
    metrics.cold_launches = r.cold;
    metrics.warm_launches = r.warm;
    reportFrames(metrics, sim.continuousFrames.stats);
  }
  const vmstat: Record<string, number> = { ...K.vmstat.counters };
  if (L) vmstat.surfaceflinger_late = L.frames.surfaceflingerLate;
  const inv = drainAndCheck(sim, endNs, budget, wall0);
  metrics.swap_entries_leaked = inv.leaked;
  vmstat.nr_free_pages = K.zone.freePages;
  vmstat.zram_notify_free = K.zram.stats.notify_free;
  vmstat.zram_miss_free = K.zram.stats.miss_free;
  vmstat.zram_leaked_bytes = K.zram.leakedBytes;
  vmstat.zram_compr_data_size = K.zram.comprDataBytes;
  vmstat.zram_mem_used_pages = K.zs.poolPages;
  vmstat.zspages_freed = K.zs.zspagesFreed;
  vmstat.swap_entries_in_slot_cache = inv.inSlotCache;
  vmstat.swap_entries_still_mapped = inv.stillMapped;
  vmstat.swap_entries_parked_at_end = K.parked.entries;
  vmstat.psi_memory_some_us = Math.round(sim.reclaim.psi.read().someNs / 1000);
  vmstat.lmkd_kills = sim.kills.length;
  for (const wq of K.core.workqueues.workqueues) {
    vmstat[`workqueue_${wq.name}_executed`] = wq.executed;
    vmstat[`workqueue_${wq.name}_workers`] = wq.workersCreated;
  }
  if (sim.cpufreq)
    for (const d of sim.cpufreq.domains) {
      vmstat[`cpufreq_${d.spec.cluster}_transitions`] = d.transitions;
      vmstat[`cpufreq_${d.spec.cluster}_cur_mhz`] = d.curMhz;
    }
  if (sim.munmapNs.length) vmstat.munmap_mean_us = Math.round(mean(sim.munmapNs) / 1000);
  if (rel.zramFreeSeen) vmstat.zram_free_us = rel.zramFreeUs;
  const perPmd = rel.freeSwapPerPmdNs;
  if (perPmd.length) {
    const totalNs = perPmd.reduce((a, b) => a + b, 0);
    vmstat.free_swap_per_pmd_mean_us = Math.round(totalNs / perPmd.length / 1000);
    vmstat.free_swap_total_us = Math.round(totalNs / 1000);
    vmstat.free_swap_per_pmd_max_us = Math.round(perPmd.reduce((a, b) => (b > a ? b : a), 0) / 1000);
  }
  const series = collector.series(endNs);
  series.exitLatenciesMs = exitMs;
  series.memoryReleaseMs = releaseMs;
  metrics.wall_ms = Math.round(runWallMs * 10) / 10; // the run itself, not the conservation drain
  const record: RunRecord = {
    output: {
      scenario: scenario.name,
      policy: opts.policy,
      seed: opts.seed,
      kernel: scenario.kernel.version,
      fingerprint,
      metrics,
      vmstat,
    },
    series,
    processes,
  };
  return { record, sim };
}

/** The launch window: launch start to preview (or launch) done; continuous: first launch to end; else the whole run. */
function launchWindow(sim: Simulation, endNs: number): [number, number] {
  const L = sim.launch;
  if (L) {
    const done = L.previewDoneNs >= 0 ? L.previewDoneNs : L.launchDoneNs >= 0 ? L.launchDoneNs : endNs;
    return [L.startNs, done];
  }
  const C = sim.continuous;
  if (C) return [C.result.startNs, C.result.endNs >= 0 ? C.result.endNs : endNs];
  return [0, endNs];
}

function cpuOverWindow(collector: RunCollector, [s, e]: [number, number]): Pick<Metrics, 'cpu_ms_by_category' | 'cpu_busy_mean_pct'> {
  const by = collector.cpuNsByCategory(s, e);
  const ms = {} as Metrics['cpu_ms_by_category'];
  let total = 0;
  for (const [c, ns] of Object.entries(by) as Array<[keyof typeof by, number]>) {
    ms[c] = Math.round(ns / 1e3) / 1e3;
    total += ns;
  }
  return { cpu_ms_by_category: ms, cpu_busy_mean_pct: total > 0 ? (100 * (total - by.idle)) / total : 0 };
}

/** Per-process facts the run already tracks, read after it ended (the model is not touched). */
function killedProcesses(sim: Simulation, rel: ReleaseCollector): KilledProcessRecord[] {
  const reasons = new Map(sim.kills.map((k) => [k.pid, k.reason]));
  return sim.K.processes.all
    .filter((p) => p.killedAtNs >= 0)
    .map((p) => ({
      pid: p.pid,
      name: p.name,
      cgroup: p.cgroup,
      oomScoreAdj: p.oomScoreAdj,
      threads: p.threads.length,
      killedAtMs: p.killedAtNs / 1e6,
      exitMs: p.deadAtNs >= 0 ? (p.deadAtNs - p.killedAtNs) / 1e6 : null,
      releaseMs: rel.releasedAtNs(p.pid) >= 0 ? (rel.releasedAtNs(p.pid) - p.killedAtNs) / 1e6 : null,
      heldAtKillMib: rel.heldAtKillBytes(p.pid) / (1024 * 1024),
      killReason: reasons.get(p.pid) ?? null,
    }));
}

function reportFrames(metrics: Metrics, F: FrameStats): void {
  metrics.frames = F.frames;
  metrics.janky_frames = F.jankyFrames;
  metrics.jank_rate_pct = F.frames > 0 ? (100 * F.jankyFrames) / F.frames : 0;
  metrics.dropped_frames = F.droppedVsyncs;
  metrics.frame_drop_pct = F.refreshes > 0 ? (100 * F.droppedVsyncs) / F.refreshes : 0;
  metrics.frame_time_ms = summarize(F.frameTimesNs.map((ns) => ns / 1e6));
  if (F.previewFrames > 0) {
    metrics.preview_frames = F.previewFrames;
    metrics.preview_stutter_frames = F.previewLateFrames;
    metrics.preview_stutter_pct = (100 * F.previewLateFrames) / F.previewFrames;
  }
}

function roundAll<T extends Record<string, number>>(r: T): T {
  const out = {} as Record<string, number>;
  for (const [k, v] of Object.entries(r)) out[k] = Math.round(v * 1000) / 1000;
  return out as T;
}

/** Longest the conservation check waits, past the scenario's end, for in-flight frees. */
const DRAIN_LIMIT_NS = 60_000_000_000;

/**
 * After the metrics are taken: let in-flight work finish (dying tasks,
 * queued work items, a free in progress), then check conservation. Only the
 * leak count comes from here; nothing the metrics report is affected.
 */
function drainAndCheck(sim: Simulation, endNs: number, budget: RunBudget, wall0: number): Conservation {
  const K = sim.K;
  while (!quiescent(K) && K.now < endNs + DRAIN_LIMIT_NS && K.engine.pending > 0) runWithinBudget(K.engine, K.now + 10_000_000, budget, wall0);
  return checkConservation(K);
}
