// System services keeping a share of the CPUs busy (surfaceflinger, system_server
// binder threads, HALs): periodic bursts with a duty cycle, fair or SCHED_FIFO.
// A duty of 1 or more (share x CPUs >= threads) is saturation: each thread
// runs without a gap from t=0, so `share=1` with as many threads as CPUs
// keeps every CPU busy (Morton's SCHED_FIFO case).

import type { Kernel } from '../kernel/kernel.js';

export interface LoadSpec {
  share: number;
  cls: 'fair' | 'fifo';
  fifoPriority: number;
  threads: number;
}

const PERIOD_NS = 4_000_000;

export function startSystemLoad(K: Kernel, spec: LoadSpec): void {
  if (spec.threads <= 0 || spec.share <= 0) return;
  const rng = K.engine.rng.stream('load');
  const nCpus = K.sched.cpus.length;
  // Busy ns per period per thread, so threads x duty = share x CPUs (in wall time at capacity 1024).
  const wantedDuty = (spec.share * nCpus) / spec.threads;
  const saturating = wantedDuty >= 1;
  const duty = Math.min(1, wantedDuty);
  const proc = { pid: 500, name: 'system_server', cgroup: 'system' };
  for (let i = 0; i < spec.threads; i++) {
    const phase = saturating ? 0 : Math.floor(rng.float() * PERIOD_NS);
    K.sched.spawn(
      {
        name: `svc${i}`,
        proc,
        category: 'system',
        policy: spec.cls === 'fifo' ? 'fifo' : 'fair',
        rtPriority: spec.cls === 'fifo' ? spec.fifoPriority : 0,
      },
      function* (k) {
        if (saturating) {
          // Never sleeps: one work step per period keeps the event count bounded.
          for (;;) yield k.work(PERIOD_NS);
        }
        yield k.sleep(phase);
        for (;;) {
          const busy = Math.round(PERIOD_NS * duty * (0.8 + 0.4 * rng.float()));
          yield k.work(busy);
          if (busy < PERIOD_NS) yield k.sleep(PERIOD_NS - Math.min(busy, PERIOD_NS));
        }
      },
    );
  }
}
