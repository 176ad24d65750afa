// Issue 10: the free path at the kernel's granularity (batching saves exactly
// the per-call work), shared cache lines (transfers only between CPUs), and
// release metrics that count every killed process.
import { describe, expect, it } from 'vitest';
import { SharedLines } from '../src/kernel/cacheline/shared-lines.js';
import type { Kernel } from '../src/kernel/kernel.js';
import type { Task } from '../src/kernel/sched/task.js';
import { freeSwapRunsSync } from '../src/kernel/swap/swap-free.js';
import { FREE_PATH_OPS, putMapNrNs, rangeFreeCallNs } from '../src/kernel/swap/free-ops.js';
import { SwapInfo } from '../src/kernel/swap/swap-info.js';
import { KERNEL_PRESETS } from '../src/kernel/presets/presets.js';
import { swapPteBatch } from '../src/kernel/exit/zap.js';
import { calibrationFiles, loadCalibration, loadFittedTo, parseCalibration } from '../src/calibration/calibration.js';
import { projectRoot } from '../src/scenario/loader.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SwapRuns, type SwapRun } from '../src/kernel/swap/swap-runs.js';
import { stepsOf, TaskCtx } from '../src/engine/steps.js';
import { loadScenario } from '../src/scenario/loader.js';
import { POLICY_NAMES } from '../src/scenario/schema.js';
import { buildSimulation } from '../src/sim/build.js';
import { runScenario } from '../src/sim/run.js';
import { kaplanMeier } from '../src/metrics/stats.js';
import type { RunRecord } from '../src/metrics/types.js';
import { calibrationLines, errorPct, pooledChangePct, scoreSummary, withinBand } from '../src/report/validation.js';
import { yieldToRunner } from './helpers.js';

const FOUR = [0, 1, 2, 3].map(() => ({ capacity1024: 1024, cluster: 'c', node: 0 }));
const LAT = { sameClusterNs: 20, otherClusterNs: 60, otherNodeNs: 200 };

describe('shared cache lines', () => {
  it('one CPU writing a line repeatedly pays no transfer; two CPUs alternating pay one per write', () => {
    const lines = new SharedLines(FOUR, LAT);
    let t = 0;
    for (let i = 0; i < 10; i++) {
      expect(lines.write('x', 0, 1, t, 0)).toBe(0);
      t += 1000;
    }
    expect(lines.line('x').transfers).toBe(0);
    let stall = 0;
    for (let i = 0; i < 10; i++) {
      stall += lines.write('y', i % 2, 1, t, 0);
      t += 1000;
    }
    expect(lines.line('y').transfers).toBe(9); // the first write finds the line unowned
    expect(stall).toBe(9 * LAT.sameClusterNs);
  });

  it('transfers of one line serialize: simultaneous writers queue behind each other', () => {
    const lines = new SharedLines(FOUR, LAT);
    lines.write('x', 0, 1, 0, 0);
    expect(lines.write('x', 1, 1, 100, 0)).toBe(20);
    expect(lines.write('x', 2, 1, 100, 0)).toBe(40); // waits for cpu1's transfer, then its own
  });

  it('latency depends on where the CPUs sit', () => {
    const cpus = [
      { capacity1024: 1024, cluster: 'a', node: 0 },
      { capacity1024: 1024, cluster: 'b', node: 0 },
      { capacity1024: 1024, cluster: 'c', node: 1 },
    ];
    const lines = new SharedLines(cpus, LAT);
    expect(lines.transferNs(0, 1)).toBe(60);
    expect(lines.transferNs(0, 2)).toBe(200);
  });

  it('a chunk of n writes pays the interleaving implied by other CPUs writing during its span', () => {
    const lines = new SharedLines(FOUR, LAT);
    lines.write('x', 1, 100, 0, 10_000); // cpu1: 100 writes over [0, 10 us]
    const stall = lines.write('x', 0, 50, 5_000, 10_000); // cpu0: 50 writes overlapping it
    expect(lines.line('x').transfers).toBe(50); // 1 to take the line + min(49, 100)
    expect(stall).toBeGreaterThanOrEqual(50 * LAT.sameClusterNs);
    const alone = new SharedLines(FOUR, LAT);
    alone.write('x', 1, 100, 0, 10_000);
    alone.write('x', 0, 50, 1_000_000, 10_000); // long after: one transfer
    expect(alone.line('x').transfers).toBe(1);
  });
});

