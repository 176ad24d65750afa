// async-per-node: Barry Song's suggestion in review of Zhiguo Jiang's v3
// (seeds/004): instead of one system-wide kworker, one worker per NUMA node.
// Dying tasks park each PMD's runs on their node's list; the first runs on
// an empty list queue that node's work item, which frees the whole list.
// The worked example of docs/policies.md.
import { freeSwapRunsSync } from '../kernel/swap/swap-free.js';
import { freeParkedRuns } from './parked.js';
import { initWork, WQ_HIGHPRI, WQ_UNBOUND, type Workqueue } from '../kernel/workqueue/workqueue.js';
import type { SwapRun } from '../kernel/kernel.js';
import type { SwapFreePolicy } from './policy.js';

export function createAsyncPerNodePolicy(): SwapFreePolicy {
  const wqs = new Map<number, Workqueue>(); // NUMA node -> its workqueue
  let parked = 0;
  const pending = new Map<number, SwapRun[]>(); // NUMA node -> parked runs
  return {
    name: 'async-per-node',
    summary: 'dying tasks park runs per NUMA node; one highpri worker per node frees them',
    init(K) {
      // One single-worker queue per node, its worker confined to the node's CPUs.
      for (const node of new Set(K.sched.cpus.map((c) => c.node))) {
        const cpus = K.sched.cpus.filter((c) => c.node === node).map((c) => c.id);
        wqs.set(node, K.core.workqueues.allocWorkqueue(`swapfree_node${node}`, WQ_UNBOUND | WQ_HIGHPRI, 1, K.sched.mask(cpus)));
      }
    },
    *zapSwapRuns(K, k, tlb, runs) {
      if (!K.taskIsDying(tlb.task)) { yield* freeSwapRunsSync(K, k, tlb.task, runs); return; }
      const node = K.sched.cpus[tlb.task.cpu]!.node;
      const list = pending.get(node) ?? [];
      pending.set(node, list);
      const entries = runs.reduce((a, r) => a + r.nr, 0);
      const wasEmpty = list.length === 0; // decided before yielding: other CPUs add meanwhile
      list.push(...runs);
      parked += entries;
      K.deferredChanged(entries, K.runBytes(runs));
      yield k.work(runs.length * K.costs.swap_gather_add_ns);
      if (wasEmpty) {
        wqs.get(node)!.queueWork(initWork(`swapfree_node${node}`, function* (kk, worker) {
          const taken = pending.get(node)!.splice(0);
          yield* freeParkedRuns(K, kk, worker, taken, (n) => { parked -= n; });
        }));
      }
    },
    parkedEntries: () => parked,
  };
}
