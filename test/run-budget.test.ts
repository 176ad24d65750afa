// A run's wall-clock and event budget: it stops with a one-line user error,
// and stepping the engine under a budget fires the same events as Engine.run.
import { describe, expect, it } from 'vitest';
import { RunCollector } from '../src/metrics/collector.js';
import { UserError } from '../src/scenario/errors.js';
import { loadScenario } from '../src/scenario/loader.js';
import { buildSimulation } from '../src/sim/build.js';
import { defaultRunBudget, RunBudgetError } from '../src/sim/budget.js';
import { runScenario } from '../src/sim/run.js';

const scenario = () => loadScenario('camera-launch', ['duration_ms=600', 'apps.count=6']);

describe('run budget', () => {
  it('stops at the event budget with one line', () => {
    let err: unknown;
    try {
      runScenario(scenario(), { policy: 'sync', seed: 1, budget: { maxEvents: 5000, maxWallMs: 600_000 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RunBudgetError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^run stopped: more than 5000 events at simulated [\d.]+ ms \(SWAPLAB_MAX_EVENTS raises the budget\)$/);
  });

  it('stops at the wall-clock budget', () => {
    expect(() => runScenario(scenario(), { policy: 'sync', seed: 1, budget: { maxEvents: 1e12, maxWallMs: 0 } })).toThrow(/^run stopped: took more than 0 s of wall-clock time/);
  });

  it('fires the same events as Engine.run: same fingerprint', () => {
    const sc = scenario();
    const sim = buildSimulation(sc, 'async-mmu-gather', 3);
    new RunCollector(sim.K); // as runSimulation does: its sampling events are part of the run
    sim.K.engine.run(sc.duration_ms * 1e6);
    const budgeted = runScenario(sc, { policy: 'async-mmu-gather', seed: 3 });
    expect(budgeted.output.fingerprint).toBe(sim.K.engine.fingerprint.hex());
  });

  it('defaults, and the environment overrides them', () => {
    expect(defaultRunBudget({})).toEqual({ maxEvents: 50_000_000, maxWallMs: 600_000 });
    expect(defaultRunBudget({ SWAPLAB_MAX_EVENTS: '1000', SWAPLAB_MAX_WALL_S: '2.5' })).toEqual({ maxEvents: 1000, maxWallMs: 2500 });
    expect(defaultRunBudget({ SWAPLAB_MAX_EVENTS: 'lots', SWAPLAB_MAX_WALL_S: '-1' })).toEqual({ maxEvents: 50_000_000, maxWallMs: 600_000 });
  });
});
