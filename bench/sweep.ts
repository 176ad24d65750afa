// Sweep scaling benchmark (`npm run bench:sweep -- --json`): the throughput of
// a compare-sized sweep (default camera-launch, 3 policies x 10 seeds = 30
// runs, no results store) on 1 worker thread against 2, in this process,
// alternating 1, 2, 1, 2, ... so both see the same machine; each sweep builds
// and tears down its own pool, as `swaplab compare` does. Prints each round,
// the ratio throughput(2)/throughput(1) per round and its median, and the CPU
// time both used (all threads of this process): CPU(1)/CPU(2) is how much of
// the second core the sweep could use on an idle machine; the load average
// says whether the machine was shared. No threshold: the figures are printed.

import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadScenario } from '../src/scenario/loader.js';
import { runSweep } from '../src/sweep/pool.js';
import { scenarioKey } from '../src/sweep/scenario-key.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};

export interface SweepRound {
  threads: number;
  runs: number;
  wall_ms: number;
  cpu_ms: number;
  runs_per_s: number;
}

export interface SweepScaling {
  scenario: string;
  policies: string[];
  seeds: number;
  rounds: SweepRound[];
  /** Per round: runs/s on 2 threads over runs/s on 1 thread. */
  ratios: number[];
  median_ratio: number;
  /** Median of CPU(1 thread) / CPU(2 threads): below 1 by what the second worker costs. */
  median_cpu_ratio: number;
  cpus: number;
  loadavg_1min: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function oneSweep(scenarioName: string, policies: string[], seeds: number[], threads: number): Promise<SweepRound> {
  const scenario = loadScenario(scenarioName);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const records = await runSweep({ scenario, scenarioKey: scenarioKey(scenario), policies, seeds, maxThreads: threads });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { threads, runs: records.length, wall_ms: Math.round(wall), cpu_ms: Math.round((cpu.user + cpu.system) / 1000), runs_per_s: records.length / (wall / 1000) };
}

/** 1 vs 2 worker threads, `rounds` pairs. */
async function measureSweepScaling(scenario: string, policies: string[], nSeeds: number, rounds: number, onRound?: (r: SweepRound) => void): Promise<SweepScaling> {
  const seeds = Array.from({ length: nSeeds }, (_, i) => i + 1);
  const all: SweepRound[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const one = await oneSweep(scenario, policies, seeds, 1);
    onRound?.(one);
    const two = await oneSweep(scenario, policies, seeds, 2);
    onRound?.(two);
    all.push(one, two);
    ratios.push(two.runs_per_s / one.runs_per_s);
    cpuRatios.push(one.cpu_ms / two.cpu_ms);
    load.push(loadavg()[0]!);
  }
  return {
    scenario,
    policies,
    seeds: nSeeds,
    rounds: all,
    ratios: ratios.map((r) => Math.round(r * 1000) / 1000),
    median_ratio: Math.round(median(ratios) * 1000) / 1000,
    median_cpu_ratio: Math.round(median(cpuRatios) * 1000) / 1000,
    cpus: availableParallelism(),
    loadavg_1min: Math.round(median(load) * 100) / 100,
  };
}

{
  const scenario = flag('--scenario', 'camera-launch');
  const policies = flag('--policies', 'sync,async-mmu-gather,async-global-list').split(',');
  const seeds = Number(flag('--seeds', '10'));
  const rounds = Number(flag('--rounds', '3'));
  const json = args.includes('--json');
  const r = await measureSweepScaling(scenario, policies, seeds, rounds, (round) => {
    if (!json) console.log(`${round.threads} thread${round.threads > 1 ? 's' : ' '}: ${round.runs} runs in ${round.wall_ms} ms wall, ${round.cpu_ms} ms CPU (${round.runs_per_s.toFixed(2)} runs/s)`);
  });
  if (json) console.log(JSON.stringify(r));
  else {
    console.log(`throughput 2 threads / 1 thread per round: ${r.ratios.join(', ')}; median ${r.median_ratio}`);
    console.log(`CPU 1 thread / 2 threads (median): ${r.median_cpu_ratio}; ${r.cpus} CPUs, 1-minute load average ${r.loadavg_1min}`);
  }
}
