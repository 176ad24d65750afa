// Golden fingerprints (DESIGN.md "Validation"): the fingerprint of every
// shipped scenario x policy at seed 1. A change to any of them is a
// behaviour change and needs a reason; `npm run golden -- --reason "..."`
// rewrites test/golden/fingerprints.json, and test/golden-fingerprints.test.ts
// fails on any difference.

import { POLICY_NAMES } from '../policies/registry.js';
import { listShippedScenarios, loadScenario } from '../scenario/loader.js';
import { runScenario } from './run.js';

export interface GoldenCase {
  scenario: string;
  policy: string;
  seed: number;
  /** Overrides that shrink a scenario too large for every test run (named in the file). */
  sets: string[];
}

export interface GoldenEntry extends GoldenCase {
  fingerprint: string;
  events: number;
}

export interface GoldenFile {
  /** Why the fingerprints last changed (also said in the commit that changed them). */
  reason: string;
  runs: GoldenEntry[];
}

/** server-exit as shipped runs ~35 s and 0.9 GB: the golden run keeps its shape at 2 processes of 256 MiB. */
const SHRINK: Record<string, string[]> = {
  'server-exit': ['processes=2', 'swap_mib=256'],
};

export function goldenCases(): GoldenCase[] {
  const out: GoldenCase[] = [];
  for (const { name } of listShippedScenarios()) {
    for (const policy of POLICY_NAMES) out.push({ scenario: name, policy, seed: 1, sets: SHRINK[name] ?? [] });
  }
  return out;
}

export function goldenRun(c: GoldenCase): GoldenEntry {
  const rec = runScenario(loadScenario(c.scenario, c.sets), { policy: c.policy, seed: c.seed });
  return { ...c, fingerprint: rec.output.fingerprint, events: rec.output.metrics.events };
}

export function goldenKey(c: GoldenCase): string {
  return `${c.scenario} ${c.policy} seed ${c.seed}${c.sets.length ? ' ' + c.sets.join(' ') : ''}`;
}
