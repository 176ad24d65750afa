// The scenario fields a command overrides with --set (or a sweep's --grid),
// with their values as the loaded scenario holds them (typed: numbers,
// booleans, strings), for the results store's param_* columns.
import type { Scenario } from '../scenario/schema.js';

/** `apps.count=20` -> { 'apps.count': 20 }; a later --set of the same path wins, as it does in the scenario. */
export function overriddenParams(scenario: Scenario, sets: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) continue; // loadScenario already refused it
    const path = set.slice(0, eq).trim();
    out[path] = valueAt(scenario, path);
  }
  return out;
}

function valueAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
