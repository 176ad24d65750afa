// A dashboard request (POST /api/runs, POST /api/command-line): its shape is
// checked here before any work starts; field values are left to the scenario
// schema (loadScenario). The same parsed request gives the `--set` arguments
// the server runs with and the command line the page shows, so the two
// cannot disagree.
import { parse as parseYaml } from 'yaml';
import { listShippedScenarios } from '../scenario/loader.js';
import { MAX_SEED, MAX_SETS } from '../scenario/limits.js';
import { POLICY_NAMES } from '../scenario/schema.js';

// A sweep is policies × seeds runs; cap it so one request cannot queue days of work.
export const MAX_JOBS = 2000;
/** A value is a scalar, a list or a custom object (platform); its JSON is at most this long. */
const MAX_VALUE_JSON_CHARS = 4096;

const REQUEST_FIELDS = ['scenario', 'set', 'policies', 'seeds'];

export interface RunRequest {
  scenario: string;
  /** Fields the user changed, path -> value as JSON gave it. */
  overrides: Record<string, unknown>;
  /** The same overrides as `--set path=value` arguments. */
  sets: string[];
  policies: string[];
  seeds: number[];
}

/**
 * Check the shape of a request body. The scenario must be a shipped name:
 * loadScenario also takes file paths, which a remote caller must not choose.
 */
export function parseRunRequest(body: unknown): RunRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('expected a JSON object body');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((k) => !REQUEST_FIELDS.includes(k));
  if (unknown !== undefined) throw new Error(`unknown field ${JSON.stringify(unknown)} (known: ${REQUEST_FIELDS.join(', ')})`);
  const shipped = listShippedScenarios().map((s) => s.name);
  if (typeof b['scenario'] !== 'string' || !shipped.includes(b['scenario'])) {
    throw new Error(`scenario: expected one of ${shipped.join(', ')}`);
  }
  const setObj = b['set'] ?? {};
  if (typeof setObj !== 'object' || setObj === null || Array.isArray(setObj)) throw new Error('set: expected an object of path: value');
  const entries = Object.entries(setObj as Record<string, unknown>);
  if (entries.length > MAX_SETS) throw new Error(`set: ${entries.length} fields; at most ${MAX_SETS}`);
  for (const [path, value] of entries) {
    if (path.length > 200) throw new Error('set: field path longer than 200 characters');
    // Policy names have hyphens: kernel.policy_options.async-global-list.forced_release.
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(path)) throw new Error(`set: bad field path ${JSON.stringify(path)}`);
    if (!isSettableValue(value)) throw new Error(`set ${path}: expected a number, string, boolean, list or object (at most ${MAX_VALUE_JSON_CHARS} characters of JSON)`);
  }
  const policies = b['policies'];
  if (!Array.isArray(policies) || policies.length === 0 || !policies.every((p) => typeof p === 'string' && POLICY_NAMES.includes(p))) {
    throw new Error(`policies: expected a non-empty list of ${POLICY_NAMES.join(', ')}`);
  }
  const seeds = b['seeds'];
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.length > MAX_JOBS || !seeds.every((s) => Number.isInteger(s) && s >= 0 && s <= MAX_SEED)) {
    throw new Error(`seeds: expected a non-empty list of at most ${MAX_JOBS} integers 0..${MAX_SEED}`);
  }
  if (policies.length > POLICY_NAMES.length * 4) throw new Error('policies: too many entries');
  const jobs = new Set(policies).size * new Set(seeds).size;
  if (jobs > MAX_JOBS) throw new Error(`too many runs: ${jobs} (policies × seeds), at most ${MAX_JOBS}`);
  return {
    scenario: b['scenario'],
    overrides: Object.fromEntries(entries),
    sets: entries.map(([path, value]) => setArgument(path, value)),
    policies: policies as string[],
    seeds: seeds as number[],
  };
}

function isSettableValue(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'boolean') return true;
  if (typeof value === 'string') return value.length <= 200;
  if (typeof value === 'object' && value !== null) {
    // JSON.stringify turns NaN/Infinity into null, which the schema refuses: no need to walk the value.
    const json = JSON.stringify(value);
    return json.length <= MAX_VALUE_JSON_CHARS;
  }
  return false;
}

/**
 * `path=value` as `--set` reads it (the value is YAML). A string stays bare
 * when YAML reads it back as the same string (`lmkd.reaper=setprio`), else it
 * goes quoted (`kernel.version="6.12"`, which bare would be the number 6.12).
 * Lists and objects go as JSON, which is YAML flow syntax.
 */
export function setArgument(path: string, value: unknown): string {
  if (typeof value === 'string' && value !== '' && readsBackAs(value)) return `${path}=${value}`;
  return `${path}=${JSON.stringify(value)}`;
}

function readsBackAs(text: string): boolean {
  try {
    return parseYaml(text) === text;
  } catch {
    return false;
  }
}

/** The arguments of `swaplab compare` that run the same sweep (after `swaplab`). */
export function compareArgv(req: RunRequest): string[] {
  return ['compare', req.scenario, '--policies', req.policies.join(','), '--seeds', seedsArgument(req.seeds), ...req.sets.flatMap((s) => ['--set', s])];
}

/** `N` for seeds 1..N (the dashboard's choice), else the list. */
function seedsArgument(seeds: readonly number[]): string {
  return seeds.every((s, i) => s === i + 1) ? String(seeds.length) : seeds.join(',');
}
