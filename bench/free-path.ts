// The swap-entry free path on its own: builds a scenario (default
// camera-launch), then frees every process's swapped PMD chunks through
// freeSwapRunsSync (the sync policy's path on the scenario's kernel preset)
// in one task context, iterating the steps without a scheduler: no time
// passes, no lock is contended, nothing else runs. What is left is the
// per-entry and per-call cost of the free path's own code, which is most of
// a camera-launch run (docs/performance.md). Figures only, no verdict:
//   node dist/bench/free-path.js [--scenario camera-launch] [--seeds 5] [--json]
// The first seeds warm the JIT up; the table shows every seed, CPU time.

import { loadScenario } from '../src/scenario/loader.js';
import { buildSimulation } from '../src/sim/build.js';
import { freeSwapRunsSync } from '../src/kernel/swap/swap-free.js';
import { swapPteBatch } from '../src/kernel/exit/zap.js';
import { EMPTY_SLOTS } from '../src/kernel/mm/mm-struct.js';
import { stepsOf, TaskCtx } from '../src/engine/steps.js';
import type { Task } from '../src/kernel/sched/task.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const scenario = loadScenario(flag('--scenario', 'camera-launch'));
const seeds = Number(flag('--seeds', '5'));
const json = args.includes('--json');

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

for (let seed = 1; seed <= seeds; seed++) {
  const { K } = buildSimulation(scenario, 'sync', seed);
  const k = new TaskCtx();
  const preset = K.preset.version;
  let entries = 0;
  let calls = 0;
  let steps = 0;
  const c0 = cpuMs();
  for (const proc of K.processes.all) {
    if (!proc.mm) continue;
    // The process's own task context: its swap_cgroup is the process's, as at its exit.
    const task = { cpu: 0, proc: { pid: proc.pid } } as unknown as Task;
    for (const chunk of proc.mm.chunks) {
      if (chunk.nrSwap === 0) continue;
      // zap_pte_range: the chunk's swap PTEs cleared, their entries detached, then freed.
      const slots = chunk.swap;
      chunk.swap = EMPTY_SLOTS;
      K.si.detachedEntries += slots.length;
      const runs = swapPteBatch(slots, K.preset.swapPteBatch);
      entries += slots.length;
      calls++;
      for (const _ of stepsOf(freeSwapRunsSync(K, k, task, runs))) steps++;
    }
  }
  const ms = cpuMs() - c0;
  const row = { scenario: scenario.name, preset, seed, entries, calls, steps, cpu_ms: Math.round(ms), ns_per_entry: Math.round((ms * 1e6) / entries) };
  console.log(json ? JSON.stringify(row) : `seed ${seed}: ${row.entries} entries in ${calls} calls, ${steps} steps, ${row.cpu_ms} ms CPU, ${row.ns_per_entry} ns per entry (${preset})`);
}
