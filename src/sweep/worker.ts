// Piscina worker: one (policy, seed) run per task. Loaded as compiled JS
// (dist/src/sweep/worker.js) by pool.ts; the scenario arrives by structured
// clone, and the RunRecord goes back the same way.
import { runScenario } from '../sim/run.js';
import type { RunRecord } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';

export interface SweepTask {
  scenario: Scenario;
  policy: string;
  seed: number;
}

export default function runTask(task: SweepTask): RunRecord {
  return runScenario(task.scenario, { policy: task.policy, seed: task.seed });
}
