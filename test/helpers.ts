import { CoreMachine } from '../src/kernel/core-machine.js';
import type { CpuSpec } from '../src/kernel/sched/topology.js';
import type { Proc } from '../src/kernel/sched/task.js';

export const MS = 1_000_000;

export function cpus(...capacities: number[]): CpuSpec[] {
  return capacities.map((c, i) => ({ capacity1024: c, cluster: c >= 1024 ? 'big' : 'little', node: 0, id: i }));
}

let pid = 100;
export function proc(name: string, cgroup = 'test'): Proc {
  return { pid: pid++, name, cgroup };
}

export function machine(caps: number[], opts: { seed?: number; rtThrottling?: boolean } = {}): CoreMachine {
  return new CoreMachine({ seed: opts.seed ?? 1, cpus: cpus(...caps), sched: { rtThrottling: opts.rtThrottling ?? true } });
}

/**
 * Lets the test worker's event loop turn between long synchronous runs, so
 * vitest's worker RPC (60 s timeout) is answered even on a loaded machine.
 */
export const yieldToRunner = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
