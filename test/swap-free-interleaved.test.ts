// The free path lends its scratch arrays to a call for as long as the call
// runs, across its steps; meanwhile other tasks run the same code with
// other arrays. Two exits freeing step by step in turn must leave swap,
// zram and zsmalloc exactly as the same frees one after the other.
import { describe, expect, it } from 'vitest';
import { TaskCtx, type Program } from '../src/engine/steps.js';
import { detachSwapEntries, swapPteBatch } from '../src/kernel/exit/zap.js';
import type { Kernel } from '../src/kernel/kernel.js';
import type { Task } from '../src/kernel/sched/task.js';
import { freeSwapRunsSync } from '../src/kernel/swap/swap-free.js';
import { loadScenario } from '../src/scenario/loader.js';
import { buildSimulation } from '../src/sim/build.js';

/** Every swapped chunk of process `pid`, zapped and freed in turn by a task of its own on `cpu`. */
function* exitFrees(K: Kernel, pid: number, cpu: number): Program {
  const k = new TaskCtx();
  const task = { cpu, proc: { pid } } as unknown as Task;
  const proc = K.processes.all.find((p) => p.pid === pid)!;
  for (const chunk of proc.mm!.chunks) {
    if (chunk.nrSwap === 0) continue;
    const runs = swapPteBatch(detachSwapEntries(K, chunk), K.preset.swapPteBatch);
    yield k.call(freeSwapRunsSync(K, k, task, runs));
  }
}

/** Runs the programs one step each in turn (called programs in place), no time passing and no lock contended. */
function interleave(programs: Program[]): void {
  const stacks = programs.map((p) => [p]);
  for (let live = true; live;) {
    live = false;
    for (const stack of stacks) {
      while (stack.length > 0) {
        const r = stack[stack.length - 1]!.next();
        if (r.done) stack.pop();
        else if (r.value.kind === 'call') stack.push(r.value.sub!);
        else break;
      }
      if (stack.length > 0) live = true;
    }
  }
}

/** Two exiting processes' frees, in turn step by step or one after the other; the state they leave. */
function freeBoth(version: string, inTurn: boolean) {
  const sc = loadScenario('exit-one', ['processes=2', 'swap_mib=24', 'present_mib=4', `kernel.version="${version}"`]);
  const { K } = buildSimulation(sc, 'sync', 7);
  const pids = K.processes.all.filter((p) => p.mm && p.mm.chunks.some((c) => c.nrSwap > 0)).map((p) => p.pid);
  expect(pids.length).toBe(2);
  const programs = pids.map((pid, i) => exitFrees(K, pid, i));
  if (inTurn) interleave(programs);
  else for (const p of programs) interleave([p]);
  return {
    swapMap: Array.from(K.si.swapMap),
    entriesFreed: K.si.entriesFreed,
    cached: K.si.slotCaches.map((c) => c.length),
    zram: { ...K.zram.stats },
    zsObjects: K.zs.objectsInUse,
    zsPages: K.zs.poolPages,
  };
}

describe('free calls of several tasks in turn', () => {
  for (const version of ['6.6-android', '6.18']) {
    it(`${version}: leave swap, zram and zsmalloc as the same calls one after the other`, () => {
      const inTurn = freeBoth(version, true);
      const oneByOne = freeBoth(version, false);
      expect(inTurn.entriesFreed).toBeGreaterThan(1000);
      expect(inTurn).toEqual(oneByOne);
    });
  }
});