/** CPU work (ns at capacity 1024) of freeing `runs` through the sync path, locks taken at once. */
function freeWorkNs(K: Kernel, runs: SwapRun[]): number {
  const task = { cpu: 0, proc: { pid: 1 } } as unknown as Task;
  const k = new TaskCtx();
  let work = 0;
  for (const step of stepsOf(freeSwapRunsSync(K, k, task, SwapRuns.of(runs)))) if (step.kind === 'work') work += step.ns;
  return work;
}

/** A built (not run) munmap micro-benchmark on `version`, and `n` swapped slots of one PMD (same-filled: equal zram cost per entry). */
function freshSlots(version: string, n: number): { K: Kernel; slots: number[] } {
  const sc = loadScenario('munmap-concurrent', [`kernel.version="${version}"`, 'swap_mib=4', 'kernel.zram_same_filled=1', 'platform="quad-equal"']);
  const sim = buildSimulation(sc, 'sync', 1);
  const chunk = sim.micro[0]!.originalMm.chunks.find((ch) => ch.swap.length >= n)!;
  return { K: sim.K, slots: Array.from(chunk.swap.subarray(0, n)) };
}

describe('free path granularity', () => {
  it('6.18: a 16-entry run costs exactly the per-call operations less than 16 single entries', () => {
    const { K, slots } = freshSlots('6.18', 32);
    const run = slots.slice(0, 16);
    expect(run[15]! - run[0]!).toBe(15); // one mTHP: 16 contiguous slots in one cluster
    const batched = freeWorkNs(K, [{ start: run[0]!, nr: 16 }]);
    const oneByOne = freeWorkNs(
      K,
      slots.slice(16, 32).map((s) => ({ start: s, nr: 1 })),
    );
    const c = K.costs;
    // swap_entries_put_map_nr: get_swap_device, ci->lock, memcg uncharge, swap_range_free, shadow clear once per call.
    expect(oneByOne - batched).toBe(15 * (c.swap_device_get_ns + rangeFreeCallNs(c)));
  });

  it('6.12: four 16-entry runs skip the per-entry calls and the slot-cache round trip of 64 singles', () => {
    const { K, slots } = freshSlots('6.12', 128);
    const runs = [0, 16, 32, 48].map((i) => ({ start: slots[i]!, nr: 16 }));
    const batched = freeWorkNs(K, runs);
    // 64 singles: the 64th fills the per-CPU slot cache and swapcache_free_entries frees the batch.
    const oneByOne = freeWorkNs(
      K,
      slots.slice(64, 128).map((s) => ({ start: s, nr: 1 })),
    );
    expect(K.si.slotCaches[0]!.length).toBe(0);
    const c = K.costs;
    expect(oneByOne - batched).toBe(60 * (c.swap_device_get_ns + c.swap_cluster_lock_ns + rangeFreeCallNs(c)) + 64 * c.free_swap_slot_ns + c.swapcache_free_entries_batch_ns);
  });
});

describe('swap-table preset', () => {
  it('frees the same run with one table write per entry: no swap_map clear per entry, no shadow clear per cluster', () => {
    const a = freshSlots('6.18', 64);
    const b = freshSlots('swap-table', 64);
    expect(b.slots).toEqual(a.slots); // same layout: only the preset differs
    const runs = [0, 16, 32, 48].map((i) => ({ start: a.slots[i]!, nr: 16 }));
    const clusters = new Set(a.slots.map((s) => SwapInfo.clusterOf(s))).size;
    const c = a.K.costs;
    const w618 = freeWorkNs(a.K, runs);
    const wTable = freeWorkNs(b.K, runs);
    // Per entry: swap_map put + *map = 0 (6.18) against one ci->table put; per (run, cluster): __swap_cache_clear_shadow only on 6.18.
    const segments = runs.length + (clusters > 1 ? clusters - 1 : 0);
    expect(w618 - wTable).toBe(64 * (c.swap_map_put_ns + c.swap_map_clear_ns - c.swap_table_put_ns) + segments * c.clear_shadow_ns);
    expect(putMapNrNs(c, 'swap-table', 1, 16)).toBe(16 * c.swap_table_put_ns + c.swap_cluster_lock_ns + c.memcg_uncharge_swap_ns + c.swap_range_free_ns);
  });

  it('charges what the op table lists: 6.18 put_map_nr work equals its per-call range free plus the per-entry put and clear', () => {
    const { K } = freshSlots('6.18', 16);
    const c = K.costs;
    expect(putMapNrNs(c, '6.18', 3, 40)).toBe(3 * rangeFreeCallNs(c) + 40 * (c.swap_map_put_ns + c.swap_map_clear_ns));
    expect(FREE_PATH_OPS['swap-table'].some((op) => op.key === 'clear_shadow_ns' || op.key === 'swap_map_clear_ns')).toBe(false);
  });
});

