// Zhiguo Jiang's continuous-launch test (seeds/004): N apps launched one
// after another for several rounds on a 16 GB phone. Each launch moves the
// previous foreground app to the cached list (background cpuset, nice 10,
// oom_score_adj 900+ by recency, as ProcessList does), where reclaim swaps it
// to zram and LMKD may kill it. An app still cached when its turn comes
// again starts warm; one that was killed (or never ran) starts cold: its
// launch threads fault in its whole heap, which may stall in direct reclaim.
// Frames are drawn at vsync from each launch's start (the launch animation
// and starting window) through dwell_ms of use after it; the frame-drop rate
// is refreshes without a new frame over all refreshes.
//
// Modelling shortcut: a cold-started app's process (its mm) is created when
// its launch completes, holding the pages its launch threads allocated, so
// reclaim and LMKD see it from then on; the frames of whichever app is in
// front are drawn by one UI thread and one RenderThread.

import { WaitQueue, type Program, type TaskCtx } from '../engine/steps.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Reclaim } from '../kernel/mm/reclaim.js';
import { PAGES_PER_MIB } from '../kernel/mm/zone.js';
import type { KProcess } from '../kernel/process.js';
import type { Task } from '../kernel/sched/task.js';
import { idleUntilKilled } from './apps.js';
import type { FramePipeline } from './frame-pipeline.js';

export interface ContinuousLaunchSpec {
  apps: number;
  rounds: number;
  anonMib: [number, number];
  threads: number;
  coldCpuNs: number;
  warmCpuNs: number;
  dwellNs: number;
  startNs: number;
}

export interface ContinuousLaunchResult {
  startNs: number;
  /** End of the last app's dwell, or -1 if the test did not finish. */
  endNs: number;
  launchesMs: number[];
  cold: number;
  warm: number;
}

const STEPS = 20;
/** ProcessList CACHED_APP_MIN_ADJ .. CACHED_APP_MAX_ADJ. */
const CACHED_MIN_ADJ = 900;
const CACHED_MAX_ADJ = 999;

export class ContinuousLaunch {
  readonly result: ContinuousLaunchResult;
  /** Live app processes by app index (cached or in front). */
  private readonly live = new Map<number, KProcess>();
  /** Cached apps, most recently used first. */
  private lru: KProcess[] = [];
  private readonly sizesPages: number[];

  constructor(
    private readonly K: Kernel,
    private readonly reclaim: Reclaim,
    private readonly pipeline: FramePipeline,
    readonly spec: ContinuousLaunchSpec,
  ) {
    this.result = { startNs: spec.startNs, endNs: -1, launchesMs: [], cold: 0, warm: 0 };
    const rng = K.engine.rng.stream('continuous');
    this.sizesPages = Array.from({ length: spec.apps }, () => Math.round(rng.uniform(spec.anonMib[0], spec.anonMib[1]) * PAGES_PER_MIB));
    const uiWait = new WaitQueue('dwell');
    const fg = { pid: 700, name: 'foreground-app', cgroup: 'top-app' };
    K.sched.spawn({ name: 'ui', proc: fg, nice: -10, cpuset: 'top-app', category: 'foreground' }, (k, t) => this.uiLoop(k, t, uiWait));
    K.sched.spawn({ name: 'RenderThread', proc: fg, nice: -10, cpuset: 'top-app', category: 'foreground' }, (k) => pipeline.renderThread(k));
    K.sched.spawn({ name: 'am_launcher', proc: { pid: 510, name: 'system_server', cgroup: 'system' }, nice: -10, cpuset: 'foreground', category: 'system' }, (k) => this.driver(k, uiWait));
  }

  /** Cached apps for LMKD and reclaim: alive, not in front. */
  cached(): KProcess[] {
    return this.lru.filter((p) => !p.sigkill && !p.dead);
  }

  private *uiLoop(k: TaskCtx, t: Task, start: WaitQueue): Program {
    for (;;) {
      yield k.wait(start);
      yield k.call(this.pipeline.uiThread(k, t));
    }
  }

