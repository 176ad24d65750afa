// One unit of soak work, as sent to a runner process, and its answer.
import type { Outcome } from './outcome.js';

export interface ScenarioSource {
  /** A shipped scenario name or a file path (loadScenario). */
  name?: string;
  /** Or a whole YAML document (scenarioFromText), labelled `label` in errors. */
  text?: string;
  label?: string;
}

export interface SoakJob extends ScenarioSource {
  id: number;
  /** check: load and validate only; run: load, then simulate. */
  kind: 'check' | 'run';
  sets: string[];
  /** Defaults to the scenario's own, as on the CLI. */
  policy?: string;
  seed?: number;
}

/** Sent by a runner between validation and simulation of a run job. */
export interface CheckedNotice {
  id: number;
  checked: true;
}

/** What the runner itself saw; the pool adds time and memory bounds. */
export interface RunnerReply {
  id: number;
  outcome: Extract<Outcome, 'accepted' | 'rejected' | 'crash'>;
  /** For runs: validation (the `check` part) accepted the input. */
  checkAccepted: boolean;
  message?: string;
  fingerprint?: string;
  wallMs: number;
}

export interface JobResult {
  outcome: Outcome;
  checkAccepted: boolean;
  message: string;
  fingerprint?: string;
  wallMs: number;
  /** Peak RSS of the runner during this job (MiB); 0 when unknown. */
  peakRssMib: number;
}
