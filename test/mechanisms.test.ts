// Kernel mechanisms: zsmalloc page release, zram miss_free, lock layout per
// preset, aggregation against the fine-grained mode, invariants.
import { describe, expect, it } from 'vitest';
import { LockRegistry } from '../src/kernel/locking/registry.js';
import { Zone } from '../src/kernel/mm/zone.js';
import { Zsmalloc } from '../src/kernel/zram/zsmalloc.js';
import { loadScenario } from '../src/scenario/loader.js';
import { POLICY_NAMES } from '../src/scenario/schema.js';
import { runScenario, runSimulation } from '../src/sim/run.js';
import { yieldToRunner } from './helpers.js';

function micro(n: number, swapMib: number, extra: string[] = []) {
  return loadScenario('exit-one', [`processes=${n}`, `swap_mib=${swapMib}`, 'present_mib=8', 'duration_ms=3000', ...extra]);
}

describe('zone', () => {
  it('tells each listener the free count and the time of every change, in order; a zero free is no change', () => {
    const clock = { nowNs: 0 };
    const zone = new Zone(1_000, 500, { minPages: 0, lowPages: 0, highPages: 0 }, clock);
    const seen: Array<[number, number]> = [];
    zone.listeners.push({ freePagesChanged: (free, now) => seen.push([free, now]) });
    clock.nowNs = 10;
    zone.allocate(100);
    clock.nowNs = 20;
    zone.free(0);
    zone.free(30);
    expect(seen).toEqual([
      [400, 10],
      [430, 20],
    ]);
  });
});

describe('zsmalloc', () => {
  it('free memory rises when a zspage empties, not before', () => {
    const zone = new Zone(10_000, 5_000, { minPages: 0, lowPages: 0, highPages: 0 }, { nowNs: 0 });
    const zs = new Zsmalloc(zone, new LockRegistry(), 'class');
    const cls = zs.classFor(1000);
    const ids: number[] = [];
    for (let i = 0; i < cls.objsPerZspage; i++) ids.push(zs.malloc(1000));
    zs.malloc(1000); // opens a second zspage, so the first is full and closed
    expect(new Set(ids).size).toBe(1);
    const before = zone.freePages;
    for (let i = 0; i < ids.length - 1; i++) expect(zs.free(ids[i]!)).toBe(0);
    expect(zone.freePages).toBe(before);
    expect(zs.free(ids[ids.length - 1]!)).toBe(cls.pagesPerZspage);
    expect(zone.freePages).toBe(before + cls.pagesPerZspage);
  });

  it('a double zs_free stops the run naming the invariant', () => {
    const zone = new Zone(100, 50, { minPages: 0, lowPages: 0, highPages: 0 }, { nowNs: 0 });
    const zs = new Zsmalloc(zone, new LockRegistry(), 'class');
    const id = zs.malloc(3000);
    zs.free(id);
    expect(() => zs.free(id)).toThrow(/zs-double-free/);
  });
});

describe('zram', () => {
  it('a contended slot lock makes zram_slot_free_notify miss: miss_free counted, object leaked', () => {
    let held: number[] = [];
    const { record, sim } = runSimulation(micro(1, 20), {
      policy: 'sync',
      seed: 1,
      attach: (sim) => {
        // A swap-in reader holds the slot locks of a few of the victim's entries.
        const ch = sim.micro[0]!.originalMm.chunks.find((c) => c.swap.length > 4)!;
        held = Array.from(ch.swap.subarray(0, 3));
        for (const s of held) sim.K.zram.slotLock(s);
      },
    });
    expect(record.output.vmstat.zram_miss_free).toBe(3);
    expect(sim.K.zram.leakedBytes).toBeGreaterThan(0);
    for (const s of held) expect(sim.K.zram.objectBytes(s)).toBeGreaterThan(0); // still allocated
    expect(record.output.metrics.swap_entries_leaked).toBe(0); // the swap slots themselves were freed
  });
});

describe('kernel presets', () => {
  it('6.6-android shows si->lock contention with concurrent exits; 6.18 only per-cluster locks', () => {
    const r66 = runSimulation(micro(4, 60, ['kernel.version=6.6-android']), { policy: 'sync', seed: 1 });
    const r618 = runSimulation(micro(4, 60, ['kernel.version=6.18']), { policy: 'sync', seed: 1 });
    const lock = (r: typeof r66, name: string) => r.sim.K.core.locks.byClass().find((l) => l.name === name);
    expect(lock(r66, 'si->lock')!.contended).toBeGreaterThan(0);
    expect(lock(r66, 'si->lock')!.totalWaitNs).toBeGreaterThan(0);
    expect(lock(r618, 'si->lock')!.acquisitions).toBe(0);
    expect(lock(r618, 'ci->lock')!.acquisitions).toBeGreaterThan(0);
  });

  it('6.12 and android15-6.6 take the free_swap_and_cache_nr fast path for mTHP runs; mainline 6.6 frees them entry by entry', () => {
    const set = ['mthp_kib=64', 'mode=munmap', 'processes=1', 'swap_mib=16'];
    const r612 = runSimulation(loadScenario('munmap-concurrent', [...set, 'kernel.version=6.12']), { policy: 'sync', seed: 1 });
    const r66 = runSimulation(loadScenario('munmap-concurrent', [...set, 'kernel.version=6.6']), { policy: 'sync', seed: 1 });
    const r66a = runSimulation(loadScenario('munmap-concurrent', [...set, 'kernel.version=6.6-android']), { policy: 'sync', seed: 1 });
    expect(r612.record.output.vmstat.swap_free_fast_path).toBeGreaterThan(0);
    expect(r66a.record.output.vmstat.swap_free_fast_path).toBeGreaterThan(0);
    expect(r66.record.output.vmstat.swap_free_fast_path ?? 0).toBe(0);
    expect(r66.record.output.vmstat.swapcache_free_entries).toBeGreaterThan(0);
  });
});

