// The scenario file format. Every field has a default so a scenario file only
// states what differs; objects are strict so a misspelt key is an error rather
// than a silently ignored setting. The .describe() texts end up in
// scenarios/scenario.schema.json, which editors show as hover help.
import { z } from 'zod';
import { isPolicyFile, POLICY_NAMES, SHIPPED_POLICIES } from '../policies/registry.js';
import { unknownName } from './nearest-name.js';
import {
  MAX_APPS,
  MAX_COMPRESSION_RATIO,
  MAX_CPU_GROUPS,
  MAX_CPUS,
  MAX_DESCRIPTION_CHARS,
  MAX_DURATION_MS,
  MAX_FRAMES,
  MAX_LOAD_THREADS,
  MAX_NAME_CHARS,
  MAX_NUMA_NODE,
  MAX_PROCESSES,
  MAX_RAM_MIB,
  MAX_SEED,
  MAX_SIZE_MIB,
  MAX_THREADS,
  MAX_TIME_MS,
  MIN_PERIOD_MS,
  MIN_RAM_MIB,
} from './limits.js';

export const PLATFORM_NAMES = z.enum(['phone-8core', 'server-2node-128cpu', 'phone-8gb', 'phone-16gb', 'quad-equal'], {
  error: (iss) => unknownName('platform', iss.input, ['phone-8core', 'server-2node-128cpu', 'phone-8gb', 'phone-16gb', 'quad-equal']),
});
export type PlatformName = z.infer<typeof PLATFORM_NAMES>;

const KERNEL_VERSION_NAMES = ['6.6-android', '6.6', '6.12', '6.18', 'swap-table'] as const;
export const KERNEL_VERSIONS = z.enum(KERNEL_VERSION_NAMES, {
  error: (iss) => unknownName('kernel version', iss.input, [...KERNEL_VERSION_NAMES]),
});
export type KernelVersion = z.infer<typeof KERNEL_VERSIONS>;

/** Exit-path policies: derived from the policy registry, the only list. */
export { POLICY_NAMES };

/** Each policy's own options, under kernel.policy_options.<policy>, from its module's schema. */
const PolicyOptions = z
  .strictObject(Object.fromEntries(SHIPPED_POLICIES.map((m) => [m.name, m.options.prefault({}).describe(`Options of ${m.name}: ${m.summary}`)])))
  .catchall(z.record(z.string(), z.unknown()).describe('Options of a policy loaded from a file (validated by its own schema)'))
  .prefault({})
  .describe('Per-policy options, keyed by policy name');

// Every number has both bounds (see limits.ts); the descriptions state them.
const mib = (def: number, what: string) => z.number().min(0).max(MAX_SIZE_MIB).default(def).describe(`${what} (MiB, 0..${MAX_SIZE_MIB})`);
const ms = (def: number, what: string) => z.number().min(0).max(MAX_TIME_MS).default(def).describe(`${what} (ms, 0..${MAX_TIME_MS})`);
/** A period something repeats at: never below MIN_PERIOD_MS, or a run is all polling. */
const periodMs = (def: number, what: string) => z.number().min(MIN_PERIOD_MS).max(MAX_TIME_MS).default(def).describe(`${what} (ms, ${MIN_PERIOD_MS}..${MAX_TIME_MS})`);
const count = (min: number, max: number, def: number, what: string) => z.int().min(min).max(max).default(def).describe(`${what} (${min}..${max})`);
const fraction = (def: number, what: string) => z.number().min(0).max(1).default(def).describe(`${what} (fraction 0..1)`);

const CpuGroup = z
  .strictObject({
    capacity: z.int().min(1).max(1024).describe('Relative CPU capacity, 1024 = the biggest core (1..1024)'),
    cluster: z.string().min(1).max(64).describe('Cluster name, e.g. "little", "mid", "big"'),
    node: count(0, MAX_NUMA_NODE, 0, 'NUMA node of these CPUs'),
    count: count(1, MAX_CPUS, 1, `How many identical CPUs this entry stands for (at most ${MAX_CPUS} in all groups)`),
  })
  .describe('A group of identical CPUs');

