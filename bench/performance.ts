// Regenerates docs/performance.md (`npm run perf:doc`): the Engine's hold
// benchmark with its C++ and Python ratios (bench/engine.ts), the scenario
// benchmark of camera-launch (bench/scenario.ts), whole `swaplab run`
// processes split into their phases (bench/cli-process.ts), a sweep on 1
// against 2 worker threads (bench/sweep.ts), and a scaling table: wall
// time and peak RSS of one run against the entries freed, the exiting
// processes and the CPUs, with the exponent of a power law fitted to each.
// Every run is a fresh child process, so each peak RSS is its own. The text
// below the HISTORY_MARKER line of the existing file is kept as it is
// (hand-written notes, figures from before a change). About 3-5 minutes.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/sim/run.js';
import { CLI, median, timeProcess } from './cli-process.js';
import type { SweepScaling } from './sweep.js';

const HISTORY_MARKER = '<!-- Below this line: kept as written by `npm run perf:doc`. -->';

const self = fileURLToPath(import.meta.url);
const distBench = dirname(self);
const repoRoot = join(distBench, '..', '..');

interface ScaleRun {
  x: number;
  wall_ms: number;
  cpu_ms: number;
  events: number;
  peak_rss_mib: number;
  error?: string;
}

/**
 * Child mode: one run of a scenario with --set overrides, after a warm-up run of the same scenario
 * with `warmSets` (the axis's smallest size), so the figure is the simulation's and not the JIT's;
 * prints a ScaleRun-like JSON line.
 */
