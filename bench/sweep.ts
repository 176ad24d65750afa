// Sweep scaling benchmark (`npm run bench:sweep -- --json`): a whole
// `swaplab compare` of 30 runs (default camera-launch, 3 policies x 10 seeds,
// a fresh results store each time) with --jobs 1 against --jobs 2, alternating
// 1, 2, 1, 2, ... so both see the same machine. Prints each round, the ratio
// of the two wall times per round and its median, and the CPU time of each
// process (all its threads): CPU(1)/CPU(2) below 1 is what the second worker
// costs, the bound on the ratio on an idle machine being 2 x CPU(1)/CPU(2).
// The 1-minute load average says whether the cores were shared. On Linux
// each round also splits the CPU by thread (/proc/<pid>/task, sampled every
// 50 ms): the main thread, the worker threads, and the helpers (V8's
// background compiler and GC threads, libuv's and DuckDB's threads). No
// threshold: the figures are printed.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, median, timingMarks } from './cli-process.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};

export interface SweepRound {
  jobs: number;
  wall_ms: number;
  cpu_ms: number;
  runs_per_s: number;
  /** CPU ms by thread, when /proc was readable. */
  threads?: ThreadSplit;
}

export interface ThreadSplit {
  main_ms: number;
  /** The sweep's worker threads: the `jobs` busiest threads other than the main one. */
  workers_ms: number[];
  /** Everything else: the process's CPU less the main thread and the workers. */
  helpers_ms: number;
}

