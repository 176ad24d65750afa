// Every shipped scenario x policy at seed 1 must give its committed
// fingerprint. A difference is a behaviour change: if it is intended, run
// `npm run golden -- --reason "..."` and give the same reason in the commit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/scenario/loader.js';
import { goldenCases, goldenKey, goldenRun, type GoldenFile } from '../src/sim/golden.js';
import { yieldToRunner } from './helpers.js';

const golden = JSON.parse(readFileSync(join(projectRoot(), 'test', 'golden', 'fingerprints.json'), 'utf8')) as GoldenFile;

describe('golden fingerprints', () => {
  it('cover every shipped scenario x policy', () => {
    expect(golden.runs.map(goldenKey).sort()).toEqual(goldenCases().map(goldenKey).sort());
  });
  for (const g of golden.runs) {
    it(goldenKey(g), async () => {
      await yieldToRunner();
      const now = goldenRun(g);
      expect({ fingerprint: now.fingerprint, events: now.events }, 'behaviour changed: npm run golden -- --reason "..."').toEqual({ fingerprint: g.fingerprint, events: g.events });
    });
  }
});
