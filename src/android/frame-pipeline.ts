// The display pipeline after the camera preview starts, as Android runs it:
//
//   vsync      the display refreshes every 1/hz s (HW_VSYNC; 60 or 120 Hz)
//   UI thread  Choreographer#doFrame on vsync-app: input, animation, layout,
//              recording the display list (allocating as it goes, so it can
//              stall in direct reclaim), then syncFrameState to RenderThread
//   RenderThread  draws the display list and queueBuffer()s to SurfaceFlinger
//   SurfaceFlinger  main thread SCHED_FIFO 2 (main_surfaceflinger.cpp),
//              wakes on each vsync, latches what was queued and composes
//   camera HAL the provider's result thread delivers one preview buffer per
//              sensor frame (camera_fps) into the preview Surface
//
// A frame is janky when its buffer is not queued by the next vsync after the
// one it started from (SurfaceFlinger latches without it and the old frame
// stays on screen). A preview frame stutters when the HAL does not deliver it
// within one sensor period of its capture. Nothing here draws a probability:
// a frame is late only because its threads were kept off a CPU (preemption,
// a non-preemptible PTE-lock section, a FIFO hog), ran slowly (a low operating
// point) or stalled allocating memory.

import { WaitQueue, type Program, type TaskCtx } from '../engine/steps.js';
import { EventPriority, type EventTarget } from '../engine/engine.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Reclaim } from '../kernel/mm/reclaim.js';
import type { Task } from '../kernel/sched/task.js';

export interface FramePipelineSpec {
  hz: number;
  /** Display refreshes to run the pipeline for, from the first preview frame. */
  frames: number;
  uiCpuNs: number;
  renderCpuNs: number;
  /** UI thread allocations per frame (page faults; may stall in direct reclaim). */
  allocPagesPerFrame: number;
  surfaceflingerCpuNs: number;
  cameraFps: number;
  cameraHalCpuNs: number;
}

export interface FrameStats {
  /** App frames queued to SurfaceFlinger. */
  frames: number;
  /** App frames queued after the vsync that should have shown them. */
  jankyFrames: number;
  /** Per app frame: vsync it started from to queueBuffer, ns. */
  frameTimesNs: number[];
  /** Refresh intervals in which the app queued no new frame. */
  droppedVsyncs: number;
  /** Display refreshes while the pipeline ran. */
  refreshes: number;
  previewFrames: number;
  previewLateFrames: number;
  /** Compositions that ended after the next vsync. */
  surfaceflingerLate: number;
}

/** The display's vsync: wakes Choreographer and SurfaceFlinger every period for `frames` refreshes. */
class Vsync implements EventTarget {
  lastNs = -1;
  count = 0;
  /** Refreshes since the current window started. */
  windowCount = 0;
  private remaining = 0;
  private next = -1;
  readonly app = new WaitQueue('vsync-app');
  readonly sf = new WaitQueue('vsync-sf');

  constructor(
    readonly fpId: number,
    private readonly K: Kernel,
    readonly periodNs: number,
    private readonly onTick: () => void,
  ) {}

  start(n: number): void {
    this.K.engine.cancel(this.next); // one chain of refreshes at a time
    this.remaining = n;
    this.windowCount = 0;
    // A refresh the UI thread never waited for in the last window must not start a frame in this one.
    this.app.ready();
    this.sf.ready();
    this.fire();
  }

  get running(): boolean {
    return this.remaining > 0;
  }

  /** No refresh after this one. */
  stop(): void {
    this.remaining = 0;
    this.K.engine.cancel(this.next);
    this.next = -1;
  }

  fire(): void {
    this.next = -1;
    if (this.remaining <= 0) return;
    this.remaining--;
    this.count++;
    this.windowCount++;
    this.lastNs = this.K.now;
    this.onTick();
    for (const w of this.app.wakeAll()) this.K.sched.wake(w);
    for (const w of this.sf.wakeAll()) this.K.sched.wake(w);
    this.next = this.remaining > 0 ? this.K.engine.at(this.K.now + this.periodNs, EventPriority.timer, this) : -1;
  }
}

export class FramePipeline {
  readonly stats: FrameStats = { frames: 0, jankyFrames: 0, frameTimesNs: [], droppedVsyncs: 0, refreshes: 0, previewFrames: 0, previewLateFrames: 0, surfaceflingerLate: 0 };
  private readonly vsync: Vsync;
  private readonly sfTask: Task;
  private readonly halTask: Task | null;
  private started = false;
  private readonly toRender = new WaitQueue('syncFrameState');
  private readonly rendered = new WaitQueue('frame-drawn');
  /** Frame handed to RenderThread and not yet drawn: its vsync time, or -1. */
  private pendingFrameVsyncNs = -1;
  private renderBusy = false;
  /** An app frame was queued since SurfaceFlinger last latched. */
  private queuedSinceLatch = false;
  private previewEndNs = 0;
  private framesAtLastVsync = 0;