const CustomPlatform = z
  .strictObject({
    cpus: z.array(CpuGroup).min(1).max(MAX_CPU_GROUPS).describe(`CPU groups, in CPU number order (1..${MAX_CPU_GROUPS} groups, ${MAX_CPUS} CPUs in all)`),
    ram_mib: z.number().min(MIN_RAM_MIB).max(MAX_RAM_MIB).describe(`Total RAM (MiB, ${MIN_RAM_MIB}..${MAX_RAM_MIB}); zram is half of it`),
  })
  .superRefine((p, ctx) => {
    const total = p.cpus.reduce((n, g) => n + g.count, 0);
    if (total > MAX_CPUS) ctx.addIssue({ code: 'custom', path: ['cpus'], message: `${total} CPUs in all; at most ${MAX_CPUS}` });
  })
  .describe('A custom machine');

const Kernel = z
  .strictObject({
    version: KERNEL_VERSIONS.default('6.6-android').describe('Kernel preset: which code paths and locks exist'),
    policy: z
      .string()
      .refine((p) => POLICY_NAMES.includes(p) || isPolicyFile(p), {
        error: (iss) => unknownName('policy', iss.input, POLICY_NAMES),
      })
      .default('sync')
      .meta({ enum: [...POLICY_NAMES] })
      .describe('How exit frees swap entries (the CLI --policy overrides this)'),
    policy_options: PolicyOptions,
    rt_throttling: z.boolean().default(true).describe('RT throttling: SCHED_FIFO tasks get at most 95% of each CPU'),
    compression_ratio: z.number().min(1).max(MAX_COMPRESSION_RATIO).default(2.8).describe(`zram (lz4) compression ratio (1..${MAX_COMPRESSION_RATIO})`),
    swap_fragmentation: fraction(
      0.9,
      "How scattered a process's swap entries are: probability a run of contiguous slots ends after each folio (LRU-order swap-out of 4 KiB pages scatters them; Lei Liu's profile, where free_swap_slot dominates, implies mostly single-entry runs)",
    ),
    zram_slot_contention: z.boolean().default(true).describe("Model zram's per-slot trylock: concurrent swap-in readers can make zram_slot_free_notify miss (miss_free)"),
    zram_same_filled: fraction(0.05, 'Share of swapped pages zram stores as same-filled (no zsmalloc object)'),
    aggregation: z.enum(['chunk', 'fine']).default('chunk').describe("Event granularity: 'chunk' = one step per lock hold per page-table chunk; 'fine' = one per free_swap_and_cache_nr call"),
    calibration: z
      .string()
      .max(100)
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
    page_cache_mib: mib(300, "Clean page cache reclaim can drop besides the apps' own file pages (a phone under pressure has little left)"),
  })
  .superRefine((m, ctx) => {
    if (m.watermark_low_mib < m.watermark_min_mib) ctx.addIssue({ code: 'custom', path: ['watermark_low_mib'], message: `must be >= watermark_min_mib (${m.watermark_min_mib})` });
    if (m.watermark_high_mib < m.watermark_low_mib) ctx.addIssue({ code: 'custom', path: ['watermark_high_mib'], message: `must be >= watermark_low_mib (${m.watermark_low_mib})` });
  })
  .prefault({})
  .describe('Memory watermarks (defaults are for the 12 GB phone)');

