// Each policy's eligibility rules, and that every policy ends up freeing
// exactly what today's kernel frees.
import { describe, expect, it } from 'vitest';
import { taskIsDying } from '../src/kernel/exit/signal.js';
import { detachSwapEntries } from '../src/kernel/exit/zap.js';
import { doExit } from '../src/kernel/exit/do-exit.js';
import { processMrelease, type MreleaseResult } from '../src/kernel/exit/oom-reap.js';
import { MmuGather } from '../src/kernel/mm/mmu-gather.js';
import { SWAP_MAP_FREE, SWAP_MAP_IN_USE } from '../src/kernel/swap/swap-info.js';
import { SwapRuns } from '../src/kernel/swap/swap-runs.js';
import { loadScenario } from '../src/scenario/loader.js';
import { POLICY_NAMES } from '../src/scenario/schema.js';
import { runSimulation } from '../src/sim/run.js';
import type { Simulation } from '../src/sim/build.js';
import type { KProcess } from '../src/kernel/process.js';
import { yieldToRunner } from './helpers.js';

const MS = 1e6;
const POLICIES = [...POLICY_NAMES];

/** Micro scenario: `n` processes of `swapMib` die at t=0 (more can be added in attach). */
function micro(n: number, swapMib: number, extra: string[] = []) {
  return loadScenario('exit-one', [`processes=${n}`, `swap_mib=${swapMib}`, 'present_mib=4', 'duration_ms=3000', ...extra]);
}

/** Adds a process that dies at `atNs` (spawned in attach, before the run). */
function lateVictim(sim: Simulation, swapPages: number, atNs: number): KProcess {
  const K = sim.K;
  const p = K.createProcess(
    { name: 'late', presentPages: 64, swapPages, filePages: 0, folioPages: 1, fragmentation: 0.9, oomScoreAdj: 900, category: 'background', cpuset: 'background', nice: 0, threads: 1 },
    (proc) =>
      function* (k, t) {
        while (!proc.sigkill) yield k.wait(proc.signalWait);
        yield* doExit(K, k, t, proc);
      },
  );
  K.sched.spawn({ name: 'killer', proc: { pid: 77, name: 'killer', cgroup: 'test' }, category: 'system' }, function* (k) {
    yield k.sleep(atNs);
    K.kill(p);
  });
  return p;
}

describe('async-mmu-gather (Zhiguo Jiang v3)', () => {
  it('a single exiting process stays synchronous', () => {
    const { record } = runSimulation(micro(1, 40), { policy: 'async-mmu-gather', seed: 1 });
    expect(record.output.metrics.deferred_entries_peak).toBe(0);
    expect(record.output.metrics.swap_entries_freed).toBeGreaterThan(10_000);
  });

  it('switches from freeable to freeing when a second process starts exiting', () => {
    let firstParkNs = -1;
    const lateAt = 20 * MS;
    const { record } = runSimulation(micro(1, 200), {
      policy: 'async-mmu-gather',
      seed: 1,
      attach: (sim) => {
        lateVictim(sim, 40 * 256, lateAt);
        sim.K.core.trace.mm.push({
          swapEntriesParked: (n, _bytes, t) => {
            if (n > 0 && firstParkNs < 0) firstParkNs = t;
          },
        });
      },
    });
    expect(record.output.metrics.deferred_entries_peak).toBeGreaterThan(0);
    expect(firstParkNs).toBeGreaterThanOrEqual(lateAt);
  });

  it('a process below SWAP_CLUSTER_MAX (32) entries is never deferred', () => {
    const { record } = runSimulation(micro(3, 0.1), { policy: 'async-mmu-gather', seed: 1 }); // 25 entries each
    expect(record.output.metrics.deferred_entries_peak).toBe(0);
  });

  it('smfree_wq has max_active 1: one worker at a time system-wide', () => {
    const { sim } = runSimulation(micro(4, 100), { policy: 'async-mmu-gather', seed: 1 });
    const wq = sim.K.core.workqueues.workqueues.find((w) => w.name === 'smfree_wq')!;
    expect(wq.executed).toBeGreaterThan(1);
    expect(wq.maxConcurrentSeen).toBe(1);
  });
});

