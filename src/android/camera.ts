// The foreground cold launch (camera): top-app threads doing CPU work and
// faulting in memory (each fault may stall in direct reclaim); then, on the
// app's main thread, the preview (first frame); then the frame pipeline
// (frame-pipeline.ts): the main thread as Choreographer's UI thread,
// RenderThread, SurfaceFlinger at vsync and the camera HAL's preview buffers.

import { Completion, type TaskCtx } from '../engine/steps.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Reclaim } from '../kernel/mm/reclaim.js';
import type { Task } from '../kernel/sched/task.js';
import { FramePipeline, type FramePipelineSpec, type FrameStats } from './frame-pipeline.js';

export interface LaunchSpec {
  atNs: number;
  threads: number;
  cpuNs: number;
  allocPages: number;
  previewCpuNs: number;
  pipeline: FramePipelineSpec;
}

export interface LaunchResult {
  startNs: number;
  launchDoneNs: number;
  previewDoneNs: number;
  freePagesAtPreview: number;
  frames: FrameStats;
}

const STEPS = 40;

export function startCameraLaunch(K: Kernel, reclaim: Reclaim, spec: LaunchSpec): LaunchResult {
  const pipeline = new FramePipeline(K, reclaim, spec.pipeline);
  const res: LaunchResult = { startNs: spec.atNs, launchDoneNs: -1, previewDoneNs: -1, freePagesAtPreview: -1, frames: pipeline.stats };
  const proc = { pid: 600, name: 'camera', cgroup: 'top-app' };
  const launched = new Completion('camera:launched');
  let running = spec.threads;
  const perThreadCpu = spec.cpuNs / spec.threads / STEPS;
  const perThreadPages = Math.floor(spec.allocPages / spec.threads / STEPS);
  const trace = K.core.trace;
  const launchThread = (i: number) =>
    function* (k: TaskCtx, t: Task) {
      yield k.sleep(spec.atNs);
      if (i === 0 && trace.enabled) trace.instant(t, 'launch_start', K.now);
      reclaim.psi.nonIdle++;
      for (let s = 0; s < STEPS; s++) {
        // Page faults: allocate then zero and map each page.
        yield k.call(reclaim.allocPages(k, t, perThreadPages));
        yield k.work(perThreadPages * K.costs.page_fault_ns);
        yield k.work(perThreadCpu);
      }
      reclaim.psi.nonIdle--;
      if (--running === 0) {
        res.launchDoneNs = K.now;
        for (const w of launched.completeAll()) K.sched.wake(w);
        if (trace.enabled) trace.instant(t, 'launch_done', K.now);
      }
      if (i !== 0) return;
      // The main thread: preview request to first frame, then Choreographer's UI thread.
      yield k.wait(launched);
      res.freePagesAtPreview = K.zone.freePages;
      const t0 = K.now;
      reclaim.psi.nonIdle++;
      yield k.call(reclaim.allocPages(k, t, Math.floor(spec.allocPages / 10))); // preview buffers
      yield k.work(spec.previewCpuNs);
      reclaim.psi.nonIdle--;
      res.previewDoneNs = K.now;
      if (trace.enabled) trace.span(t, 'preview', t0, K.now);
      pipeline.start();
      yield k.call(pipeline.uiThread(k, t));
    };
  for (let i = 0; i < spec.threads; i++) {
    K.sched.spawn({ name: i === 0 ? 'camera' : `camera:${i}`, proc, nice: -10, cpuset: 'top-app', category: 'foreground' }, launchThread(i));
  }
  K.sched.spawn({ name: 'RenderThread', proc, nice: -10, cpuset: 'top-app', category: 'foreground' }, (k) => pipeline.renderThread(k));
  return res;
}
