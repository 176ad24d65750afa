// do_exit() of a multi-threaded process (kernel/exit.c): the last thread
// tears down what the threads share (exit_files, exit_fs, exit_mm: the
// calibration's exit_other_ns); every other thread only drops its references
// (exit_thread_ns).
import { describe, expect, it } from 'vitest';
import { doExit } from '../src/kernel/exit/do-exit.js';
import { loadCalibration } from '../src/calibration/calibration.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runSimulation } from '../src/sim/run.js';

/** One process of `threads` threads (and 256 swap entries) killed on an idle phone, beside exit-one's own. */
function killThreads(threads: number) {
  const sc = loadScenario('exit-one', ['processes=1', 'swap_mib=1', 'present_mib=1', 'duration_ms=200', 'cpufreq.enabled=false']);
  const { record } = runSimulation(sc, {
    policy: 'sync',
    seed: 1,
    attach: (sim) => {
      const K = sim.K;
      const p = K.createProcess(
        { name: 'mt', presentPages: 64, swapPages: 256, filePages: 0, folioPages: 1, fragmentation: 0, oomScoreAdj: 900, category: 'background', cpuset: 'background', nice: 0, threads },
        (proc) =>
          function* (k, t) {
            while (!proc.sigkill) yield k.wait(proc.signalWait);
            yield* doExit(K, k, t, proc);
          },
      );
      K.sched.spawn({ name: 'killer', proc: { pid: 77, name: 'killer', cgroup: 'test' }, category: 'system' }, function* (k) {
        yield k.sleep(1e6);
        K.kill(p);
      });
    },
  });
  return record.output;
}

const exitingCpuMs = (threads: number) => killThreads(threads).metrics.cpu_ms_by_category.exiting;

describe('do_exit of a multi-threaded process', () => {
  it('charges the process-wide teardown once, and each other thread only its own exit', () => {
    const c = loadCalibration('phone-8core').costs;
    expect(c.exit_thread_ns).toBeLessThan(c.exit_other_ns);
    const one = exitingCpuMs(1);
    const eight = exitingCpuMs(8);
    // Seven more threads cost seven thread exits (on cores of capacity <= 1024 they take a little longer;
    // DVFS is off so that eight busy threads do not raise the cluster's frequency),
    // far from seven more process teardowns.
    expect(eight - one).toBeGreaterThanOrEqual((7 * c.exit_thread_ns) / 1e6);
    expect(eight - one).toBeLessThan(c.exit_other_ns / 1e6);
  });

  it('tears the mm down once, in whichever thread drops the last reference, though all exit at once', () => {
    const out = killThreads(8);
    expect(out.metrics.memory_release_ms.released).toBe(2);
    expect(out.metrics.swap_entries_leaked).toBe(0);
    expect(out.vmstat.swap_entries_still_mapped).toBe(0);
  });
});
