// Sweeps started from the dashboard: each has an id, a progress count, an
// AbortController, and listeners (open SSE streams). Finished runs are kept
// for a while so a late or reconnecting stream still gets the result.
import { randomUUID } from 'node:crypto';
import type { RunOutput } from '../metrics/types.js';
import { summarizeCompare, type CompareSummary } from '../report/compare.js';
import type { Scenario } from '../scenario/schema.js';
import { runSweep, type SweepRunner } from '../sweep/pool.js';
import { scenarioKey } from '../sweep/scenario-key.js';
import { buildReportData, freeMemRefsOf, outputsOf, type ReportData } from '../report/chart-data.js';
import { runTable, type ExportTable } from './run-export.js';

export interface RunResult {
  /** Per-run outputs (metrics, vmstat); the series are reduced into `report`. */
  records: RunOutput[];
  summary: CompareSummary;
  /** What charts.js draws: the same data the HTML report inlines. */
  report: ReportData;
}

/** What an SSE stream carries, one JSON object per event. The last three end the stream. */
export type RunEvent = { done: number; total: number } | { result: RunResult } | { error: string } | { cancelled: true };

type Status = 'running' | 'done' | 'error' | 'cancelled';

interface Run {
  id: string;
  status: Status;
  done: number;
  total: number;
  final?: RunEvent;
  /** Fields the request changed, for the export's param_ columns. */
  overrides: Readonly<Record<string, unknown>>;
  controller: AbortController;
  listeners: Set<(ev: RunEvent) => void>;
}

export interface StartRun {
  scenario: Scenario;
  policies: string[];
  seeds: number[];
  /** Fields the request changed (path -> value); exported as param_<path> columns. */
  overrides?: Readonly<Record<string, unknown>>;
}

/** What an export request finds: no such run, a run without results (yet), or its table. */
export type RunExport = { found: false } | { found: true; status: Exclude<Status, 'done'> } | { found: true; status: 'done'; scenario: string; table: ExportTable };

export class TooManyRunsError extends Error {}

export interface RunRegistryOptions {
  runner?: SweepRunner;
  /** Sweeps running at once; more are refused (each one can use every core). */
  maxActive?: number;
  /** Finished runs kept for late streams. */
  keepFinished?: number;
}

export class RunRegistry {
  private readonly runs = new Map<string, Run>();
  private readonly opts: Required<Omit<RunRegistryOptions, 'runner'>> & { runner?: SweepRunner };

  constructor(opts: RunRegistryOptions = {}) {
    this.opts = { maxActive: 2, keepFinished: 20, ...opts };
  }

  start(req: StartRun): string {
    const active = [...this.runs.values()].filter((r) => r.status === 'running').length;
    if (active >= this.opts.maxActive) throw new TooManyRunsError(`${active} runs in progress; cancel one or wait`);
    const run: Run = {
      id: randomUUID(),
      status: 'running',
      done: 0,
      total: new Set(req.policies).size * new Set(req.seeds).size,
      overrides: req.overrides ?? {},
      controller: new AbortController(),
      listeners: new Set(),
    };
    this.runs.set(run.id, run);
    this.prune();
    void this.execute(run, req);
    return run.id;
  }

  private async execute(run: Run, req: StartRun): Promise<void> {
    try {
      const records = await runSweep({
        scenario: req.scenario,
        scenarioKey: scenarioKey(req.scenario),
        policies: req.policies,
        seeds: req.seeds,
        signal: run.controller.signal,
        ...(this.opts.runner ? { runner: this.opts.runner } : {}),
        onProgress: (done, total) => {
          run.done = done;
          run.total = total;
          this.emit(run, { done, total });
        },
      });
      const result: RunResult = {
        records: outputsOf(records),
        summary: summarizeCompare({
          scenario: req.scenario.name,
          kernel: records[0]?.output.kernel ?? req.scenario.kernel.version,
          seeds: req.seeds,
          policies: req.policies,
          runs: outputsOf(records),
        }),
        report: buildReportData({ records, policies: req.policies, seeds: req.seeds, freeMemRefs: freeMemRefsOf(req.scenario) }),
      };
      this.finish(run, 'done', { result });
    } catch (err) {
      if (run.controller.signal.aborted) this.finish(run, 'cancelled', { cancelled: true });
      else this.finish(run, 'error', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  has(id: string): boolean {
    return this.runs.has(id);
  }

  /** Current state then every later event; returns the unsubscribe function. */
  subscribe(id: string, listener: (ev: RunEvent) => void): (() => void) | undefined {
    const run = this.runs.get(id);
    if (!run) return undefined;
    listener({ done: run.done, total: run.total });
    if (run.final) {
      listener(run.final);
      return () => {};
    }
    run.listeners.add(listener);
    return () => run.listeners.delete(listener);
  }

  /** The per-run rows of a finished run. */
  exportOf(id: string): RunExport {
    const run = this.runs.get(id);
    if (!run) return { found: false };
    if (run.status !== 'done') return { found: true, status: run.status };
    // 'done' is only ever set with a result (finish(run, 'done', { result })).
    const { records } = (run.final as { result: RunResult }).result;
    return { found: true, status: 'done', scenario: records[0]?.scenario ?? 'runs', table: runTable(records, run.overrides) };
  }

  /** false if there is no such run; cancelling a finished run is a no-op. */
  cancel(id: string): boolean {
    const run = this.runs.get(id);
    if (!run) return false;
    if (run.status === 'running') run.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const run of this.runs.values()) if (run.status === 'running') run.controller.abort();
  }

  private emit(run: Run, ev: RunEvent): void {
    for (const l of run.listeners) l(ev);
  }

  private finish(run: Run, status: Status, ev: RunEvent): void {
    run.status = status;
    run.final = ev;
    this.emit(run, ev);
    run.listeners.clear();
  }

  private prune(): void {
    const finished = [...this.runs.values()].filter((r) => r.status !== 'running');
    for (const r of finished.slice(0, Math.max(0, finished.length - this.opts.keepFinished))) this.runs.delete(r.id);
  }
}
