// Piscina worker: one (policy, seed) run per task. Loaded as compiled JS
// (dist/src/sweep/worker.js) by pool.ts; the scenario arrives by structured
// clone, and the RunRecord goes back the same way.
import { isPolicyFile, loadPolicyFile } from '../policies/registry.js';
import { runScenario } from '../sim/run.js';
import type { RunRecord } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';

export interface SweepTask {
  scenario: Scenario;
  policy: string;
  seed: number;
}

export default async function runTask(task: SweepTask): Promise<RunRecord> {
  // A policy from a file is loaded once per worker thread.
  if (isPolicyFile(task.policy)) await loadPolicyFile(task.policy);
  return runScenario(task.scenario, { policy: task.policy, seed: task.seed });
}