export interface SweepScaling {
  command: string;
  runs: number;
  rounds: SweepRound[];
  /** Per round: wall(--jobs 1) / wall(--jobs 2), the throughput ratio. */
  ratios: number[];
  median_ratio: number;
  /** Median of CPU(--jobs 1) / CPU(--jobs 2). */
  median_cpu_ratio: number;
  /** Medians per run, by --jobs (when /proc was readable): CPU ms of the worker threads, and of the rest (main + helpers). */
  worker_cpu_per_run_ms?: { jobs1: number; jobs2: number };
  other_cpu_per_run_ms?: { jobs1: number; jobs2: number };
  /** Median of 2 x worker CPU(--jobs 1) / CPU(--jobs 2): the ratio an idle machine allows (see the header). */
  idle_ratio_bound?: number;
  cpus: number;
  loadavg_1min: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** CPU ms of each thread of `pid` now (utime + stime; clock ticks taken as 10 ms, Linux's USER_HZ). */
function threadCpu(pid: number, into: Map<number, number>): void {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return; // not Linux, or the process has gone
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      into.set(Number(tid), (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // the thread ended between the listing and the read
    }
  }
}

/** One `swaplab compare` process with SWAPLAB_TIMING=1 (its whole CPU time), its threads sampled meanwhile. */
function runCompare(command: string[], jobs: number): Promise<{ wall: number; cpu: number; threads?: ThreadSplit }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, command, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SWAPLAB_TIMING: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const perThread = new Map<number, number>();
    const sample = setInterval(() => threadCpu(child.pid!, perThread), 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sample);
      const wall = performance.now() - t0;
      if (code !== 0) return reject(new Error(`${command.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      const cpu = timingMarks(stderr)['cpu'] ?? NaN;
      const main = perThread.get(child.pid!);
      if (main === undefined) return resolve({ wall, cpu });
      const workers = [...perThread]
        .filter(([tid]) => tid !== child.pid)
        .map(([, ms]) => ms)
        .sort((a, b) => b - a)
        .slice(0, jobs);
      resolve({ wall, cpu, threads: { main_ms: main, workers_ms: workers, helpers_ms: Math.max(0, Math.round(cpu - main - workers.reduce((a, b) => a + b, 0))) } });
    });
  });
}

async function compare(compareArgs: string[], runs: number, jobs: number, store: boolean): Promise<SweepRound> {
  const dir = mkdtempSync(join(tmpdir(), 'swaplab-bench-sweep-'));
  try {
    const db = store ? ['--db', join(dir, 'results.duckdb')] : ['--no-db'];
    const r = await runCompare([CLI, 'compare', ...compareArgs, ...db, '--jobs', String(jobs), '--format', 'csv'], jobs);
    return { jobs, wall_ms: Math.round(r.wall), cpu_ms: Math.round(r.cpu), runs_per_s: round3(runs / (r.wall / 1000)), ...(r.threads ? { threads: r.threads } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const workerCpu = (t: ThreadSplit) => t.workers_ms.reduce((a, b) => a + b, 0);

/** Median over the rounds of `f` per run for --jobs `jobs`, when every round has its thread split. */
function perRun(all: SweepRound[], jobs: number, runs: number, f: (r: SweepRound, t: ThreadSplit) => number): number | undefined {
  const rs = all.filter((r) => r.jobs === jobs);
  if (rs.some((r) => !r.threads)) return undefined;
  return Math.round(median(rs.map((r) => f(r, r.threads!) / runs)));
}

const split = (t: ThreadSplit | undefined) => (t ? ` = main ${t.main_ms} + worker${t.workers_ms.length > 1 ? 's' : ''} ${t.workers_ms.join(' + ')} + helpers ${t.helpers_ms}` : '');

{
  const scenario = flag('--scenario', 'camera-launch');
  const policies = flag('--policies', 'sync,async-mmu-gather,async-global-list');
  const seeds = Number(flag('--seeds', '10'));
  const rounds = Number(flag('--rounds', '3'));
  const store = !args.includes('--no-db');
  const json = args.includes('--json');
  const runs = policies.split(',').length * seeds;
  const compareArgs = [scenario, '--policies', policies, '--seeds', String(seeds)];
  const all: SweepRound[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const bounds: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const pair = [await compare(compareArgs, runs, 1, store), await compare(compareArgs, runs, 2, store)] as const;
    for (const r of pair) {
      all.push(r);
      if (!json) console.log(`--jobs ${r.jobs}: ${runs} runs in ${r.wall_ms} ms wall, ${r.cpu_ms} ms CPU${split(r.threads)} (${r.runs_per_s} runs/s)`);
    }
    ratios.push(pair[0].wall_ms / pair[1].wall_ms);
    cpuRatios.push(pair[0].cpu_ms / pair[1].cpu_ms);
    if (pair[0].threads) bounds.push((2 * workerCpu(pair[0].threads)) / pair[1].cpu_ms);
    load.push(loadavg()[0]!);
  }
  const result: SweepScaling = {
    command: `swaplab compare ${compareArgs.join(' ')} ${store ? '--db <fresh>' : '--no-db'} --jobs 1|2`,
    runs,
    rounds: all,
    ratios: ratios.map(round3),
    median_ratio: round3(median(ratios)),
    median_cpu_ratio: round3(median(cpuRatios)),
    cpus: availableParallelism(),
    loadavg_1min: Math.round(median(load) * 100) / 100,
  };
  const w1 = perRun(all, 1, runs, (_, t) => workerCpu(t));
  const w2 = perRun(all, 2, runs, (_, t) => workerCpu(t));
  const o1 = perRun(all, 1, runs, (r, t) => r.cpu_ms - workerCpu(t));
  const o2 = perRun(all, 2, runs, (r, t) => r.cpu_ms - workerCpu(t));
  if (w1 !== undefined && w2 !== undefined && o1 !== undefined && o2 !== undefined && bounds.length === rounds) {
    Object.assign(result, { worker_cpu_per_run_ms: { jobs1: w1, jobs2: w2 }, other_cpu_per_run_ms: { jobs1: o1, jobs2: o2 }, idle_ratio_bound: round3(median(bounds)) });
  }
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`throughput --jobs 2 / --jobs 1 per round: ${result.ratios.join(', ')}; median ${result.median_ratio}`);
    console.log(`CPU --jobs 1 / --jobs 2 (median): ${result.median_cpu_ratio}; ${result.cpus} CPUs, 1-minute load average ${result.loadavg_1min}`);
    const { worker_cpu_per_run_ms: w, other_cpu_per_run_ms: o } = result;
    if (w && o) {
      console.log(`CPU ms per run, --jobs 1 / 2: workers ${w.jobs1} / ${w.jobs2}, main + helpers ${o.jobs1} / ${o.jobs2}; an idle machine allows a ratio of at most ${result.idle_ratio_bound}`);
    }
  }
}