describe('android15-6.6 against mainline 6.6', () => {
  it('android15-6.6 batches a 16-entry run (swap_pte_batch + fast path backported); mainline 6.6 frees it entry by entry', () => {
    expect(KERNEL_PRESETS['6.6-android'].swapPteBatch && KERNEL_PRESETS['6.6-android'].freeNrFastPath).toBe(true);
    expect(KERNEL_PRESETS['6.6'].swapPteBatch || KERNEL_PRESETS['6.6'].freeNrFastPath).toBe(false);
    const slots = Array.from({ length: 16 }, (_, i) => 512 + i);
    expect(swapPteBatch(slots, KERNEL_PRESETS['6.6-android'].swapPteBatch).toArray()).toEqual([{ start: 512, nr: 16 }]);
    expect(swapPteBatch(slots, KERNEL_PRESETS['6.6'].swapPteBatch)).toHaveLength(16);
  });
});

describe('calibration files', () => {
  it('each names the one figure it was fitted to, and the cost table reproduces it with a shipped scenario', () => {
    for (const name of calibrationFiles()) {
      const f = loadFittedTo(name);
      expect(f.figure.length).toBeGreaterThan(0);
      expect(f.source.length).toBeGreaterThan(0);
    }
    const cal = loadCalibration('phone-8core');
    expect(cal.fittedTo.scenario).toBe('exit-one');
    expect(() => loadScenario(cal.fittedTo.scenario)).not.toThrow();
  });

  it('the scorecard header lists every calibration file with its fitted_to figure', () => {
    const lines = calibrationLines().join('\n');
    for (const name of calibrationFiles()) expect(lines).toContain(`calibration/${name}.yaml\`: ${loadFittedTo(name).figure}`);
  });

  it('exit-one: the zram share of the free path is measured from the run (zram_free_us over free_swap_total_us)', () => {
    const out = runScenario(loadScenario('exit-one'), { policy: 'sync', seed: 1 }).output;
    const share = (out.vmstat.zram_free_us! / out.vmstat.free_swap_total_us!) * 100;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(100); // a part of the free path, never all of it
  });

  it('refuses a cost table without fitted_to', () => {
    const text = readFileSync(join(projectRoot(), 'calibration', 'phone-8core.yaml'), 'utf8').replace(/^fitted_to:\n(?: {2}.*\n)+/m, '');
    expect(() => parseCalibration('x', text)).toThrow(/fitted_to/);
  });
});

