// A run's wall-clock and event budget. The engine runs until a time; this
// steps it the same way (Engine.run fires events with step() and then moves
// the clock to the end) but looks at the clock and the event count every
// CHECK_EVERY events, so a scenario that would take hours, or a bug that
// makes events without advancing time, stops with one line. Fingerprints are
// unchanged: the same events fire in the same order.

import type { Engine } from '../engine/engine.js';
import { UserError } from '../scenario/errors.js';

export interface RunBudget {
  /** Events one run may fire (the drain after the scenario's end included). */
  maxEvents: number;
  /** Wall-clock time one run may take (ms). */
  maxWallMs: number;
}

/**
 * Defaults: the biggest shipped scenario (server-exit) fires 5.4M events in
 * ~2 minutes. SWAPLAB_MAX_EVENTS and SWAPLAB_MAX_WALL_S override them, also
 * inside sweep worker threads.
 */
export function defaultRunBudget(env: NodeJS.ProcessEnv = process.env): RunBudget {
  return {
    maxEvents: positiveOr(env['SWAPLAB_MAX_EVENTS'], 50_000_000),
    maxWallMs: positiveOr(env['SWAPLAB_MAX_WALL_S'], 600) * 1000,
  };
}

function positiveOr(text: string | undefined, fallback: number): number {
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The message starts with this, so it is recognised after crossing a worker thread. */
export const BUDGET_MESSAGE_PREFIX = 'run stopped: ';

export class RunBudgetError extends UserError {
  override name = 'RunBudgetError';
}

const CHECK_EVERY = 4096;

/** Engine.run(untilNs) under a budget; `wallStartMs` is performance.now() when the run began. */
export function runWithinBudget(engine: Engine, untilNs: number, budget: RunBudget, wallStartMs: number): void {
  let sinceCheck = 0;
  while (engine.step(untilNs)) {
    if (++sinceCheck < CHECK_EVERY) continue;
    sinceCheck = 0;
    checkBudget(engine, budget, wallStartMs);
  }
  checkBudget(engine, budget, wallStartMs);
  if (Number.isFinite(untilNs) && untilNs > engine.nowNs) engine.nowNs = untilNs;
}

function checkBudget(engine: Engine, budget: RunBudget, wallStartMs: number): void {
  const at = () => `at simulated ${(engine.nowNs / 1e6).toFixed(1)} ms`; // built only for the error
  if (engine.eventsProcessed > budget.maxEvents) {
    throw new RunBudgetError(`${BUDGET_MESSAGE_PREFIX}more than ${budget.maxEvents} events ${at()} (SWAPLAB_MAX_EVENTS raises the budget)`);
  }
  const wallMs = performance.now() - wallStartMs;
  if (wallMs > budget.maxWallMs) {
    throw new RunBudgetError(`${BUDGET_MESSAGE_PREFIX}took more than ${budget.maxWallMs / 1000} s of wall-clock time ${at()} (SWAPLAB_MAX_WALL_S raises the budget)`);
  }
}