describe('async-global-list (Lei Liu v0)', () => {
  it('below MM_SWAPENTS 3200 a process frees synchronously', () => {
    const { record } = runSimulation(micro(3, 12), { policy: 'async-global-list', seed: 1 }); // 3072 entries each
    expect(record.output.metrics.deferred_entries_peak).toBe(0);
  });

  it('above the threshold, dying tasks park runs and kworkers free them', () => {
    const { record, sim } = runSimulation(micro(2, 60), { policy: 'async-global-list', seed: 1 });
    expect(record.output.metrics.deferred_entries_peak).toBeGreaterThan(0);
    expect(record.output.vmstat.async_swap_count).toBeGreaterThan(0);
    const wq = sim.K.core.workqueues.workqueues.find((w) => w.name === 'async_swap_free')!;
    expect(wq.maxActive).toBe(256); // max_active 0: the version's default
  });

  it('forced_release: __alloc_pages_may_oom queues the leftovers below the flush threshold', () => {
    const parkedAfter = (forced: boolean) => {
      let parkedBeforeOom = -1;
      const { sim } = runSimulation(micro(0, 0, [`kernel.policy_options.async-global-list.forced_release=${forced}`]), {
        policy: 'async-global-list',
        seed: 1,
        attach: (sim) => {
          const K = sim.K;
          // A process with 5120 swap entries (>= 3200) that has a fatal signal pending but has not exited yet.
          const victim = K.createProcess(
            { name: 'victim', presentPages: 0, swapPages: 5120, filePages: 0, folioPages: 1, fragmentation: 0.9, oomScoreAdj: 900, category: 'background', cpuset: 'background', nice: 0, threads: 1 },
            (proc) =>
              function* (k) {
                for (;;) yield k.wait(proc.signalWait);
              },
          );
          victim.sigkill = true;
          // One of its threads parks 10 runs: below the flush threshold of 32, so no work is queued.
          K.sched.spawn({ name: 'victim:1', proc: victim, category: 'exiting' }, function* (k, t) {
            const chunk = victim.originalMm.chunks.find((c) => c.swap.length >= 10)!;
            const runs = SwapRuns.of(Array.from(chunk.swap.subarray(0, 10), (slot) => ({ start: slot, nr: 1 })));
            chunk.swap = chunk.swap.slice(10);
            K.si.detachedEntries += 10; // taken out of the page table as zap_pte_range would
            victim.originalMm.MM_SWAPENTS -= 10;
            const tlb = new MmuGather(victim.originalMm, t, true);
            yield* K.policy.zapSwapRuns(K, k, tlb, runs);
            yield k.sleep(500 * MS);
            parkedBeforeOom = K.parked.entries;
            K.policy.allocMayOom?.(K, t); // reclaim made no progress
          });
        },
      });
      expect(parkedBeforeOom).toBe(10);
      return sim.K.parked.entries;
    };
    expect(parkedAfter(false)).toBe(10); // Morton's objection: held indefinitely
    expect(parkedAfter(true)).toBe(0);
  });
});

