// The scenario file format. Every field has a default so a scenario file only
// states what differs; objects are strict so a misspelt key is an error rather
// than a silently ignored setting. The .describe() texts end up in
// scenarios/scenario.schema.json, which editors show as hover help.
import { z } from 'zod';

export const PLATFORM_NAMES = z.enum(['phone-8core', 'server-2node-128cpu', /* issue 11: */ 'phone-8gb', 'phone-16gb'], {
  error: (iss) => `unknown platform ${JSON.stringify(iss.input)} (known: phone-8core, server-2node-128cpu, phone-8gb, phone-16gb)`,
});
export type PlatformName = z.infer<typeof PLATFORM_NAMES>;

export const KERNEL_VERSIONS = z.enum(['6.6-android', '6.12', '6.18'], {
  error: (iss) => `unknown kernel version ${JSON.stringify(iss.input)} (known: 6.6-android, 6.12, 6.18)`,
});
export type KernelVersion = z.infer<typeof KERNEL_VERSIONS>;

/** Exit-path policies the simulator implements. Add a name here when adding a policy. */
export const POLICY_NAMES: readonly string[] = ['sync', 'async-mmu-gather', 'async-global-list', 'async-per-node'];

const mib = (def: number, what: string) =>
  z.number().nonnegative().default(def).describe(`${what} (MiB, >= 0)`);
const ms = (def: number, what: string) => z.number().nonnegative().default(def).describe(`${what} (ms)`);
const fraction = (def: number, what: string) =>
  z.number().min(0).max(1).default(def).describe(`${what} (fraction 0..1)`);

const CpuGroup = z
  .strictObject({
    capacity: z.int().min(1).max(1024).describe('Relative CPU capacity, 1024 = the biggest core (1..1024)'),
    cluster: z.string().min(1).describe('Cluster name, e.g. "little", "mid", "big"'),
    node: z.int().min(0).default(0).describe('NUMA node of these CPUs'),
    count: z.int().min(1).default(1).describe('How many identical CPUs this entry stands for'),
  })
  .describe('A group of identical CPUs');

const CustomPlatform = z
  .strictObject({
    cpus: z.array(CpuGroup).min(1).describe('CPU groups, in CPU number order'),
    ram_mib: z.number().positive().describe('Total RAM (MiB, > 0)'),
  })
  .describe('A custom machine');

const Kernel = z
  .strictObject({
    version: KERNEL_VERSIONS.default('6.6-android').describe('Kernel preset: which code paths and locks exist'),
    policy: z
      .string()
      .refine((p) => POLICY_NAMES.includes(p), {
        error: (iss) => `unknown policy ${JSON.stringify(iss.input)} (known: ${POLICY_NAMES.join(', ')})`,
      })
      .default('sync')
      .meta({ enum: [...POLICY_NAMES] })
      .describe('How exit frees swap entries (the CLI --policy overrides this)'),
    forced_release: z
      .boolean()
      .default(false)
      .describe('async-global-list only: the exiting task frees the global list itself (Lei Liu patch 2/2)'),
    rt_throttling: z.boolean().default(true).describe('RT throttling: SCHED_FIFO tasks get at most 95% of each CPU'),
    compression_ratio: z.number().min(1).default(2.8).describe('zram (lz4) compression ratio, >= 1'),
    swap_fragmentation: fraction(0.9, "How scattered a process's swap entries are: probability a run of contiguous slots ends after each folio (LRU-order swap-out of 4 KiB pages scatters them; Lei Liu's profile, where free_swap_slot dominates, implies mostly single-entry runs)"),
    zram_slot_contention: z
      .boolean()
      .default(true)
      .describe("Model zram's per-slot trylock: concurrent swap-in readers can make zram_slot_free_notify miss (miss_free)"),
    zram_same_filled: fraction(0.05, 'Share of swapped pages zram stores as same-filled (no zsmalloc object)'),
    aggregation: z
      .enum(['chunk', 'fine'])
      .default('chunk')
      .describe("Event granularity: 'chunk' = one step per lock hold per page-table chunk; 'fine' = one per free_swap_and_cache_nr call"),
    calibration: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'expected a file name under calibration/, without a directory')
      .default('phone-8core')
      .describe('Cost calibration: name of a file under calibration/'),
  })
  .prefault({})
  .describe('Kernel model');