  /** The test harness: launch, use, next. */
  private *driver(k: TaskCtx, uiWait: WaitQueue): Program {
    const K = this.K;
    const s = this.spec;
    yield k.sleep(s.startNs);
    let front: KProcess | null = null;
    for (let round = 0; round < s.rounds; round++) {
      for (let i = 0; i < s.apps; i++) {
        const t0 = K.now;
        // The launch animation and then the app draw at vsync until the next launch.
        this.pipeline.start(Number.MAX_SAFE_INTEGER);
        for (const w of uiWait.wakeAll()) K.sched.wake(w);
        const proc = this.live.get(i);
        const warm = !!proc && !proc.sigkill && !proc.dead;
        let next: KProcess;
        if (warm) {
          this.result.warm++;
          this.lru = this.lru.filter((p) => p !== proc);
          this.toForeground(proc!);
          yield k.call(this.runLaunch(k, s.warmCpuNs, 0));
          next = proc!;
        } else {
          this.result.cold++;
          yield k.call(this.runLaunch(k, s.coldCpuNs, this.sizesPages[i]!));
          next = K.createProcess(
            {
              name: `capp${String(i).padStart(2, '0')}r${round}`,
              presentPages: this.sizesPages[i]!,
              swapPages: 0,
              filePages: 0,
              folioPages: 1,
              fragmentation: 0.9,
              oomScoreAdj: 0,
              category: 'foreground',
              cpuset: 'top-app',
              nice: 0,
              threads: 1,
            },
            (p) => idleUntilKilled(K, p),
          );
          this.live.set(i, next);
        }
        this.result.launchesMs.push((K.now - t0) / 1e6);
        if (front && front !== next) this.toCached(front);
        front = next;
        yield k.sleep(s.dwellNs); // the app is used
        this.pipeline.stop();
      }
    }
    this.result.endNs = K.now;
  }

  /** Launch threads: CPU work and the heap faulted in, in steps; returns when all are done. */
  private *runLaunch(k: TaskCtx, cpuNs: number, pages: number): Program {
    const K = this.K;
    const reclaim = this.reclaim;
    const done = new WaitQueue('launch-done');
    let running = this.spec.threads;
    const perCpu = cpuNs / this.spec.threads / STEPS;
    const perPages = Math.floor(pages / this.spec.threads / STEPS);
    const proc = { pid: 701, name: 'launching-app', cgroup: 'top-app' };
    for (let j = 0; j < this.spec.threads; j++) {
      K.sched.spawn({ name: `launch:${j}`, proc, nice: -10, cpuset: 'top-app', category: 'foreground' }, function* (kk: TaskCtx, t: Task): Program {
        reclaim.psi.nonIdle++;
        for (let st = 0; st < STEPS; st++) {
          if (perPages > 0) {
            yield kk.call(reclaim.allocPages(kk, t, perPages));
            yield kk.work(perPages * K.costs.page_fault_ns);
          }
          yield kk.work(perCpu);
        }
        reclaim.psi.nonIdle--;
        if (--running === 0) for (const w of done.wakeAll()) K.sched.wake(w);
      });
    }
    while (running > 0) yield k.wait(done);
  }

  private toForeground(p: KProcess): void {
    p.oomScoreAdj = 0;
    p.category = 'foreground';
    for (const t of p.threads) {
      if (t.state === 'dead') continue;
      t.category = 'foreground';
      this.K.sched.setNice(t, 0);
      this.K.sched.setCpuset(t, 'top-app');
    }
  }

  /** The app leaves the screen: cached, its adj by recency (older apps higher). */
  private toCached(p: KProcess): void {
    if (p.sigkill || p.dead) return;
    p.category = 'background';
    for (const t of p.threads) {
      if (t.state === 'dead') continue;
      t.category = 'background';
      this.K.sched.setNice(t, 10);
      this.K.sched.setCpuset(t, 'background');
    }
    this.lru.unshift(p);
    this.lru = this.lru.filter((x) => !x.dead);
    this.lru.forEach((x, rank) => {
      x.oomScoreAdj = Math.min(CACHED_MAX_ADJ, CACHED_MIN_ADJ + 5 * rank);
    });
  }
}