describe('every policy', () => {
  it('entries freed from a reaper context are never deferred (task_is_dying is false there)', () => {
    for (const policy of POLICIES.slice(1)) {
      runSimulation(micro(2, 40), {
        policy,
        seed: 1,
        attach: (sim) => {
          const K = sim.K;
          const victim = sim.micro[0]!;
          K.sched.spawn({ name: 'lmkd_reaper0', proc: { pid: 301, name: 'lmkd', cgroup: 'system' }, nice: -20, category: 'lmkd' }, function* (k, t) {
            const tlb = new MmuGather(victim.originalMm, t, false);
            K.policy.tlbGatherMmu?.(K, tlb);
            expect(taskIsDying(t)).toBe(false);
            const chunk = victim.originalMm.chunks.find((c) => c.swap.length > 0)!;
            const runs = SwapRuns.of(Array.from(chunk.swap, (s) => ({ start: s, nr: 1 })));
            const before = K.parked.entries;
            const freedBefore = K.si.entriesFreed + K.si.slotCaches.reduce((a, c) => a + c.length, 0);
            chunk.zapped = true;
            detachSwapEntries(K, chunk);
            victim.originalMm.MM_SWAPENTS -= runs.length;
            yield* K.policy.zapSwapRuns(K, k, tlb, runs);
            expect(K.parked.entries).toBe(before);
            // These very slots are put (free or in a slot cache); other frees may run meanwhile
            // (the victims' own exits, an oom reaper), so count slots rather than totals.
            for (const r of runs.toArray()) expect(K.si.swapMap[r.start]).not.toBe(SWAP_MAP_IN_USE);
            expect(K.si.entriesFreed + K.si.slotCaches.reduce((a, c) => a + c.length, 0) - freedBefore).toBeGreaterThanOrEqual(runs.length);
          });
        },
      });
    }
  });

  it('after all work drains, frees exactly the entries sync frees', async () => {
    const freedBy = new Map<string, string>();
    for (const policy of POLICIES) {
      await yieldToRunner();
      // 6.18 has no slot cache, so "freed" is exact: every slot back to SWAP_MAP_FREE.
      const { record, sim } = runSimulation(micro(3, 50, ['kernel.version=6.18']), { policy, seed: 2 });
      expect(record.output.metrics.swap_entries_leaked).toBe(0);
      expect(sim.K.parked.entries).toBe(0);
      const map = sim.K.si.swapMap;
      let used = 0;
      for (let i = 1; i < map.length; i++) if (map[i] !== SWAP_MAP_FREE) used++;
      expect(used).toBe(0);
      // And every zram object is gone: deferred-zs-free's handles drained too.
      expect(sim.K.zs.objectsInUse).toBe(0);
      freedBy.set(policy, `${record.output.metrics.swap_entries_freed} ${sim.K.zram.stats.notify_free}`);
    }
    expect(new Set(freedBy.values()).size).toBe(1);
  });
});

describe('process_mrelease', () => {
  it('does nothing once MMF_OOM_SKIP is set', () => {
    runSimulation(micro(1, 20), {
      policy: 'sync',
      seed: 1,
      attach: (sim) => {
        const K = sim.K;
        const victim = sim.micro[0]!;
        victim.originalMm.flags.MMF_OOM_SKIP = true;
        const out: { result: MreleaseResult } = { result: 'reaped' };
        K.sched.spawn({ name: 'lmkd_reaper0', proc: { pid: 301, name: 'lmkd', cgroup: 'system' }, category: 'lmkd' }, function* (k, t) {
          const before = K.si.entriesFreed;
          yield* processMrelease(K, k, t, victim, out);
          expect(out.result).toBe('skipped');
          expect(K.si.entriesFreed).toBe(before);
        });
      },
    });
  });

  it('reaps a dying process in the caller context, and the exit finds nothing left', () => {
    const out: { result: MreleaseResult } = { result: 'skipped' };
    const { sim, record } = runSimulation(micro(1, 40), {
      policy: 'sync',
      seed: 1,
      attach: (sim) => {
        const K = sim.K;
        const victim = sim.micro[0]!;
        K.sched.spawn({ name: 'lmkd_reaper0', proc: { pid: 301, name: 'lmkd', cgroup: 'system' }, nice: -20, cpuset: 'top-app', category: 'lmkd' }, function* (k, t) {
          yield* processMrelease(K, k, t, victim, out);
        });
      },
    });
    expect(out.result).toBe('reaped');
    expect(record.output.metrics.unaccounted_cpu_ms).toBeGreaterThan(0); // the reaper's work is charged to nobody in the victim
    expect(sim.micro[0]!.dead).toBe(true);
  });
});