describe('release metrics', () => {
  it('released + censored equals the kill count for every policy', async () => {
    let censoredSeen = 0;
    for (const policy of POLICY_NAMES) {
      await yieldToRunner();
      // Short run: exits are still under way at the end.
      const sc = loadScenario('exit-one', ['processes=4', 'swap_mib=40', 'present_mib=8', 'duration_ms=30']);
      const rec = runScenario(sc, { policy, seed: 3 });
      const m = rec.output.metrics.memory_release_ms;
      expect(rec.processes!.length).toBe(4);
      expect(m.released + m.censored).toBe(rec.processes!.length);
      expect(m.count).toBe(rec.processes!.length);
      censoredSeen += m.censored;
    }
    expect(censoredSeen).toBeGreaterThan(0);
  });

  it('a process is released when all but its entries in per-CPU slot caches is freed, and that remainder is reported', () => {
    const sets = ['processes=4', 'swap_mib=40', 'present_mib=8', 'duration_ms=60'];
    // 6.6-android: swap_pte_batch's single entries go through free_swap_slot(); the last ones wait in the cache.
    const withCache = runScenario(loadScenario('exit-one', sets), { policy: 'sync', seed: 3 }).output;
    expect(withCache.vmstat.swap_entries_in_slot_cache).toBeGreaterThan(0);
    expect(withCache.metrics.memory_release_ms.released).toBe(4);
    expect(withCache.metrics.release_in_slot_caches_kib).toBeGreaterThan(0);
    // 6.18 has no slot cache: nothing waits, nothing is reported.
    const noCache = runScenario(loadScenario('exit-one', [...sets, 'kernel.version="6.18"']), { policy: 'sync', seed: 3 }).output;
    expect(noCache.metrics.memory_release_ms.released).toBe(4);
    expect(noCache.metrics.release_in_slot_caches_kib).toBe(0);
  });
});

describe('Kaplan-Meier release summary', () => {
  it('without censoring it is the plain distribution; censoring keeps every process in the count', () => {
    const plain = kaplanMeier([10, 20, 30, 40], []);
    expect(plain).toMatchObject({ count: 4, released: 4, censored: 0, mean: 25, p50: 20, max: 40 });
    const cens = kaplanMeier([10, 20], [50, 50]);
    expect(cens.count).toBe(4);
    expect(cens.censored).toBe(2);
    expect(cens.p50).toBe(20); // half released by 20 ms
    expect(cens.p90).toBe(50); // never reached: the longest follow-up, a lower bound
    expect(cens.mean).toBeGreaterThan(25); // the censored pull the mean up, not out
  });
});

describe('validation scorecard', () => {
  it('counts predictions within band and their mean absolute error', () => {
    const row = (samples: number[], pub: number, kind: 'predicted' | 'calibrated') => ({
      figure: 'f',
      source: 's',
      published: 'p',
      publishedValue: pub,
      samples,
      unit: '',
      kind,
      band: { type: 'relative' as const, tolerance: 0.25 },
    });
    const s = scoreSummary([row([3, 3], 3.1, 'predicted'), row([2], 3, 'predicted'), row([100], 1, 'calibrated')]);
    expect(s.predictions).toBe(2);
    expect(s.within).toBe(1);
    expect(s.maePct).toBeCloseTo((Math.abs(errorPct(3, 3.1)) + Math.abs(errorPct(2, 3))) / 2, 6);
    expect(withinBand({ type: 'range', lo: 200, hi: 300 }, 228, 250)).toBe(true);
    expect(withinBand({ type: 'at-most', hi: 1.2 }, 1.3, 1)).toBe(false);
    expect(withinBand({ type: 'above', lo: 25 }, 25.5, 25)).toBe(true);
    expect(withinBand({ type: 'above', lo: 0 }, 0, NaN)).toBe(false); // "present" needs at least one
  });

  it('pools rare events over seeds: paired jackknife change, none when the base has no event', () => {
    // Runs reduced to what the accessors read: a count of events and of chances per seed.
    const run = (seed: number, events: number) => ({ output: { seed }, events }) as unknown as RunRecord & { events: number };
    const ev = (r: RunRecord) => (r as RunRecord & { events: number }).events;
    const base = [run(1, 4), run(2, 0), run(3, 2), run(4, 6)];
    const halved = base.map((r) => run(r.output.seed, ev(r) / 2));
    const samples = pooledChangePct(base, halved, ev, () => 10);
    expect(samples).toHaveLength(4);
    for (const x of samples) expect(x).toBeCloseTo(-50, 9); // every leave-one-out estimate is -50 too
    const doubled = pooledChangePct(
      base,
      base.map((r) => run(r.output.seed, ev(r) * 2)),
      ev,
      () => 10,
    );
    expect(doubled.reduce((a, b) => a + b, 0) / doubled.length).toBeCloseTo(100, 9);
    expect(
      pooledChangePct(
        base.map((r) => run(r.output.seed, 0)),
        halved,
        ev,
        () => 10,
      ),
    ).toEqual([]);
  });
});
