// System services keeping a share of the CPUs busy (surfaceflinger, system_server
// binder threads, HALs): periodic bursts with a duty cycle, fair or SCHED_FIFO.

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
  const duty = Math.min(1, (spec.share * nCpus) / spec.threads);
  const proc = { pid: 500, name: 'system_server', cgroup: 'system' };
  for (let i = 0; i < spec.threads; i++) {
    const phase = Math.floor(rng.float() * PERIOD_NS);
    K.sched.spawn({
      name: `svc${i}`, proc, category: 'system',
      policy: spec.cls === 'fifo' ? 'fifo' : 'fair',
      rtPriority: spec.cls === 'fifo' ? spec.fifoPriority : 0,
    }, function* (k) {
      yield k.sleep(phase);
      for (;;) {
        const busy = Math.round(PERIOD_NS * duty * (0.8 + 0.4 * rng.float()));
        yield k.work(busy);
        if (busy < PERIOD_NS) yield k.sleep(PERIOD_NS - Math.min(busy, PERIOD_NS));
      }
    });
  }
}
