// Scenario -> machine: platform and kernel presets applied, processes and
// Android userspace created. Configuration flows one way; nothing here runs.

import { startCameraLaunch, type LaunchResult } from '../android/camera.js';
import { ContinuousLaunch } from '../android/continuous-launch.js';
import { FramePipeline, type FramePipelineSpec } from '../android/frame-pipeline.js';
import { createCachedApp, munmapThenIdle } from '../android/apps.js';
import { startLmkd, type LmkdKill } from '../android/lmkd.js';
import { startSystemLoad } from '../android/system-load.js';
import { loadCalibration, type Calibration } from '../calibration/calibration.js';
import { Kernel } from '../kernel/kernel.js';
import { Reclaim } from '../kernel/mm/reclaim.js';
import { mibToPages, PAGES_PER_MIB } from '../kernel/mm/zone.js';
import type { KProcess } from '../kernel/process.js';
import { kernelPreset } from '../kernel/presets/presets.js';
import { createPolicy } from '../policies/registry.js';
import type { Scenario } from '../scenario/schema.js';
import { ScenarioError } from '../scenario/errors.js';
import { Cpufreq } from '../kernel/sched/cpufreq.js';
import { EnergyMeter } from '../kernel/sched/energy-model.js';
import { loadOppTable } from './opp-table.js';
import { platformOf, type Platform } from '../scenario/platforms.js';
import { preflight } from '../scenario/preflight.js';

export interface Simulation {
  scenario: Scenario;
  policy: string;
  seed: number;
  K: Kernel;
  reclaim: Reclaim;
  platform: Platform;
  calibration: Calibration;
  apps: KProcess[];
  micro: KProcess[];
  /** munmap() wall time per micro process (mode munmap). */
  munmapNs: number[];
  kills: LmkdKill[];
  launch: LaunchResult | null;
  continuous: ContinuousLaunch | null;
  /** The continuous test's display pipeline (the camera launch keeps its own in `launch`). */
  continuousFrames: FramePipeline | null;
  /** Null when the platform has no operating-point table (fixed frequency, no energy model). */
  cpufreq: Cpufreq | null;
  energy: EnergyMeter | null;
}

/**
 * `observe` runs on the bare kernel, before any process exists, so that
 * observers of the mm tracepoints see every process from its creation.
 */