function child(args: string[]): void {
  const [scenario, policy, seed, warmSetsJson, ...sets] = args;
  runScenario(loadScenario(scenario!, JSON.parse(warmSetsJson!) as string[]), { policy: policy!, seed: Number(seed) + 1000 });
  const sc = loadScenario(scenario!, sets);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = runScenario(sc, { policy: policy!, seed: Number(seed) });
  const cpu = process.cpuUsage(c0);
  const wallMs = performance.now() - t0;
  process.stdout.write(
    JSON.stringify({
      wall_ms: Math.round(wallMs),
      cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      events: r.output.metrics.events,
      peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

function runJsonLines(script: string, args: string[]): Array<Record<string, unknown>> {
  const out = execFileSync(process.execPath, [join(distBench, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return out
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Least-squares slope of log(y) on log(x): y ~ x^slope. */
function powerLawExponent(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log),
    ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0,
    den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return num / den;
}

interface Axis {
  title: string;
  xLabel: string;
  scenario: string;
  fixed: string;
  points: Array<{ x: number; sets: string[] }>;
}

/** A custom two-node machine with `n` identical CPUs; 64 GiB RAM, so a 32 GiB zram device at every size. */
const twoNodeMachine = (n: number) => `platform={cpus: [{capacity: 1024, cluster: node0, node: 0, count: ${n / 2}}, {capacity: 1024, cluster: node1, node: 1, count: ${n / 2}}], ram_mib: 65536}`;

const AXES: Axis[] = [
  {
    title: 'Entries freed',
    xLabel: 'swap entries',
    scenario: 'munmap-concurrent',
    fixed: 'One process munmaps its swapped 64 KiB mTHP memory; `--set swap_mib=` 256 to 4096 (one entry per 4 KiB)',
    points: [256, 512, 1024, 2048, 4096].map((mib) => ({ x: mib * 256, sets: [`swap_mib=${mib}`] })),
  },
  {
    title: 'Exiting processes',
    xLabel: 'processes',
    scenario: 'exit-one',
    fixed: 'Processes with 200 MiB in swap each exit at once on the phone; `--set processes=` 1 to 16 `--set swap_mib=200`',
    points: [1, 2, 4, 8, 16].map((p) => ({ x: p, sets: [`processes=${p}`, 'swap_mib=200'] })),
  },
  {
    title: 'CPUs',
    xLabel: 'CPUs',
    scenario: 'server-exit',
    fixed:
      "16 processes with 128 MiB in swap each exit on a two-node machine of 16 to 128 CPUs with 64 GiB RAM; `--set processes=16 --set swap_mib=128 --set memory.free_mib=32768 --set platform={...}`. The work is the same at every size (the events column), so this axis measures what each simulated CPU costs (its runqueue, per-CPU caches and clock): an exponent near 0 means the machine's size is nearly free, 1 that the time grows with the CPUs themselves",
    points: [16, 32, 64, 128].map((n) => ({ x: n, sets: ['processes=16', 'swap_mib=128', 'memory.free_mib=32768', twoNodeMachine(n)] })),
  },
];

function scaleAxis(axis: Axis): ScaleRun[] {
  return axis.points.map((p) => {
    const label = `${axis.scenario} ${p.sets.join(' ').slice(0, 40)}`;
    try {
      const warmSets = JSON.stringify(axis.points[0]!.sets);
      const out = execFileSync(process.execPath, [self, '--child', axis.scenario, 'sync', '1', warmSets, ...p.sets], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const r = JSON.parse(out) as Omit<ScaleRun, 'x'>;
      console.error(`  ${label}: ${r.wall_ms} ms wall, ${r.cpu_ms} ms CPU, ${r.peak_rss_mib} MiB`);
      return { x: p.x, ...r };
    } catch (e) {
      // A model error at one size is a finding for the table, not a reason to lose the others.
      const stderr = String((e as { stderr?: unknown }).stderr ?? e);
      const error =
        stderr
          .split('\n')
          .find((l) => /Error/.test(l))
          ?.trim() ?? 'failed';
      console.error(`  ${label}: ${error}`);
      return { x: p.x, wall_ms: NaN, cpu_ms: NaN, events: NaN, peak_rss_mib: NaN, error };
    }
  });
}

const fmtInt = (x: unknown) => (typeof x === 'number' ? Math.round(x).toLocaleString('en-US') : '–');
const fmtRatio = (x: unknown) => (typeof x === 'number' ? `${x.toFixed(2)}×` : '–');

function engineSection(rows: Array<Record<string, unknown>>): string {
  const lines = [
    '## Engine: hold model',
    '',
    'Keep N events pending; repeatedly pop the earliest and push one at a random later time. The Engine row',
    'goes through `Engine.at`/`step` with fingerprinting, on its default pending set (the 4-ary heap up to 4k',
    'pending, a calendar queue up to 256k, the heap above); the C++ reference is a `std::priority_queue` of the same',
    "(time, order, slot) records (`bench/reference/hold.cpp`), Python's is `heapq` (`bench/reference/hold_heapq.py`).",
    'All in process CPU time; engine/C++ is the median of 5 paired rounds in one run (`npm run bench:engine -- --json`).',
    '',
    '| pending | Engine ev/s | set | 4-ary heap ev/s | calendar ev/s | C++ ev/s | Python ev/s | Engine / C++ | Engine / Python |',
    '|---:|---:|:--|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${fmtInt(r.pending)} | ${fmtInt(r.engine_events_per_sec)} | ${r.engine_pending_set} | ${fmtInt(r.heap_events_per_sec)} | ${fmtInt(r.calendar_events_per_sec)} | ${fmtInt(r.cpp_events_per_sec)} | ${fmtInt(r.python_heapq_events_per_sec)} | ${fmtRatio(r.engine_vs_cpp)} | ${fmtRatio(r.engine_vs_python)} |`,
    );
  }
  lines.push('', `C++ compiler: ${String(rows[0]?.cpp_compiler ?? 'none (skipped)')}.`, '');
  return lines.join('\n');
}

function scenarioSection(rows: Array<Record<string, unknown>>): string {
  const lines = [
    '## Scenario: camera-launch (sync)',
    '',
    'One child process per seed: a warm run (after one run of another seed, as in a sweep worker), the cold',
    'first run, the steady state (the seed again after two more runs of other seeds: V8 is still optimising',
    'during the second run) and the settled state (after three more runs of other seeds, the best of three',
    "runs of the seed: a long sweep worker's runs are like these); peak RSS of the whole process",
    '(`npm run bench:scenario -- --json`). Wall is the whole run (build, simulation, metrics); sim is the',
    "simulation alone, after the build: DESIGN.md's target (at most 200 ms of simulation per seed in a warm",
    'worker, at least 1M events/s) is on sim. Events/s are of the simulation.',
    '',
    '| seed | wall ms (warm) | wall ms (steady) | wall ms (settled) | wall ms (cold) | sim ms (warm) | sim ms (steady) | sim ms (settled) | events | events/s (warm) | events/s (settled) | peak RSS MiB | fingerprint |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.seed} | ${fmtInt(r.wall_ms)} | ${fmtInt(r.steady_wall_ms)} | ${fmtInt(r.settled_wall_ms)} | ${fmtInt(r.cold_wall_ms)} | ${fmtInt(r.sim_ms)} | ${fmtInt(r.steady_sim_ms)} | ${fmtInt(r.settled_sim_ms)} | ${fmtInt(r.events)} | ${fmtInt(r.events_per_s)} | ${fmtInt(r.settled_events_per_s)} | ${fmtInt(r.peak_rss_mib)} | \`${r.fingerprint}\` |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Whole processes, alternated over `rounds`; the reference is Node starting and exiting (`node -e 0`). */
const CLI_COMMANDS: Array<{ label: string; args: string[] }> = [
  { label: 'swaplab run exit-one --set swap_mib=8', args: ['run', 'exit-one', '--set', 'swap_mib=8'] },
  { label: 'swaplab run camera-launch --policy sync --seed 1', args: ['run', 'camera-launch', '--policy', 'sync', '--seed', '1'] },
];

interface CliRow {
  label: string;
  wall: number;
  cpu: number;
  node: number;
  modules: number;
  scenario: number;
  simulation: number;
  rest: number;
}

function cliProcesses(rounds: number): { reference: number; rows: CliRow[] } {
  const ref: number[] = [];
  const runs = CLI_COMMANDS.map(() => [] as CliRow[]);
  for (let i = 0; i < rounds; i++) {
    ref.push(timeProcess(['-e', '0']).wall);
    CLI_COMMANDS.forEach((c, j) => {
      const { wall, marks: m } = timeProcess([CLI, ...c.args]);
      const node = m['node_bootstrap']!;
      // Module load: the static imports before the command runs, and the simulator's, imported by `run`.
      const modules = m['modules']! - node + (m['simulator_modules']! - m['scenario']!);
      const scenario = m['scenario']! - m['parsed']!;
      const simulation = m['simulation']! - m['simulator_modules']!;
      runs[j]!.push({ label: c.label, wall, cpu: m['cpu']!, node, modules, scenario, simulation, rest: wall - node - modules - scenario - simulation });
    });
  }
  const med = (rows: CliRow[], k: keyof Omit<CliRow, 'label'>) => median(rows.map((r) => r[k]));
  return {
    reference: median(ref),
    rows: runs.map((rows) => ({
      label: rows[0]!.label,
      wall: med(rows, 'wall'),
      cpu: med(rows, 'cpu'),
      node: med(rows, 'node'),
      modules: med(rows, 'modules'),
      scenario: med(rows, 'scenario'),
      simulation: med(rows, 'simulation'),
      rest: med(rows, 'rest'),
    })),
  };
}

/**
 * The whole `run camera-launch --seed 1` process if the run itself cost what it costs once V8 has
 * settled: its start-up phases as measured (bootstrap, module load, scenario load) plus seed 1's
 * settled wall time (build, simulation, metrics) from the scenario benchmark. What is left between
 * this and the measured wall is the JIT's warm-up in a fresh process.
 */
function compiledFloor(cli: { rows: CliRow[] }, scenarioRows: Array<Record<string, unknown>>): { label: string; startup: number; settled: number } | undefined {
  const row = cli.rows.find((x) => x.label.includes('camera-launch'));
  const settled = scenarioRows.find((x) => x['seed'] === 1)?.['settled_wall_ms'];
  if (row === undefined || typeof settled !== 'number') return undefined;
  return { label: row.label, startup: row.node + row.modules + row.scenario, settled };
}

/** A whole `swaplab run server-exit` (64 processes with 8 GiB of swap each, 128 CPUs): wall, CPU and peak RSS of the process. */
interface ServerRun {
  wall: number;
  cpu: number;
  maxRssMib: number;
  fingerprint: string;
}

const SERVER_ARGS = ['run', 'server-exit', '--policy', 'sync', '--seed', '1'];

function serverExit(): ServerRun {
  const { wall, marks, stdout } = timeProcess([CLI, ...SERVER_ARGS]);
  return { wall, cpu: marks['cpu']!, maxRssMib: marks['max_rss_mib']!, fingerprint: /fingerprint (\w+)/.exec(stdout)?.[1] ?? '?' };
}

interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

/** DESIGN.md's performance targets against this run's figures (the sections below give each figure's detail). */
function targets(
  engineRows: Array<Record<string, unknown>>,
  scenarioRows: Array<Record<string, unknown>>,
  cli: { rows: CliRow[] },
  floor: ReturnType<typeof compiledFloor>,
  sweep: SweepScaling,
  server: ServerRun,
): Target[] {
  const num = (rows: Array<Record<string, unknown>>, key: string) => rows.map((r) => Number(r[key]));
  const at10k = engineRows.find((r) => r['pending'] === 10_000);
  const engineRatio = Number(at10k?.['engine_vs_cpp']);
  const settledSim = num(scenarioRows, 'settled_sim_ms');
  const settledEvents = num(scenarioRows, 'settled_events_per_s');
  const rss = num(scenarioRows, 'peak_rss_mib');
  const run = cli.rows.find((x) => x.label.includes('camera-launch'));
  const list = (xs: number[]) => xs.map(fmtInt).join(', ');
  return [
    { what: 'Engine hold loop at 10k pending, against C++', target: '≥ 1.0×', measured: fmtRatio(engineRatio), met: engineRatio >= 1 },
    { what: 'camera-launch simulation per seed, settled worker (seeds 1–5)', target: '≤ 200 ms', measured: `${list(settledSim)} ms`, met: Math.max(...settledSim) <= 200 },
    { what: 'camera-launch events/s, settled (seeds 1–5)', target: '≥ 1,000,000', measured: list(settledEvents), met: Math.min(...settledEvents) >= 1e6 },
    { what: 'camera-launch peak RSS (seeds 1–5)', target: '< 300 MB', measured: `${list(rss)} MiB`, met: Math.max(...rss) * 1.048576 < 300 },
    {
      what: 'whole `swaplab run camera-launch` process',
      target: '≤ 500 ms',
      measured: `${fmtInt(run?.wall ?? NaN)} ms (without the JIT's warm-up: ${floor ? fmtInt(floor.startup + floor.settled) : '?'} ms)`,
      met: (run?.wall ?? Infinity) <= 500,
    },
    {
      what: 'whole `swaplab run server-exit` process',
      target: '≤ 30 s, ≤ 1 GB peak RSS',
      measured: `${(server.wall / 1000).toFixed(1)} s, ${fmtInt(server.maxRssMib)} MiB`,
      met: server.wall <= 30_000 && server.maxRssMib * 1.048576 <= 1000,
    },
    { what: 'sweep throughput, 2 workers against 1', target: '≥ 1.8×', measured: `${sweep.median_ratio.toFixed(2)}×`, met: sweep.median_ratio >= 1.8 },
  ];
}

function targetsSection(list: Target[], server: ServerRun): string {
  const lines = [
    '## Targets',
    '',
    "DESIGN.md's performance targets and this run's figures; the sections below give each figure's detail and how",
    `it was measured. server-exit is one fresh process, \`swaplab ${SERVER_ARGS.join(' ')}\` (fingerprint \`${server.fingerprint}\`, ${fmtInt(server.cpu)} ms CPU).`,
    '',
    '| figure | target | measured | met |',
    '|:--|:--|:--|:--|',
    ...list.map((t) => `| ${t.what} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    '',
  ];
  return lines.join('\n');
}

function cliSection(r: { reference: number; rows: CliRow[] }, rounds: number, floor: ReturnType<typeof compiledFloor>): string {
  const lines = [
    '## Whole command: `swaplab run`',
    '',
    `Each command as a fresh process (\`node dist/src/cli/main.js ...\`), the median of ${rounds} rounds alternating with`,
    `the reference \`node -e 0\` (Node starting and exiting: ${fmtInt(r.reference)} ms wall in the same rounds). Wall time of the`,
    'whole process seen from outside, its CPU time (all threads), and its phases as the process marks them',
    "(`SWAPLAB_TIMING=1`, src/cli/phase-timing.ts): Node's own bootstrap; loading and evaluating modules (the",
    "CLI's, then the simulator's that `run` imports); loading the scenario (YAML, schema, calibration, preflight);",
    'the simulation; the rest (process creation and exit, option parsing, printing). Medians of each column, so',
    'the phases need not add up to the whole exactly.',
    '',
    '| command | wall ms | CPU ms | Node bootstrap | module load | scenario load | simulation | rest |',
    '|:--|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const x of r.rows) {
    lines.push(`| \`${x.label}\` | ${fmtInt(x.wall)} | ${fmtInt(x.cpu)} | ${fmtInt(x.node)} | ${fmtInt(x.modules)} | ${fmtInt(x.scenario)} | ${fmtInt(x.simulation)} | ${fmtInt(x.rest)} |`);
  }
  lines.push('');
  if (floor) {
    lines.push(
      `Without the JIT's warm-up: \`${floor.label}\` would take at least ${fmtInt(floor.startup)} ms of start-up (bootstrap, module load`,
      `and scenario load above) plus seed 1's settled wall time in the scenario table (${fmtInt(floor.settled)} ms: build, simulation`,
      `and metrics with every function already optimised), **${fmtInt(floor.startup + floor.settled)} ms**; the rest of the measured wall is V8`,
      'compiling and re-compiling the model in a fresh process.',
      '',
    );
  }
  return lines.join('\n');
}

function sweepSection(s: SweepScaling): string {
  const lines = [
    '## Sweep: 1 against 2 worker threads',
    '',
    `\`${s.command}\` (\`npm run bench:sweep -- --json\`): ${s.runs} runs, a whole process each time, --jobs 1 and --jobs 2`,
    'alternating. Throughput ratio = wall(--jobs 1) / wall(--jobs 2), per round and its median; CPU is of the',
    'whole process, workers included. On an idle machine the ratio is bounded by 2 × CPU(1)/CPU(2) (what the second',
    `worker's start-up and warm-up cost); on shared cores, by the share the process gets. ${s.cpus} CPUs, 1-minute load`,
    `average ${s.loadavg_1min} (median over the rounds).`,
    '',
    '| --jobs | wall ms | CPU ms | runs/s |',
    '|---:|---:|---:|---:|',
  ];
  for (const r of s.rounds) lines.push(`| ${r.jobs} | ${fmtInt(r.wall_ms)} | ${fmtInt(r.cpu_ms)} | ${r.runs_per_s.toFixed(2)} |`);
  lines.push('', `Throughput 2 / 1 thread per round: ${s.ratios.map((x) => x.toFixed(2)).join(', ')}; median **${s.median_ratio.toFixed(2)}×**. CPU(1)/CPU(2): ${s.median_cpu_ratio.toFixed(2)}.`, '');
  return lines.join('\n');
}

function scalingSection(results: Array<{ axis: Axis; runs: ScaleRun[] }>): string {
  const lines = [
    '## Scaling',
    '',
    'One run (sync, seed 1) per size in a fresh process, after a warm-up run of the smallest size: wall and CPU time',
    "of the simulation (start-up, warm-up and scenario loading excluded), and the process's peak RSS. The exponent b",
    'is the least-squares fit of y ~ x^b on a log-log scale over the sizes shown, for CPU time (steadier than wall',
    'time on shared cores) and peak RSS: 1 is linear; near 0, a fixed floor dominates.',
    '',
  ];
  for (const { axis, runs: all } of results) {
    const runs = all.filter((r) => r.error === undefined);
    const bCpu = powerLawExponent(
      runs.map((r) => r.x),
      runs.map((r) => Math.max(1, r.cpu_ms)),
    );
    const bRss = powerLawExponent(
      runs.map((r) => r.x),
      runs.map((r) => r.peak_rss_mib),
    );
    lines.push(`### ${axis.title} (\`${axis.scenario}\`)`, '', `${axis.fixed}.`, '');
    lines.push(`| ${axis.xLabel} | wall ms | CPU ms | events | peak RSS MiB |`, '|---:|---:|---:|---:|---:|');
    for (const r of all) {
      lines.push(
        r.error !== undefined ? `| ${fmtInt(r.x)} | failed: ${r.error} | | | |` : `| ${fmtInt(r.x)} | ${fmtInt(r.wall_ms)} | ${fmtInt(r.cpu_ms)} | ${fmtInt(r.events)} | ${fmtInt(r.peak_rss_mib)} |`,
      );
    }
    if (runs.length < 2) {
      lines.push('', 'Too few successful runs to fit an exponent.', '');
      continue;
    }
    lines.push('', `Fitted exponent: CPU time ~ ${axis.xLabel}^${bCpu.toFixed(2)}, peak RSS ~ ${axis.xLabel}^${bRss.toFixed(2)}.`, '');
  }
  return lines.join('\n');
}

function main(): void {
  const outPath = join(repoRoot, 'docs', 'performance.md');
  const t0 = performance.now();
  console.error('engine hold benchmark...');
  const engineRows = runJsonLines('engine.js', ['--json']);
  console.error('camera-launch scenario benchmark...');
  const scenarioRows = runJsonLines('scenario.js', ['--json']);
  console.error('whole swaplab run processes...');
  const cliRounds = 5;
  const cli = cliProcesses(cliRounds);
  console.error('sweep on 1 and 2 worker threads...');
  const sweep = runJsonLines('sweep.js', ['--json'])[0] as unknown as SweepScaling;
  console.error('server-exit, a whole process...');
  const server = serverExit();
  console.error('scaling runs...');
  const scaling = AXES.map((axis) => ({ axis, runs: scaleAxis(axis) }));
  const minutes = (performance.now() - t0) / 60_000;

  const floor = compiledFloor(cli, scenarioRows);
  const cpu = cpus();
  const kept = existsSync(outPath) ? readFileSync(outPath, 'utf8').split(HISTORY_MARKER)[1] : undefined;
  const doc = [
    '# Performance',
    '',
    `Generated by \`npm run perf:doc\` (bench/performance.ts) on ${new Date().toISOString().slice(0, 10)} in ${minutes.toFixed(1)} min:`,
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
    "The machine's cores may be shared with other work, so read the ratios measured in the same run rather than",
    'absolute figures from different runs.',
    '',
    targetsSection(targets(engineRows, scenarioRows, cli, floor, sweep, server), server),
    engineSection(engineRows),
    scenarioSection(scenarioRows),
    cliSection(cli, cliRounds, floor),
    sweepSection(sweep),
    scalingSection(scaling),
  ].join('\n');
  // The kept text starts with the newline after the marker, so regenerating is idempotent.
  writeFileSync(outPath, `${doc}\n${HISTORY_MARKER}${kept ?? '\n'}`);
  console.error(`wrote ${outPath}`);
}

if (process.argv[2] === '--child') child(process.argv.slice(3));
else main();
