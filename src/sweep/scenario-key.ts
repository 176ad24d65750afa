// Stable identity of "this scenario under this code": the results store keys
// runs by it, so editing the scenario or releasing a new version never
// serves stale results, while key order in the scenario file does not matter.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
      if (pkg.name === 'swaplab' && typeof pkg.version === 'string') return (cachedVersion = `swaplab@${pkg.version}`);
    } catch {
      // no (readable) package.json here: keep climbing
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('codeVersion: swaplab package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** sha256 (hex) of the canonical scenario JSON together with the code version. */
export function scenarioKey(scenario: unknown, version: string = codeVersion()): string {
  return createHash('sha256').update(canonicalJson({ scenario, version })).digest('hex');
}