  constructor(
    private readonly K: Kernel,
    private readonly reclaim: Reclaim,
    readonly spec: FramePipelineSpec,
  ) {
    this.vsync = new Vsync(K.core.ids.take(), K, Math.round(1e9 / spec.hz), () => this.onVsync());
    const system = { pid: 400, name: 'surfaceflinger', cgroup: 'system' };
    const provider = { pid: 450, name: 'camera.provider', cgroup: 'camera-daemon' };
    // Created parked; start() wakes them with the first preview frame.
    this.sfTask = K.sched.spawn({ name: 'surfaceflinger', proc: system, policy: 'fifo', rtPriority: 2, cpuset: 'foreground', category: 'system', startSleeping: true }, (k) => this.surfaceflinger(k));
    // nice -8: ANDROID_PRIORITY_URGENT_DISPLAY
    this.halTask =
      spec.cameraFps <= 0 ? null : K.sched.spawn({ name: 'CamHalResult', proc: provider, nice: -8, cpuset: 'foreground', category: 'foreground', startSleeping: true }, (k) => this.cameraHal(k));
  }

  /**
   * The first preview frame is up: vsync, SurfaceFlinger and the camera HAL
   * start, for `frames` refreshes (default: the spec's). Called again, it
   * opens another window of refreshes (continuous launches: one per app).
   */
  start(frames = this.spec.frames): void {
    if (!this.started) {
      this.started = true;
      this.previewEndNs = this.K.now + frames * this.vsync.periodNs;
      this.K.sched.wake(this.sfTask);
      if (this.halTask) this.K.sched.wake(this.halTask);
    }
    this.framesAtLastVsync = this.stats.frames;
    this.vsync.start(frames);
  }

  /** Ends the current window of refreshes now. */
  stop(): void {
    this.vsync.stop();
  }

  get periodNs(): number {
    return this.vsync.periodNs;
  }

  /** Refreshes run so far. */
  get vsyncs(): number {
    return this.vsync.count;
  }

  private onVsync(): void {
    this.stats.refreshes++;
    // No app frame was queued during the refresh interval that just ended.
    if (this.vsync.windowCount > 1 && this.stats.frames === this.framesAtLastVsync) this.stats.droppedVsyncs++;
    this.framesAtLastVsync = this.stats.frames;
  }

  /** Choreographer on the app's main thread; returns when the pipeline's refreshes are over. */
  *uiThread(k: TaskCtx, t: Task): Program {
    const K = this.K;
    for (;;) {
      yield k.wait(this.vsync.app);
      const frameVsyncNs = this.vsync.lastNs; // doFrame() uses the latest vsync as its frame time
      if (this.spec.allocPagesPerFrame > 0) {
        yield k.call(this.reclaim.allocPages(k, t, this.spec.allocPagesPerFrame));
        yield k.work(this.spec.allocPagesPerFrame * K.costs.page_fault_ns);
      }
      yield k.work(this.spec.uiCpuNs);
      // syncFrameState: blocks while RenderThread still draws the previous frame.
      while (this.renderBusy) yield k.wait(this.rendered);
      this.pendingFrameVsyncNs = frameVsyncNs;
      this.renderBusy = true;
      for (const w of this.toRender.wakeAll()) K.sched.wake(w);
      if (!this.vsync.running) return; // the last refresh's frame is handed off
    }
  }

  /** HWUI's RenderThread: draws each handed-off frame and queues its buffer. */
  *renderThread(k: TaskCtx): Program {
    const K = this.K;
    for (;;) {
      while (this.pendingFrameVsyncNs < 0) yield k.wait(this.toRender);
      const vsyncNs = this.pendingFrameVsyncNs;
      this.pendingFrameVsyncNs = -1;
      yield k.work(this.spec.renderCpuNs);
      // queueBuffer(): the frame is ready for SurfaceFlinger's next latch.
      const s = this.stats;
      s.frames++;
      s.frameTimesNs.push(K.now - vsyncNs);
      if (K.now > vsyncNs + this.vsync.periodNs) s.jankyFrames++;
      this.queuedSinceLatch = true;
      this.renderBusy = false;
      for (const w of this.rendered.wakeAll()) K.sched.wake(w);
    }
  }

  private *surfaceflinger(k: TaskCtx): Program {
    const K = this.K;
    for (;;) {
      yield k.wait(this.vsync.sf);
      const latchNs = this.vsync.lastNs;
      if (!this.queuedSinceLatch) continue; // nothing new: no composition
      this.queuedSinceLatch = false;
      yield k.work(this.spec.surfaceflingerCpuNs);
      if (K.now > latchNs + this.vsync.periodNs) this.stats.surfaceflingerLate++;
    }
  }

  private *cameraHal(k: TaskCtx): Program {
    const K = this.K;
    const periodNs = Math.round(1e9 / this.spec.cameraFps);
    let captureNs = K.now;
    while (captureNs < this.previewEndNs) {
      if (captureNs > K.now) yield k.sleep(captureNs - K.now);
      yield k.work(this.spec.cameraHalCpuNs); // result processing, buffer into the preview Surface
      const s = this.stats;
      s.previewFrames++;
      if (K.now > captureNs + periodNs) s.previewLateFrames++;
      captureNs += periodNs;
    }
  }
}