export function buildSimulation(sc: Scenario, policyName: string, seed: number, observe?: (K: Kernel) => void): Simulation {
  // loadScenario has run this already; a scenario built in code has not.
  const unrunnable = preflight(sc);
  if (unrunnable) throw new ScenarioError(`scenario ${sc.name}`, unrunnable.message, { path: unrunnable.path.join('.') });
  const platform = platformOf(sc);
  const calibration = loadCalibration(sc.kernel.calibration);
  const preset = kernelPreset(sc.kernel.version);
  const policy = createPolicy(policyName, (sc.kernel.policy_options as Record<string, unknown>)[policyName]);
  const m = sc.memory;
  const K = new Kernel({
    seed,
    cpus: platform.cpus,
    preset,
    costs: calibration.costs,
    sched: { rtThrottling: sc.kernel.rt_throttling },
    ramPages: mibToPages(platform.ramMib),
    freePages: mibToPages(Math.min(m.free_mib, platform.ramMib)),
    watermarks: { minPages: mibToPages(m.watermark_min_mib), lowPages: mibToPages(m.watermark_low_mib), highPages: mibToPages(m.watermark_high_mib) },
    swapSlots: mibToPages(platform.zramMib),
    compressionRatio: sc.kernel.compression_ratio,
    sameFilledRatio: sc.kernel.zram_same_filled,
    aggregation: sc.kernel.aggregation,
    policy,
    lineTransfer: platform.lineTransfer,
  });
  for (const [name, ids] of Object.entries(platform.cpusets)) K.sched.defineCpuset(name, ids);
  observe?.(K);
  let cpufreq: Cpufreq | null = null;
  let energy: EnergyMeter | null = null;
  if (platform.oppTable) {
    const opp = loadOppTable(platform.oppTable);
    cpufreq = new Cpufreq(K.sched, opp.clusters, { enabled: sc.cpufreq.enabled, ...opp.governor });
    energy = new EnergyMeter(K.sched, cpufreq);
  }

  // Cached apps: sizes and oom_score_adj drawn from the workload stream.
  const rng = K.engine.rng.stream('apps');
  const apps: KProcess[] = [];
  const a = sc.apps;
  for (let i = 0; i < a.count; i++) {
    const anonMib = Array.isArray(a.anon_mib) ? rng.uniform(a.anon_mib[0], a.anon_mib[1]) : a.anon_mib;
    const anonPages = Math.round(anonMib * PAGES_PER_MIB);
    const swapPages = Math.round(anonPages * a.swap_ratio);
    apps.push(
      createCachedApp(K, {
        name: `app${String(i).padStart(2, '0')}`,
        presentPages: anonPages - swapPages,
        swapPages,
        filePages: Math.round(a.file_mib * PAGES_PER_MIB),
        folioPages: 1,
        fragmentation: sc.kernel.swap_fragmentation,
        oomScoreAdj: rng.int(a.oom_score_adj_min, a.oom_score_adj_max),
        category: 'background',
        cpuset: 'background',
        nice: 10,
        threads: a.threads,
      }),
    );
  }
  // Micro-benchmark processes: die (or munmap) at t = 0.
  const micro: KProcess[] = [];
  const munmapNs: number[] = [];
  for (let i = 0; i < sc.processes; i++) {
    const spec = {
      name: `proc${i}`,
      presentPages: Math.round(sc.present_mib * PAGES_PER_MIB),
      swapPages: Math.round(sc.swap_mib * PAGES_PER_MIB),
      filePages: 0,
      folioPages: sc.mthp_kib / 4,
      fragmentation: sc.mthp_kib > 4 ? 0 : sc.kernel.swap_fragmentation,
      oomScoreAdj: 0,
      category: 'background' as const,
      cpuset: sc.mode === 'exit' ? 'background' : 'top-app',
      nice: 0,
      threads: 1,
    };
    const p = sc.mode === 'exit' ? createCachedApp(K, spec) : K.createProcess(spec, (proc) => munmapThenIdle(K, proc, (ns) => munmapNs.push(ns)));
    micro.push(p);
    if (sc.mode === 'exit') K.kill(p);
  }
  // Page cache reclaim can drop: the apps' file pages plus the system's.
  const pageCache = apps.reduce((s, p) => s + p.originalMm.MM_FILEPAGES, 0) + mibToPages(sc.memory.page_cache_mib);
  const reclaim = new Reclaim(K, pageCache);
  let continuous: ContinuousLaunch | null = null;
  const cachedNow = (): KProcess[] => (continuous ? [...apps, ...continuous.cached()] : apps);
  reclaim.anonVictims = () =>
    cachedNow()
      .filter((p) => !p.sigkill)
      .sort((x, y) => y.oomScoreAdj - x.oomScoreAdj);

  startSystemLoad(K, { share: sc.load.share, cls: sc.load.class, fifoPriority: sc.load.fifo_priority, threads: sc.load.threads });
  const l = sc.lmkd;
  const kills = l.enabled
    ? startLmkd(
        K,
        reclaim,
        {
          reaper: l.reaper,
          psiPartialStallNs: l.psi_partial_stall_ms * 1e6,
          psiCompleteStallNs: l.psi_complete_stall_ms * 1e6,
          psiWindowNs: l.psi_window_ms * 1e6,
          minfreePages: mibToPages(l.minfree_mib),
          killTimeoutNs: l.kill_timeout_ms * 1e6,
          pollNs: l.poll_ms * 1e6,
          pollCpuNs: l.poll_cpu_us * 1e3,
          killCpuNs: l.kill_cpu_us * 1e3,
          killMethod: l.kill_method,
          cgroupMutexHoldsPerS: l.cgroup_mutex_holds_per_s,
          cgroupMutexHoldNs: l.cgroup_mutex_hold_us * 1e3,
        },
        cachedNow,
      )
    : [];
  const s = sc.launch;
  const pipeline = (cameraFps: number): FramePipelineSpec => ({
    hz: s.frame_hz,
    frames: s.frames,
    uiCpuNs: s.frame_cpu_ms * (1 - s.render_thread_share) * 1e6,
    renderCpuNs: s.frame_cpu_ms * s.render_thread_share * 1e6,
    allocPagesPerFrame: Math.round(s.frame_alloc_kib / 4),
    surfaceflingerCpuNs: s.surfaceflinger_cpu_ms * 1e6,
    cameraFps,
    cameraHalCpuNs: s.camera_hal_cpu_ms * 1e6,
  });
  const c = sc.continuous;
  let continuousFrames: FramePipeline | null = null;
  if (c.enabled) {
    continuousFrames = new FramePipeline(K, reclaim, pipeline(0));
    continuous = new ContinuousLaunch(K, reclaim, continuousFrames, {
      apps: c.apps,
      rounds: c.rounds,
      anonMib: c.anon_mib,
      threads: c.threads,
      coldCpuNs: c.cold_cpu_ms * 1e6,
      warmCpuNs: c.warm_cpu_ms * 1e6,
      dwellNs: c.dwell_ms * 1e6,
      startNs: c.at_ms * 1e6,
    });
  }
  const launch = s.enabled
    ? startCameraLaunch(K, reclaim, {
        atNs: s.at_ms * 1e6,
        threads: s.threads,
        cpuNs: s.cpu_ms * 1e6,
        allocPages: Math.round(s.alloc_mib * PAGES_PER_MIB),
        previewCpuNs: s.preview_cpu_ms * 1e6,
        pipeline: pipeline(s.camera_fps),
      })
    : null;
  return { scenario: sc, policy: policyName, seed, K, reclaim, platform, calibration, apps, micro, munmapNs, kills, launch, continuous, continuousFrames, cpufreq, energy };
}
