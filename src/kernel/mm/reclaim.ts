// mm/vmscan.c and the allocator slow path (mm/page_alloc.c), reduced to what
// the exit-path questions need: kswapd reclaims in the background below the
// low watermark until high; an allocation that would go below min reclaims
// directly in the allocating task (it stalls: PSI memory some), and when
// reclaim makes no progress __alloc_pages_may_oom() runs (a policy hook).
//
// Reclaim takes clean page cache first (drop) and anonymous pages of cached
// apps (compress into zram: the page is freed, a zsmalloc object is taken).

import { WaitQueue, type Program, type StepRecord, type TaskCtx } from '../../engine/steps.js';
import type { Kernel } from '../kernel.js';
import type { KProcess } from '../process.js';
import type { Task } from '../sched/task.js';
import { PAGE_SIZE } from './zone.js';
import { PsiMemory } from './psi.js';
import { compressedBytes } from './page-compression.js';
import { SwapInfo } from '../swap/swap-info.js';
import { rangeFreeNs } from '../swap/free-ops.js';

export const SWAP_CLUSTER_MAX = 32;
/** Direct reclaim rounds without progress before __alloc_pages_may_oom. */
const MAX_RECLAIM_RETRIES = 16;

export class Reclaim {
  readonly psi: PsiMemory;
  /** Clean page cache that reclaim may drop, pages. */
  pageCachePages: number;
  private readonly kswapdWait = new WaitQueue('kswapd_wait');
  kswapd: Task | null = null;
  /** Cached apps whose anonymous pages reclaim may swap out, in LRU order. */
  anonVictims: () => KProcess[] = () => [];

  constructor(
    private readonly K: Kernel,
    pageCachePages: number,
  ) {
    this.psi = new PsiMemory(K.core.engine);
    this.pageCachePages = pageCachePages;
    this.startKswapd();
  }

  /** __alloc_pages(): take n pages for `task`, reclaiming directly if below min. */
  *allocPages(k: TaskCtx, task: Task, n: number): Program {
    const K = this.K;
    const z = K.zone;
    if (!z.watermarkOk(n, z.wmark.lowPages)) this.wakeKswapd();
    if (z.watermarkOk(n, z.wmark.minPages)) {
      z.allocate(n);
      return;
    }
    // Slow path: direct reclaim, stalled on memory.
    K.vmstat.count('allocstall');
    this.psi.enter();
    const t0 = K.now;
    let noProgress = 0;
    while (!z.watermarkOk(n, z.wmark.minPages)) {
      const got = yield* this.shrink(k, task, SWAP_CLUSTER_MAX, 'direct');
      if (got > 0) {
        noProgress = 0;
        continue;
      }
      if (++noProgress >= MAX_RECLAIM_RETRIES) {
        K.vmstat.count('alloc_may_oom');
        K.policy.allocMayOom?.(K, task);
        noProgress = 0;
        yield k.sleep(1_000_000); // congestion wait before retrying
      }
    }
    z.allocate(n);
    this.psi.leave();
    if (K.core.trace.enabled) K.core.trace.span(task, 'direct_reclaim', t0, K.now);
  }

  /** shrink_node(): reclaim up to `want` pages; returns pages freed. */
  *shrink(k: TaskCtx, task: Task, want: number, who: 'direct' | 'kswapd'): Generator<StepRecord, number, unknown> {
    const K = this.K;
    const c = K.costs;
    let freed = 0;
    // Page cache first, half of the batch at most while anon is available.
    const victims = this.anonVictims();
    const fileWant = victims.length > 0 ? Math.ceil(want / 2) : want;
    const file = Math.min(fileWant, this.pageCachePages);
    if (file > 0) {
      this.pageCachePages -= file; // isolated before the scan, so concurrent reclaimers do not take them twice
      yield k.work(file * c.reclaim_scan_page_ns);
      K.zone.free(file);
      freed += file;
      K.vmstat.count(`pgsteal_${who}_file`, file);
    }
    let anonWant = want - file;
    for (const v of victims) {
      if (anonWant <= 0) break;
      const got = yield* this.swapOut(k, task, v, anonWant);
      anonWant -= got.pages;
      freed += got.pages - got.zsPages;
      K.vmstat.count(`pgsteal_${who}_anon`, got.pages);
    }
    // folio_alloc_swap() -> get_swap_pages() found no free slot: the rest of the anon want stays resident.
    if (anonWant > 0 && victims.length > 0 && K.si.freeSlots <= 0) K.core.trace.swapAllocFailed(anonWant, K.now);
    return freed;
  }

