// Entry point of one simulation run. (Placeholder signature until the kernel
// model lands: the sweep, report and dashboard code build against this.)
import type { RunRecord } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';

export interface RunOptions {
  policy: string;
  seed: number;
  /** Record a TraceLog (never changes the fingerprint). */
  trace?: boolean;
}

export function runScenario(_scenario: Scenario, _opts: RunOptions): RunRecord {
  throw new Error('runScenario: kernel model not built yet');
}