const Memory = z
  .strictObject({
    watermark_min_mib: mib(64, 'Zone min watermark: below it only atomic and reclaim allocations succeed'),
    watermark_low_mib: mib(256, 'Zone low watermark: kswapd wakes below it'),
    watermark_high_mib: mib(320, 'Zone high watermark: kswapd sleeps above it'),
    free_mib: mib(600, 'Free memory at t=0'),
    page_cache_mib: mib(
      300,
      'Clean page cache reclaim can drop besides the apps\' own file pages (a phone under pressure has little left)',
    ),
  })
  .superRefine((m, ctx) => {
    if (m.watermark_low_mib < m.watermark_min_mib)
      ctx.addIssue({ code: 'custom', path: ['watermark_low_mib'], message: `must be >= watermark_min_mib (${m.watermark_min_mib})` });
    if (m.watermark_high_mib < m.watermark_low_mib)
      ctx.addIssue({ code: 'custom', path: ['watermark_high_mib'], message: `must be >= watermark_low_mib (${m.watermark_low_mib})` });
  })
  .prefault({})
  .describe('Memory watermarks (defaults are for the 12 GB phone)');

const Lmkd = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the low memory killer'),
    reaper: z
      .enum(['setprio', 'mrelease'])
      .default('setprio')
      .describe('setprio: victim raised to nice -20 in the foreground cpuset; mrelease: reaper threads call process_mrelease()'),
    psi_partial_stall_ms: ms(70, 'PSI "some" stall per window that triggers a kill'),
    psi_complete_stall_ms: ms(700, 'PSI "full" stall per window that triggers a kill'),
    psi_window_ms: z.number().positive().default(1000).describe('PSI tracking window (ms, > 0)'),
    minfree_mib: mib(400, 'Kill when free memory is below this'),
    kill_timeout_ms: ms(100, "How long LMKD waits for the victim's death before the next kill"),
    poll_ms: z.number().positive().default(10).describe('LMKD polling period while memory is low (ms, > 0)'),
    // ---- added for issue 11: LMKD's own CPU time ----
    poll_cpu_us: z.number().nonnegative().default(100).describe("lmkd main thread CPU per poll: PSI, /proc/zoneinfo and /proc/meminfo parsing (us at capacity 1024)"),
    kill_cpu_us: z.number().nonnegative().default(300).describe('lmkd main thread CPU per kill: find_and_kill_process over the candidates\' /proc files, pidfd_open (us at capacity 1024)'),
    // ---- end of issue 11 additions ----
  })
  .prefault({})
  .describe('Android low memory killer daemon');

const AnonRange = z
  .tuple([z.number().nonnegative(), z.number().nonnegative()])
  .refine(([lo, hi]) => lo <= hi, 'expected [min, max] with min <= max');

const Apps = z
  .strictObject({
    count: z.int().min(0).default(18).describe('Cached background apps (kill candidates)'),
    anon_mib: z
      .union([z.number().nonnegative(), AnonRange])
      .default([200, 500])
      .describe('Anonymous memory per app (MiB): a number, or [min, max] drawn uniformly per app'),
    swap_ratio: fraction(0.6, 'Share of anonymous memory already swapped to zram (30% fresh, 60%+ after minutes)'),
    file_mib: mib(50, 'File-backed memory per app'),
    oom_score_adj_min: z.int().min(-1000).max(1000).default(700).describe('Lowest oom_score_adj of the apps'),
    oom_score_adj_max: z.int().min(-1000).max(1000).default(999).describe('Highest oom_score_adj of the apps'),
    threads: z.int().min(1).default(1).describe('Threads per app that must exit before the process is dead'),
  })
  .superRefine((a, ctx) => {
    if (a.oom_score_adj_max < a.oom_score_adj_min)
      ctx.addIssue({ code: 'custom', path: ['oom_score_adj_max'], message: `must be >= oom_score_adj_min (${a.oom_score_adj_min})` });
  })
  .prefault({})
  .describe('Cached background apps');

const Load = z
  .strictObject({
    share: fraction(0.6, 'Share of all CPUs that system services keep busy'),
    class: z.enum(['fair', 'fifo']).default('fair').describe('Scheduling class of the service threads'),
    fifo_priority: z.int().min(1).max(99).default(50).describe('RT priority when class is fifo (1..99)'),
    threads: z.int().min(0).default(8).describe('Service threads'),
  })
  .prefault({})
  .describe('Background system load');