  /** shrink_folio_list for anon: pageout to zram; PTEs of one chunk become swap entries. */
  private *swapOut(k: TaskCtx, _task: Task, proc: KProcess, want: number): Generator<StepRecord, { pages: number; zsPages: number }, unknown> {
    const K = this.K;
    const c = K.costs;
    const mm = proc.mm;
    if (!mm || proc.sigkill) return { pages: 0, zsPages: 0 };
    let pages = 0;
    for (const ch of mm.chunks) {
      if (pages >= want) break;
      if (ch.zapped || ch.present === 0) continue;
      // can_reclaim_anon_pages(): no free swap slot, no anonymous reclaim.
      const room = K.si.freeSlots;
      if (room <= 0) break;
      // isolate_lru_folios, then add_to_swap(): the pages leave the chunk's
      // present count and get their swap slots (in the swap cache) before the
      // (long) pageout.
      const n = Math.min(ch.present, want - pages, room);
      ch.present -= n;
      mm.MM_ANONPAGES -= n;
      const added = new Int32Array(n);
      for (let i = 0; i < n; i++) added[i] = K.si.allocRun(1, -1);
      K.si.entriesInSwapCache += n;
      yield k.work(n * (c.reclaim_scan_page_ns + c.compress_page_ns));
      pages += n;
      if (ch.zapped) {
        // The owner was zapped meanwhile: the slots go back and the isolated pages are simply freed.
        for (let i = 0; i < n; i++) K.si.releaseSlot(added[i]!);
        K.si.entriesInSwapCache -= n;
        K.zone.free(n);
        K.core.trace.presentPagesFreed(proc.pid, n, K.now);
        continue;
      }
      // zs_malloc under the zsmalloc lock, then the PTEs point to swap.
      // One hold for the batch, under the lock of the class a typical page compresses into.
      const lock = K.zs.lockFor(K.zs.classFor(Math.round(PAGE_SIZE / K.cfg.compressionRatio)).index);
      yield k.lock(lock);
      yield k.work(n * c.zs_malloc_ns);
      const poolBefore = K.zs.poolPages;
      const zrng = K.engine.rng.stream('zram:reclaim');
      let bytes = 0;
      let stored = 0;
      for (; stored < n; stored++) {
        const b = compressedBytes(K.cfg.compressionRatio, zrng.float());
        if (!K.zram.store(added[stored]!, b, true)) break;
        bytes += b;
      }
      yield k.unlock(lock);
      if (stored < n) {
        // zram_write_page() failed (no page for a zspage): pageout fails, the
        // written slots and all n slots are put back, the pages return to the LRU.
        yield k.call(this.putOrphanedSwap(k, added.subarray(0, stored)));
        for (let i = stored; i < n; i++) K.si.releaseSlot(added[i]!);
        K.si.entriesInSwapCache -= n;
        K.vmstat.count('pswpout_failed', n);
        if (ch.zapped) {
          K.zone.free(n);
          K.core.trace.presentPagesFreed(proc.pid, n, K.now);
        } else {
          ch.present += n;
          mm.MM_ANONPAGES += n;
        }
        pages -= n;
        break;
      }
      // try_to_unmap(): the PTEs become swap entries under the PTE lock, the
      // lock that orders reclaim against zap_pte_range() of an exit or a reaper.
      yield k.lock(ch.ptl);
      if (ch.zapped) {
        yield k.unlock(ch.ptl);
        // The mapping was zapped during pageout: the folios are only in the swap
        // cache, and __remove_mapping() -> put_swap_folio() frees their slots
        // (and so their zram objects) before the isolated pages go back.
        yield k.call(this.putOrphanedSwap(k, added));
        K.si.entriesInSwapCache -= n;
        K.zone.free(n);
        K.core.trace.presentPagesFreed(proc.pid, n, K.now);
        continue;
      }
      for (let i = 0; i < n; i++) K.si.recordCgroup(added[i]!, 1, proc.pid);
      const grown = new Int32Array(ch.swap.length + n);
      grown.set(ch.swap);
      grown.set(added, ch.swap.length);
      ch.swap = grown;
      K.si.entriesInSwapCache -= n;
      yield k.unlock(ch.ptl);
      mm.MM_SWAPENTS += n;
      K.zone.free(n);
      K.core.trace.swappedOut(proc.pid, n, bytes, K.now);
      K.vmstat.count('pswpout', n);
      const zsPages = K.zs.poolPages - poolBefore;
      if (zsPages > 0) return { pages, zsPages };
    }
    return { pages, zsPages: 0 };
  }

  /** put_swap_folio() of slots no PTE ever pointed to: zram frees each object, the slot is released. */
  private *putOrphanedSwap(k: TaskCtx, slots: Int32Array): Program {
    const K = this.K;
    const c = K.costs;
    // swap_entry_free() under each slot's ci->lock, zram_slot_free_notify() -> zs_free() inside.
    for (let i = 0; i < slots.length; i++) {
      const ci = K.si.clusterLock(SwapInfo.clusterOf(slots[i]!));
      yield k.lock(ci);
      yield k.work(rangeFreeNs(c, 1) + c.zram_free_page_ns + c.zs_free_ns);
      K.zram.slotFreeNotify(slots[i]!);
      K.si.releaseSlot(slots[i]!);
      yield k.unlock(ci);
    }
    K.vmstat.count('swap_orphaned_by_zap', slots.length);
  }

  wakeKswapd(): void {
    if (this.kswapd && this.kswapd.state === 'sleeping') {
      K_wake(this.K, this.kswapdWait);
    }
  }

  private startKswapd(): void {
    const self = this;
    const K = this.K;
    const proc = { pid: 90, name: 'kswapd0', cgroup: 'kernel' };
    this.kswapd = K.sched.spawn({ name: 'kswapd0', proc, category: 'system' }, function* (k, t) {
      for (;;) {
        yield k.wait(self.kswapdWait);
        K.vmstat.count('kswapd_wakeups');
        let idle = 0;
        while (!K.zone.watermarkOk(0, K.zone.wmark.highPages) && idle < 4) {
          const got = yield* self.shrink(k, t, SWAP_CLUSTER_MAX, 'kswapd');
          idle = got > 0 ? 0 : idle + 1;
          yield k.condResched();
        }
      }
    });
  }
}

function K_wake(K: Kernel, wq: WaitQueue): void {
  for (const t of wq.wakeAll()) K.sched.wake(t);
}