const Lmkd = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the low memory killer'),
    reaper: z
      .enum(['setprio', 'mrelease'])
      .default('mrelease')
      .describe(
        "mrelease (today's lmkd): a reaper thread kills and calls process_mrelease() while the victim exits in its own cpuset; setprio (older lmkd): the victim is raised to nice -20 in the foreground cpuset",
      ),
    psi_partial_stall_ms: ms(70, 'PSI "some" stall per window that triggers a kill'),
    psi_complete_stall_ms: ms(700, 'PSI "full" stall per window that triggers a kill'),
    psi_window_ms: periodMs(1000, 'PSI tracking window'),
    minfree_mib: mib(400, 'Kill when free memory is below this'),
    kill_timeout_ms: ms(100, "How long LMKD waits for the victim's death before the next kill"),
    poll_ms: periodMs(10, 'LMKD polling period while memory is low'),
    poll_cpu_us: z.number().min(0).max(100_000).default(100).describe('lmkd main thread CPU per poll: PSI, /proc/zoneinfo and /proc/meminfo parsing (us at capacity 1024, 0..100000; an estimate)'),
    kill_cpu_us: z
      .number()
      .min(0)
      .max(100_000)
      .default(300)
      .describe("lmkd main thread CPU per kill: find_and_kill_process over the candidates' /proc files, pidfd_open (us at capacity 1024, 0..100000; an estimate)"),
    kill_method: z
      .enum(['signal', 'cgroup-kill'])
      .default('signal')
      .describe("signal (today's lmkd): SIGKILL to the victim's process group; cgroup-kill (T.J. Mercier, seeds/002): write to the app cgroup's cgroup.kill, which takes cgroup_mutex"),
    cgroup_mutex_holds_per_s: z
      .number()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('Other holders of cgroup_mutex: cgroup attach/migration by system services, holds per second (0..10000; 0 = none modeled; an estimate)'),
    cgroup_mutex_hold_us: z.number().min(0).max(100_000).default(1000).describe('CPU each of those holders does under cgroup_mutex (us at capacity 1024, 0..100000; an estimate)'),
  })
  .prefault({})
  .describe('Android low memory killer daemon');

const AnonRange = z.tuple([z.number().min(0).max(MAX_SIZE_MIB), z.number().min(0).max(MAX_SIZE_MIB)]).refine(([lo, hi]) => lo <= hi, 'expected [min, max] with min <= max');

const Apps = z
  .strictObject({
    count: count(0, MAX_APPS, 18, 'Cached background apps (kill candidates)'),
    anon_mib: z
      .union([z.number().min(0).max(MAX_SIZE_MIB), AnonRange])
      .default([200, 500])
      .describe(`Anonymous memory per app (MiB, 0..${MAX_SIZE_MIB}): a number, or [min, max] drawn uniformly per app`),
    swap_ratio: fraction(0.6, 'Share of anonymous memory already swapped to zram (30% fresh, 60%+ after minutes)'),
    file_mib: mib(50, 'File-backed memory per app'),
    oom_score_adj_min: z.int().min(-1000).max(1000).default(700).describe('Lowest oom_score_adj of the apps (-1000..1000)'),
    oom_score_adj_max: z.int().min(-1000).max(1000).default(999).describe('Highest oom_score_adj of the apps (-1000..1000)'),
    threads: count(1, MAX_THREADS, 1, 'Threads per app that must exit before the process is dead'),
  })
  .superRefine((a, ctx) => {
    if (a.oom_score_adj_max < a.oom_score_adj_min) ctx.addIssue({ code: 'custom', path: ['oom_score_adj_max'], message: `must be >= oom_score_adj_min (${a.oom_score_adj_min})` });
  })
  .prefault({})
  .describe('Cached background apps');

const Load = z
  .strictObject({
    share: fraction(0.6, 'Share of all CPUs that system services keep busy'),
    class: z.enum(['fair', 'fifo']).default('fair').describe('Scheduling class of the service threads'),
    fifo_priority: z.int().min(1).max(99).default(50).describe('RT priority when class is fifo (1..99)'),
    threads: count(0, MAX_LOAD_THREADS, 8, 'Service threads'),
  })
  .prefault({})
  .describe('Background system load');

