// Cached background apps: idle processes in the background cpuset whose
// memory is partly swapped to zram. A SIGKILL wakes their threads into
// do_exit(). Android: background threads are SCHED_OTHER in the
// "background" cpuset (little cores), cached apps have oom_score_adj 900+.

import type { Program, TaskCtx } from '../engine/steps.js';
import { doExit, munmapAll } from '../kernel/exit/do-exit.js';
import type { ProcessSpec } from '../kernel/fork.js';
import type { Kernel } from '../kernel/kernel.js';
import type { KProcess } from '../kernel/process.js';
import type { Task } from '../kernel/sched/task.js';

/** The idle life of an app thread: sleep until SIGKILL, then exit. */
export function idleUntilKilled(K: Kernel, proc: KProcess) {
  return function* (k: TaskCtx, t: Task): Program {
    while (!proc.sigkill) yield k.wait(proc.signalWait);
    yield k.call(doExit(K, k, t, proc));
  };
}

/** A process that munmap()s its whole anonymous mapping at once and lives on (microbenchmark). */
export function munmapThenIdle(K: Kernel, proc: KProcess, done: (ns: number) => void) {
  return function* (k: TaskCtx, t: Task): Program {
    const t0 = K.now;
    yield k.call(munmapAll(K, k, t, proc));
    done(K.now - t0);
    while (!proc.sigkill) yield k.wait(proc.signalWait);
    yield k.call(doExit(K, k, t, proc));
  };
}

export function createCachedApp(K: Kernel, spec: ProcessSpec): KProcess {
  return K.createProcess(spec, (proc) => idleUntilKilled(K, proc));
}
