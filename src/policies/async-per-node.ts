// async-per-node: Barry Song's suggestion in review of Zhiguo Jiang's v3
// (seeds/004): instead of one system-wide kworker, one worker per NUMA node.
// Dying tasks park each PMD's runs on their node's list; the first runs on
// an empty list queue that node's work item, which frees the whole list.
// The worked example of docs/policies.md.
import { z } from 'zod';
import { taskIsDying } from '../kernel/exit/signal.js';
import type { SwapFreePolicy } from '../kernel/policy-hooks.js';
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { SwapRuns } from '../kernel/swap/swap-runs.js';
import { initWork, WQ_HIGHPRI, WQ_UNBOUND, type Workqueue } from '../kernel/workqueue/workqueue.js';
import { definePolicy } from './module.js';

export default definePolicy({
  name: 'async-per-node',
  summary: 'dying tasks park runs per NUMA node; one highpri worker per node frees them',
  source: "Barry Song's review of Zhiguo Jiang v3 (seeds/004)",
  options: z.strictObject({}),
  create: () => createAsyncPerNodePolicy(),
});

function createAsyncPerNodePolicy(): SwapFreePolicy {
  const wqs = new Map<number, Workqueue>(); // NUMA node -> its workqueue
  const pending = new Map<number, SwapRuns>(); // NUMA node -> parked runs
  return {
    name: 'async-per-node',
    init(K) {
      // One single-worker queue per node, its worker confined to the node's CPUs.
      for (const node of new Set(K.sched.cpus.map((c) => c.node))) {
        const cpus = K.sched.cpus.filter((c) => c.node === node).map((c) => c.id);
        wqs.set(node, K.core.workqueues.allocWorkqueue(`swapfree_node${node}`, WQ_UNBOUND | WQ_HIGHPRI, 1, K.sched.mask(cpus)));
      }
    },
    *zapSwapRuns(K, k, tlb, runs) {
      if (!taskIsDying(tlb.task)) {
        yield k.call(freeSwapRunsSync(K, k, tlb.task, runs));
        return;
      }
      const node = K.sched.cpus[tlb.task.cpu]!.node;
      const list = pending.get(node) ?? new SwapRuns();
      pending.set(node, list);
      const wasEmpty = list.length === 0; // decided before yielding: other CPUs add meanwhile
      list.append(runs);
      K.parked.park(runs);
      yield k.work(runs.length * K.costs.swap_gather_add_ns);
      if (wasEmpty) {
        wqs.get(node)!.queueWork(
          initWork(`swapfree_node${node}`, function* (kk, worker) {
            const taken = pending.get(node)!;
            pending.set(node, new SwapRuns());
            yield kk.call(K.parked.freeInWorker(kk, worker, taken));
          }),
        );
      }
    },
  };
}
