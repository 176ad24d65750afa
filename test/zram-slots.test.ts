// zram keeps each slot's zspage in two bytes relative to its slot group's
// base, and full words for a group whose objects lie far apart: every slot
// must still report the object it stored.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/rng.js';
import { LockRegistry } from '../src/kernel/locking/registry.js';
import { Zone } from '../src/kernel/mm/zone.js';
import { Zram } from '../src/kernel/zram/zram.js';
import { Zsmalloc } from '../src/kernel/zram/zsmalloc.js';

describe('zram slots', () => {
  it('report the bytes, class and same-filled state stored, with zspages near and far apart in a group', () => {
    const zone = new Zone(1 << 22, 0, { minPages: 0, lowPages: 0, highPages: 0 }, { nowNs: 0 });
    const zs = new Zsmalloc(zone, new LockRegistry(), 'class');
    const nrSlots = 64 * 512;
    const zram = new Zram(nrSlots, zs);
    const rng = new Rng(3).stream('zram');
    const bytes = new Int32Array(nrSlots).fill(-1); // -1: no object
    const cls = new Int32Array(nrSlots).fill(-1);
    for (let op = 0; op < 200_000; op++) {
      // Mostly the first groups, so later objects there land many zspages after the first ones.
      const slot = Math.floor(rng.float() ** 3 * nrSlots);
      if (bytes[slot]! >= 0 && rng.float() < 0.5) {
        const r = zram.slotFreeNotify(slot);
        expect(r === 'same').toBe(bytes[slot] === 0);
        bytes[slot] = -1;
        cls[slot] = -1;
        continue;
      }
      const b = rng.float() < 0.1 ? 0 : 40 + Math.floor(rng.float() * 4000);
      expect(zram.store(slot, b, false)).toBe(true);
      bytes[slot] = b;
      cls[slot] = b === 0 ? -1 : zs.classFor(b).index;
    }
    // Half the groups emptied and refilled at once: back to two bytes a slot, same answers.
    for (let s = nrSlots / 2; s < nrSlots; s++) if (bytes[s]! >= 0) zram.slotFreeNotify(s);
    for (let s = nrSlots / 2; s < nrSlots; s++) {
      const b = s % 7 === 0 ? 0 : 40 + ((s * 37) % 4000);
      zram.store(s, b, false);
      bytes[s] = b;
      cls[s] = b === 0 ? -1 : zs.classFor(b).index;
    }
    for (let s = 0; s < nrSlots; s++) {
      expect(zram.objectBytes(s)).toBe(Math.max(0, bytes[s]!));
      expect(zram.isSameFilled(s)).toBe(bytes[s] === 0);
      expect(zram.classIndex(s)).toBe(cls[s]);
    }
  });

  it('free a batch exactly as slot by slot: counters, compressed bytes, zspages and pool pages, a locked slot missed', () => {
    const build = () => {
      const zone = new Zone(1 << 22, 0, { minPages: 0, lowPages: 0, highPages: 0 }, { nowNs: 0 });
      const zs = new Zsmalloc(zone, new LockRegistry(), 'pool');
      const zram = new Zram(4 * 512, zs);
      const rng = new Rng(11).stream('zram');
      for (let s = 0; s < 4 * 512; s++) zram.store(s, rng.float() < 0.2 ? 0 : 40 + Math.floor(rng.float() * 3000), false);
      zram.slotLock(77); // a reader holds slot 77: its free is a miss_free
      return { zs, zram };
    };
    const slots = Int32Array.from({ length: 1500 }, (_, i) => (i * 7) % 2048);
    const one = build();
    let zspagesOne = 0;
    for (const s of slots) {
      const r = one.zram.slotFreeNotify(s);
      if (typeof r === 'number' && r > 0) zspagesOne++;
    }
    const batch = build();
    const bytes = Int32Array.from(slots, (s) => batch.zram.objectBytes(s));
    const zspagesBatch = batch.zram.slotsFreeNotify(slots, bytes);
    expect(zspagesOne).toBeGreaterThan(0);
    expect(zspagesBatch).toBe(zspagesOne);
    expect(batch.zram.stats).toEqual(one.zram.stats);
    expect(batch.zram.stats.miss_free).toBe(1);
    expect(batch.zram.comprDataBytes).toBe(one.zram.comprDataBytes);
    expect(batch.zram.leakedBytes).toBe(one.zram.leakedBytes);
    expect(batch.zs.poolPages).toBe(one.zs.poolPages);
    for (let s = 0; s < 2048; s++) expect(batch.zram.objectBytes(s)).toBe(one.zram.objectBytes(s));
  });

  it('store runs in one call exactly as page by page: words, zspages, counters, a leaked object overwritten', () => {
    const build = () => {
      const zone = new Zone(1 << 22, 0, { minPages: 0, lowPages: 0, highPages: 0 }, { nowNs: 0 });
      const zs = new Zsmalloc(zone, new LockRegistry(), 'class');
      const zram = new Zram(16 * 512, zs);
      zram.store(40, 900, false);
      zram.slotLock(40);
      zram.slotFreeNotify(40); // miss_free: slot 40 keeps a leaked object, which the next store frees
      zram.slotUnlock(40);
      return { zs, zram };
    };
    const rng = new Rng(5).stream('runs');
    const runStart: number[] = [];
    const runLen: number[] = [];
    for (let slot = 1; slot < 16 * 512 - 40;) {
      runStart.push(slot);
      runLen.push(1 + Math.floor(rng.float() * 24));
      slot += runLen.at(-1)! + Math.floor(rng.float() * 8);
    }
    const pages = runLen.reduce((a, b) => a + b, 0);
    const bytes = Uint16Array.from({ length: pages }, () => (rng.float() < 0.1 ? 0 : 32 + Math.floor(rng.float() * 4064)));
    const one = build();
    let k = 0;
    runStart.forEach((start, r) => {
      for (let s = start; s < start + runLen[r]!; s++) one.zram.store(s, bytes[k++]!, false);
    });
    const batch = build();
    batch.zram.storeRuns(Int32Array.from(runStart), Uint16Array.from(runLen), runStart.length, bytes);
    expect(one.zram.leakedBytes).toBe(0);
    expect(batch.zram.stats).toEqual(one.zram.stats);
    expect(batch.zram.comprDataBytes).toBe(one.zram.comprDataBytes);
    expect(batch.zram.leakedBytes).toBe(one.zram.leakedBytes);
    expect([batch.zs.poolPages, batch.zs.objectsInUse]).toEqual([one.zs.poolPages, one.zs.objectsInUse]);
    for (let s = 0; s < 16 * 512; s++) {
      expect(batch.zram.objectBytes(s)).toBe(one.zram.objectBytes(s));
      expect(batch.zram.isSameFilled(s)).toBe(one.zram.isSameFilled(s));
      expect(batch.zram.classIndex(s)).toBe(one.zram.classIndex(s));
    }
    // The zspages were filled alike: the same frees release the same pages.
    for (let s = 0; s < 16 * 512; s++) if (one.zram.objectBytes(s) > 0) expect(batch.zram.slotFreeNotify(s)).toBe(one.zram.slotFreeNotify(s));
    expect(batch.zs.poolPages).toBe(one.zs.poolPages);
  });
});
