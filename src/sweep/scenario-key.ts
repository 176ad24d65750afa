// Stable identity of "this scenario under this code": the results store keys
// runs by it, so editing the scenario or releasing a new version never
// serves stale results, while key order in the scenario file does not matter.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * JSON with object keys sorted (by code unit) at every depth. Like
 * JSON.stringify, undefined-valued properties are dropped; non-finite
 * numbers become null.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return sortKeys((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map(sortKeys);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}

let cachedVersion: string | undefined;

/**
 * "swaplab@<version>" from the project's package.json. Searched upwards from
 * this module because the compiled copy lives deeper (dist/src/sweep/).
 */
export function codeVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'swaplab' && typeof pkg.version === 'string') {
        // The model's code and calibration are part of the key: a stored result from other code is never reused.
        return (cachedVersion = `swaplab@${pkg.version}+${modelHash(dir)}`);
      }
    } catch {
      // no (readable) package.json here: keep climbing
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('codeVersion: swaplab package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** sha256 over the model source files (every .ts under src) and the calibration files, 12 hex digits. */
function modelHash(root: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|yaml)$/.test(n)) h.update(p.slice(root.length)).update(readFileSync(p));
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'calibration'));
  return h.digest('hex').slice(0, 12);
}

/** sha256 (hex) of the canonical scenario JSON together with the code version. */
export function scenarioKey(scenario: unknown, version: string = codeVersion()): string {
  return createHash('sha256').update(canonicalJson({ scenario, version })).digest('hex');
}

/** sha256 of the canonical scenario JSON alone (no code version), 16 hex digits: the same scenario across builds. */
export function scenarioHash(scenario: unknown): string {
  return createHash('sha256').update(canonicalJson(scenario)).digest('hex').slice(0, 16);
}
