// The frame pipeline: a frame is janky only when a mechanism keeps its
// threads from finishing before the next vsync.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/scenario/loader.js';
import { runSimulation } from '../src/sim/run.js';
import type { SchedPolicy } from '../src/kernel/sched/task.js';

const MS = 1_000_000;

// One CPU, so the UI thread, RenderThread, SurfaceFlinger and the camera HAL
// cannot escape a hog by migrating. No LMKD, no apps, no load, ample memory.
function oneCpuPhone(extra: string[] = []) {
  return loadScenario('quiet', [
    'platform={"cpus":[{"capacity":1024,"cluster":"solo","count":1}],"ram_mib":8192}',
    'memory.free_mib=6000',
    'lmkd.enabled=false',
    'apps.count=0',
    'load.threads=0',
    'load.share=0',
    'launch.at_ms=10',
    'launch.threads=1',
    'launch.cpu_ms=50',
    'launch.alloc_mib=10',
    'launch.preview_cpu_ms=10',
    'launch.frame_hz=60',
    'launch.frames=60',
    'duration_ms=1500',
    ...extra,
  ]);
}

function withHog(hog: { policy: SchedPolicy; nice?: number; atNs: number; workNs: number } | null) {
  return runSimulation(oneCpuPhone(), {
    policy: 'sync',
    seed: 1,
    attach: (sim) => {
      if (!hog) return;
      sim.K.sched.spawn(
        { name: 'hog', proc: { pid: 990, name: 'hog', cgroup: 'test' }, category: 'system', policy: hog.policy, rtPriority: hog.policy === 'fifo' ? 50 : 0, nice: hog.nice ?? 0 },
        function* (k) {
          yield k.sleep(hog.atNs);
          yield k.work(hog.workNs);
        },
      );
    },
  });
}

describe('frame pipeline', () => {
  it('with nothing in the way, every frame is ready for its vsync', () => {
    const { record, sim } = withHog(null);
    const m = record.output.metrics;
    expect(sim.launch!.previewDoneNs).toBeLessThan(400 * MS);
    expect(m.frames).toBeGreaterThanOrEqual(59);
    expect(m.janky_frames).toBe(0);
    expect(m.preview_stutter_frames).toBe(0);
    expect(m.frame_time_ms!.max).toBeLessThan(1000 / 60);
  });

  it('a higher-priority task holding the CPU past the deadline makes the frames under it miss their vsync', () => {
    const { record } = withHog({ policy: 'fifo', atNs: 500 * MS, workNs: 40 * MS });
    const m = record.output.metrics;
    // 40 ms at 60 Hz covers two to three refreshes: those frames are late, the rest are not.
    expect(m.janky_frames).toBeGreaterThanOrEqual(1);
    expect(m.janky_frames).toBeLessThanOrEqual(3);
    expect(m.dropped_frames).toBeGreaterThanOrEqual(2);
    expect(m.frame_time_ms!.max).toBeGreaterThan(1000 / 60);
    expect(m.preview_stutter_frames).toBeGreaterThanOrEqual(1); // the HAL thread was kept off too
  });

  it('a lower-priority task doing the same work does not', () => {
    const { record } = withHog({ policy: 'fair', nice: 19, atNs: 500 * MS, workNs: 40 * MS });
    expect(record.output.metrics.janky_frames).toBe(0);
    expect(record.output.metrics.preview_stutter_frames).toBe(0);
  });

  it('a higher-priority task that leaves before the deadline costs no frame', () => {
    const { record } = withHog({ policy: 'fifo', atNs: 500 * MS, workNs: 2 * MS });
    expect(record.output.metrics.janky_frames).toBe(0);
  });

  it("the UI thread's own allocations stall frames in direct reclaim when memory is short, not when it is ample", () => {
    // 8 MiB per frame: faulting it in fits a 60 Hz frame, reclaiming it (swapping a cached app to zram) does not.
    const frameAlloc = ['launch.frame_alloc_kib=8192', 'apps.count=2', 'apps.anon_mib=1000', 'apps.swap_ratio=0', 'memory.page_cache_mib=0'];
    const ample = runSimulation(oneCpuPhone([...frameAlloc, 'memory.free_mib=6000']), { policy: 'sync', seed: 1 });
    expect(ample.record.output.metrics.janky_frames).toBe(0);
    expect(ample.record.output.vmstat.allocstall ?? 0).toBe(0);
    const short = runSimulation(oneCpuPhone([...frameAlloc, 'memory.free_mib=400', 'memory.watermark_min_mib=380', 'memory.watermark_low_mib=390', 'memory.watermark_high_mib=400']), {
      policy: 'sync',
      seed: 1,
    });
    expect(short.record.output.vmstat.allocstall).toBeGreaterThan(0);
    expect(short.record.output.metrics.janky_frames).toBeGreaterThan(0);
  });
});
