// kernel/fork.c, as the scenarios need it: a process with its mm (built as
// swap-out left it, see mm/swap-layout.ts), its threads, and a pid.

import type { Program, TaskCtx } from '../engine/steps.js';
import type { Kernel } from './kernel.js';
import { buildSwappedMm, type SwapLayoutSpec } from './mm/swap-layout.js';
import { KProcess } from './process.js';
import type { CpuCategory, Task } from './sched/task.js';

export interface ProcessSpec extends SwapLayoutSpec {
  name: string;
  oomScoreAdj: number;
  category: CpuCategory;
  cpuset: string;
  nice: number;
  threads: number;
}

/** Creates a process whose anonymous memory is partly swapped to zram; its threads run `body`. */
export function createProcess(K: Kernel, spec: ProcessSpec, body: (proc: KProcess) => (k: TaskCtx, t: Task) => Program): KProcess {
  const pid = K.processes.nextPid();
  const { mm, zramBytes } = buildSwappedMm(
    {
      si: K.si,
      zram: K.zram,
      locks: K.core.locks,
      compressionRatio: K.cfg.compressionRatio,
      sameFilledRatio: K.cfg.sameFilledRatio,
      layoutRng: K.engine.rng.stream(`layout:${spec.name}`),
      zramRng: K.engine.rng.stream(`zram:${spec.name}`),
    },
    pid,
    spec.name,
    spec,
  );
  mm.nrVmas = Math.max(1, Math.round(((spec.presentPages + spec.swapPages + spec.filePages) / 256) * K.costs.vmas_per_mib));
  const cgroup = spec.category === 'foreground' ? 'top-app' : spec.category === 'background' ? 'background' : 'system';
  const proc = new KProcess(pid, spec.name, cgroup, mm, spec.oomScoreAdj, spec.category);
  K.processes.add(proc);
  K.core.trace.processCreated(proc, mm.MM_ANONPAGES, zramBytes, K.now);
  const program = body(proc);
  for (let i = 0; i < spec.threads; i++) {
    const t = K.sched.spawn({ name: i === 0 ? spec.name : `${spec.name}:${i}`, proc, nice: spec.nice, cpuset: spec.cpuset, category: spec.category }, program);
    proc.threads.push(t);
    proc.liveThreads++;
    proc.sharedUsers++;
  }
  return proc;
}
