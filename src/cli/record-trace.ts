// One run with a TraceCollector attached: the run's record plus its trace,
// written in the chosen format. Tracing never changes the fingerprint.

import type { RunRecord } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';
import type { Simulation } from '../sim/build.js';
import { runSimulation } from '../sim/run.js';
import { TraceCollector } from '../report/trace/collector.js';
import { writeTrace, type TraceFormat } from '../report/trace/index.js';
import type { TraceLog } from '../report/trace/model.js';

export interface TraceRunOptions {
  policy: string;
  seed: number;
}

export interface TracedRun<T extends Uint8Array | string = Uint8Array | string> {
  record: RunRecord;
  /** Perfetto protobuf bytes ('perfetto') or Trace Event Format JSON text ('json'). */
  trace: T;
  log: TraceLog;
}

/** Runs with a collector attached; also returns the finished simulation (ground truth for checks). */
export function traceSimulation(scenario: Scenario, opts: TraceRunOptions): { record: RunRecord; sim: Simulation; log: TraceLog; warnings: string[] } {
  let collector: TraceCollector | undefined;
  const { record, sim } = runSimulation(scenario, {
    policy: opts.policy,
    seed: opts.seed,
    attach: (s) => {
      collector = new TraceCollector(s);
    },
  });
  if (!collector) throw new Error('runSimulation did not call attach()');
  return { record, sim, log: collector.log(), warnings: collector.warnings };
}

export function recordTrace(scenario: Scenario, opts: TraceRunOptions, format: 'perfetto'): TracedRun<Uint8Array>;
export function recordTrace(scenario: Scenario, opts: TraceRunOptions, format: 'json'): TracedRun<string>;
export function recordTrace(scenario: Scenario, opts: TraceRunOptions, format: TraceFormat): TracedRun;
export function recordTrace(scenario: Scenario, opts: TraceRunOptions, format: TraceFormat): TracedRun {
  const { record, log } = traceSimulation(scenario, opts);
  return { record, trace: writeTrace(log, format), log };
}