const Launch = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Cold-start the camera app'),
    at_ms: ms(100, 'When the launch starts'),
    threads: z.int().min(1).default(4).describe('Top-app threads doing the launch work'),
    cpu_ms: ms(900, 'CPU work of the cold start, at capacity 1024'),
    alloc_mib: mib(900, 'Memory the launch allocates'),
    preview_cpu_ms: ms(120, 'CPU work from preview request to first frame, at capacity 1024'),
    frame_hz: z.literal([60, 120]).default(60).describe('Display refresh rate (Hz): 60 or 120'),
    frame_cpu_ms: ms(6, 'CPU work per frame, at capacity 1024'),
    frames: z.int().min(0).default(120).describe('Frames rendered after preview'),
    // ---- added for issue 11: the frame pipeline ----
    render_thread_share: fraction(0.5, "Share of frame_cpu_ms drawn by RenderThread; the rest is the UI thread's doFrame"),
    frame_alloc_kib: mib(64, "UI thread allocations per frame (KiB; page faults that may stall in direct reclaim)"),
    surfaceflinger_cpu_ms: ms(1.5, 'SurfaceFlinger composition per new frame, at capacity 1024'),
    camera_fps: z.number().positive().default(30).describe('Camera sensor frame rate: preview buffers per second from the HAL'),
    camera_hal_cpu_ms: ms(2, "Camera HAL result processing per preview buffer, at capacity 1024"),
    // ---- end of issue 11 additions ----
  })
  .prefault({})
  .describe('Foreground camera launch');

// ---- added for issue 11 (phone model): CPU frequency ----
const Cpufreq = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("DVFS: a schedutil-like governor sets each cluster's operating point (platforms with an OPP table); off: every CPU at its top point"),
  })
  .prefault({})
  .describe('CPU frequency scaling (the energy model reports energy_mj either way)');
// ---- end of issue 11 additions ----

// ---- added for issue 11: continuous launches (Zhiguo Jiang's 30-app test) ----
const Continuous = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Launch apps one after another for rounds (set launch.enabled false); frames use the launch.* display settings'),
    apps: z.int().min(1).default(30).describe('Apps launched in turn'),
    rounds: z.int().min(1).default(2).describe('Rounds over all apps'),
    anon_mib: AnonRange.default([150, 450]).describe('Heap each app faults in on a cold start (MiB), [min, max] drawn per app'),
    threads: z.int().min(1).default(4).describe('Launch threads per app'),
    cold_cpu_ms: ms(600, 'CPU work of a cold start, at capacity 1024'),
    warm_cpu_ms: ms(120, 'CPU work of a warm start (app still cached), at capacity 1024'),
    dwell_ms: ms(2000, 'Time the app is used, frames drawn, before the next launch'),
    at_ms: ms(100, 'When the first launch starts'),
  })
  .prefault({})
  .describe('Continuous launches');
// ---- end of issue 11 additions ----

export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1).default('scenario').describe("Scenario name in reports (default: the file's base name)"),
    description: z.string().default('').describe('One-line description'),
    duration_ms: z.number().positive().default(4000).describe('Simulated time limit (ms, > 0)'),
    seed: z.int().min(0).default(1).describe('Random seed (the CLI --seed overrides)'),
    platform: z
      .union([PLATFORM_NAMES, CustomPlatform])
      .default('phone-8core')
      .describe('Machine: a preset name or a custom {cpus, ram_mib}'),
    kernel: Kernel,
    memory: Memory,
    lmkd: Lmkd,
    apps: Apps,
    load: Load,
    launch: Launch,
    cpufreq: Cpufreq, // issue 11
    continuous: Continuous, // issue 11
    processes: z.int().min(0).default(0).describe('Micro scenarios: processes that die at t=0 (0 = none)'),
    swap_mib: mib(400, 'Micro: swapped-out memory per process'),
    present_mib: mib(0, 'Micro: resident anonymous memory per process'),
    mthp_kib: z.literal([4, 16, 32, 64]).default(4).describe('Micro: swap-out page size (KiB): 4, 16, 32 or 64'),
    mode: z
      .enum(['exit', 'munmap'])
      .default('exit')
      .describe('Micro: processes die by SIGKILL (exit) or free their memory with munmap'),
  })
  .describe('A swaplab scenario');

/** A validated scenario with every default filled in. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** What a scenario file may contain (everything optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type CustomPlatform = z.infer<typeof CustomPlatform>;
export type Platform = Scenario['platform'];
