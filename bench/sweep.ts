// Sweep scaling benchmark (`npm run bench:sweep -- --json`): a whole
// `swaplab compare` of 30 runs (default camera-launch, 3 policies x 10 seeds,
// a fresh results store each time) with --jobs 1 against --jobs 2, alternating
// 1, 2, 1, 2, ... so both see the same machine. Prints each round, the ratio
// of the two wall times per round and its median, and the CPU time of each
// process (all its threads): CPU(1)/CPU(2) below 1 is what the second worker
// costs, the bound on the ratio on an idle machine being 2 x CPU(1)/CPU(2).
// The 1-minute load average says whether the cores were shared. No
// threshold: the figures are printed.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, median, timeProcess } from './cli-process.js';

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
  cpus: number;
  loadavg_1min: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function compare(compareArgs: string[], runs: number, jobs: number, store: boolean): SweepRound {
  const dir = mkdtempSync(join(tmpdir(), 'swaplab-bench-sweep-'));
  try {
    const db = store ? ['--db', join(dir, 'results.duckdb')] : ['--no-db'];
    const r = timeProcess([CLI, 'compare', ...compareArgs, ...db, '--jobs', String(jobs), '--format', 'csv']);
    return { jobs, wall_ms: Math.round(r.wall), cpu_ms: Math.round(r.marks['cpu'] ?? NaN), runs_per_s: round3(runs / (r.wall / 1000)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
  const load: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const pair = [compare(compareArgs, runs, 1, store), compare(compareArgs, runs, 2, store)] as const;
    for (const r of pair) {
      all.push(r);
      if (!json) console.log(`--jobs ${r.jobs}: ${runs} runs in ${r.wall_ms} ms wall, ${r.cpu_ms} ms CPU (${r.runs_per_s} runs/s)`);
    }
    ratios.push(pair[0].wall_ms / pair[1].wall_ms);
    cpuRatios.push(pair[0].cpu_ms / pair[1].cpu_ms);
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
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`throughput --jobs 2 / --jobs 1 per round: ${result.ratios.join(', ')}; median ${result.median_ratio}`);
    console.log(`CPU --jobs 1 / --jobs 2 (median): ${result.median_cpu_ratio}; ${result.cpus} CPUs, 1-minute load average ${result.loadavg_1min}`);
  }
}