const Launch = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Cold-start the camera app'),
    at_ms: ms(100, 'When the launch starts'),
    threads: count(1, MAX_THREADS, 4, 'Top-app threads doing the launch work'),
    cpu_ms: ms(900, 'CPU work of the cold start, at capacity 1024'),
    alloc_mib: mib(900, 'Memory the launch allocates'),
    preview_cpu_ms: ms(120, 'CPU work from preview request to first frame, at capacity 1024'),
    frame_hz: z.literal([60, 120]).default(60).describe('Display refresh rate (Hz): 60 or 120'),
    frame_cpu_ms: ms(6, 'CPU work per frame, at capacity 1024'),
    frames: count(0, MAX_FRAMES, 120, 'Frames rendered after preview'),
    render_thread_share: fraction(0.5, "Share of frame_cpu_ms drawn by RenderThread; the rest is the UI thread's doFrame"),
    frame_alloc_kib: z
      .number()
      .min(0)
      .max(1024 * 1024)
      .default(64)
      .describe('UI thread allocations per frame (KiB, 0..1048576; page faults that may stall in direct reclaim)'),
    surfaceflinger_cpu_ms: ms(1.5, 'SurfaceFlinger composition per new frame, at capacity 1024'),
    camera_fps: z.number().min(1).max(240).default(30).describe('Camera sensor frame rate: preview buffers per second from the HAL (1..240)'),
    camera_hal_cpu_ms: ms(2, 'Camera HAL result processing per preview buffer, at capacity 1024'),
  })
  .prefault({})
  .describe('Foreground camera launch');

const Cpufreq = z
  .strictObject({
    enabled: z.boolean().default(true).describe("DVFS: a schedutil-like governor sets each cluster's operating point (platforms with an OPP table); off: every CPU at its top point"),
  })
  .prefault({})
  .describe('CPU frequency scaling (the energy model reports energy_mj either way)');

const Continuous = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Launch apps one after another for rounds (set launch.enabled false); frames use the launch.* display settings'),
    apps: count(1, MAX_APPS, 30, 'Apps launched in turn'),
    rounds: count(1, 100, 2, 'Rounds over all apps'),
    anon_mib: AnonRange.default([150, 450]).describe('Heap each app faults in on a cold start (MiB), [min, max] drawn per app'),
    threads: count(1, MAX_THREADS, 4, 'Launch threads per app'),
    cold_cpu_ms: ms(600, 'CPU work of a cold start, at capacity 1024'),
    warm_cpu_ms: ms(120, 'CPU work of a warm start (app still cached), at capacity 1024'),
    dwell_ms: ms(2000, 'Time the app is used, frames drawn, before the next launch'),
    at_ms: ms(100, 'When the first launch starts'),
  })
  .prefault({})
  .describe('Continuous launches');

export const ScenarioSchema = z
  .strictObject({
    name: z.string().min(1).max(MAX_NAME_CHARS).default('scenario').describe("Scenario name in reports (default: the file's base name)"),
    description: z.string().max(MAX_DESCRIPTION_CHARS).default('').describe('One-line description'),
    duration_ms: z.number().positive().max(MAX_DURATION_MS).default(4000).describe(`Simulated time limit (ms, > 0, <= ${MAX_DURATION_MS})`),
    seed: count(0, MAX_SEED, 1, 'Random seed, 32 bits (the CLI --seed overrides)'),
    platform: z.union([PLATFORM_NAMES, CustomPlatform]).default('phone-8core').describe('Machine: a preset name or a custom {cpus, ram_mib}'),
    kernel: Kernel,
    memory: Memory,
    lmkd: Lmkd,
    apps: Apps,
    load: Load,
    launch: Launch,
    cpufreq: Cpufreq,
    continuous: Continuous,
    processes: count(0, MAX_PROCESSES, 0, 'Micro scenarios: processes that die at t=0 (0 = none)'),
    swap_mib: mib(400, 'Micro: swapped-out memory per process'),
    present_mib: mib(0, 'Micro: resident anonymous memory per process'),
    mthp_kib: z.literal([4, 16, 32, 64]).default(4).describe('Micro: swap-out page size (KiB): 4, 16, 32 or 64'),
    mode: z.enum(['exit', 'munmap']).default('exit').describe('Micro: processes die by SIGKILL (exit) or free their memory with munmap'),
  })
  .describe('A swaplab scenario');

/** A validated scenario with every default filled in. */
export type Scenario = z.infer<typeof ScenarioSchema>;
/** What a scenario file may contain (everything optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type CustomPlatform = z.infer<typeof CustomPlatform>;
export type Platform = Scenario['platform'];