describe('swap full', () => {
  it('a reclaim pass that finds no free swap slot is one swap-full event; its wanted anon pages are allocation failures', () => {
    const sets = ['apps.count=10', 'apps.anon_mib=500', 'apps.swap_ratio=0.75', 'duration_ms=1500'];
    const seen: number[] = [];
    const off = runSimulation(loadScenario('camera-launch-8gb', [...sets, 'lmkd.enabled=false']), {
      policy: 'sync',
      seed: 1,
      attach: (sim) => sim.K.core.trace.mm.push({ swapAllocFailed: () => seen.push(sim.K.si.freeSlots) }),
    }).record.output.metrics;
    expect(off.swap_full_events).toBeGreaterThan(0);
    expect(seen).toHaveLength(off.swap_full_events);
    expect(seen.every((free) => free === 0)).toBe(true); // only when get_swap_pages() has nothing left
    expect(off.swap_alloc_failures).toBeGreaterThanOrEqual(off.swap_full_events);
    // With LMKD the kills free swap before reclaim fills the device: no event.
    const on = runScenario(loadScenario('camera-launch-8gb', sets), { policy: 'sync', seed: 1 }).output.metrics;
    expect(on.swap_full_events).toBe(0);
    expect(on.swap_alloc_failures).toBe(0);
  });
});

describe('aggregation', () => {
  it('chunk mode keeps the cache-line transfers of concurrent freeing (4 munmaps on 4 equal cores, 6.18)', () => {
    const sc = (agg: string) => loadScenario('munmap-concurrent', ['platform="quad-equal"', 'kernel.version="6.18"', 'processes=4', 'swap_mib=32', `kernel.aggregation=${agg}`]);
    const fine = runSimulation(sc('fine'), { policy: 'sync', seed: 2 }).record.output.metrics;
    const chunk = runSimulation(sc('chunk'), { policy: 'sync', seed: 2 }).record.output.metrics;
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);
    expect(total(fine.cacheline_transfers)).toBeGreaterThan(1000); // concurrent freers bounce the shared lines
    expect(rel(total(chunk.cacheline_transfers), total(fine.cacheline_transfers))).toBeLessThan(0.25);
    expect(rel(chunk.munmap_ms!.mean, fine.munmap_ms!.mean)).toBeLessThan(0.05);
  });

  it('chunk mode agrees with the fine-grained mode on small cases', () => {
    // Mainline 6.6 (slot cache, si->lock per batch) and 6.18 (ci->lock). The batched si->lock path of
    // android15-6.6 / 6.12 differs by ~5% here (fine mode takes si->lock once per fast-path run and waits
    // longer): a known gap of the chunk aggregation on that path, not covered by this bound.
    for (const version of ['6.6', '6.18']) {
      for (const policy of ['sync', 'async-mmu-gather']) {
        const fine = runSimulation(micro(3, 16, [`kernel.version=${version}`, 'kernel.aggregation=fine']), { policy, seed: 4 }).record.output;
        const chunk = runSimulation(micro(3, 16, [`kernel.version=${version}`, 'kernel.aggregation=chunk']), { policy, seed: 4 }).record.output;
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);
        expect(chunk.metrics.swap_entries_freed).toBe(fine.metrics.swap_entries_freed);
        expect(rel(chunk.metrics.exit_latency_ms.mean, fine.metrics.exit_latency_ms.mean)).toBeLessThan(0.03);
        expect(rel(chunk.metrics.memory_release_ms.max, fine.metrics.memory_release_ms.max)).toBeLessThan(0.05);
        expect(chunk.metrics.events).toBeLessThan(fine.metrics.events);
      }
    }
  });
});

describe('conservation', () => {
  it('every page and entry is freed once or still owned, under every policy and preset', async () => {
    for (const version of ['6.6', '6.6-android', '6.12', '6.18', 'swap-table']) {
      for (const policy of POLICY_NAMES) {
        await yieldToRunner();
        const { record, sim } = runSimulation(micro(3, 30, [`kernel.version=${version}`]), { policy, seed: 5 });
        const K = sim.K;
        expect(record.output.metrics.swap_entries_leaked).toBe(0);
        // Pages: what the zone handed out and got back balances with its free count.
        expect(K.zone.freePages).toBe(sim.scenario.memory.free_mib * 256 + K.zone.pagesFreed - K.zone.pagesAllocated);
        for (const p of sim.micro) {
          expect(p.originalMm.MM_SWAPENTS).toBe(0);
          expect(p.originalMm.MM_ANONPAGES).toBe(0);
        }
      }
    }
  });
});
