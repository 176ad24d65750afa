// Rewrites test/golden/fingerprints.json: `npm run golden -- --reason "why they changed"`.
// Prints each fingerprint that changed; put the same reason in the commit message.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { goldenCases, goldenKey, goldenRun, type GoldenFile } from '../src/sim/golden.js';
import { projectRoot } from '../src/scenario/loader.js';

const { values } = parseArgs({ options: { reason: { type: 'string' } } });
if (!values.reason || values.reason.trim() === '') {
  console.error('golden: --reason "why the fingerprints change" is required');
  process.exit(2);
}
const file = join(projectRoot(), 'test', 'golden', 'fingerprints.json');
let before = new Map<string, string>();
try {
  const old = JSON.parse(readFileSync(file, 'utf8')) as GoldenFile;
  before = new Map(old.runs.map((r) => [goldenKey(r), r.fingerprint]));
} catch {
  /* first write */
}
const runs = goldenCases().map((c) => goldenRun(c));
let changed = 0;
for (const r of runs) {
  const was = before.get(goldenKey(r));
  if (was !== r.fingerprint) {
    changed++;
    console.log(`${goldenKey(r)}: ${was ?? '(new)'} -> ${r.fingerprint}`);
  }
}
const out: GoldenFile = { reason: values.reason.trim(), runs };
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`${runs.length} golden runs, ${changed} changed; commit with the reason: ${out.reason}`);
