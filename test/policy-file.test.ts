// A policy written as one file outside the project runs through the CLI
// with --policy <file>, and no file of the project is touched (issue 9).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/scenario/loader.js';

const root = projectRoot();
const api = join(root, 'dist', 'src', 'policies', 'api.js');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

/** A policy that frees every run at once but counts its calls in vmstat (so the test sees it ran). */
const policySource = (typed: boolean) => `
import { definePolicy, freeSwapRunsSync, z${typed ? ', type SwapRuns' : ''} } from ${JSON.stringify(api)};
export default definePolicy({
  name: 'counting-sync',
  summary: 'sync, counting the runs it frees',
  source: 'test/policy-file.test.ts',
  options: z.strictObject({ label: z.string().default('runs') }),
  create: (o${typed ? ': { label: string }' : ''}) => ({
    name: 'counting-sync',
    *zapSwapRuns(K${typed ? ': any' : ''}, k${typed ? ': any' : ''}, tlb${typed ? ': any' : ''}, runs${typed ? ': SwapRuns' : ''}) {
      K.vmstat.count('counting_sync_' + o.label, runs.length);
      yield* freeSwapRunsSync(K, k, tlb.task, runs);
    },
  }),
});
`;

function runJson(args: string[]): { policy: string; metrics: Record<string, number>; vmstat: Record<string, number> } {
  return JSON.parse(execFileSync(process.execPath, [cli, ...args], { cwd: tmpdir(), encoding: 'utf8' })) as never;
}

describe('a policy from a file outside the project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swaplab-policy-'));
  const sync = runJson(['run', 'exit-one', '--policy', 'sync', '--seed', '2', '--json']);
  for (const ext of ['ts', 'mjs'] as const) {
    it(`runs from a .${ext} file and frees exactly what sync frees`, () => {
      const file = join(dir, `counting-sync.${ext}`);
      writeFileSync(file, policySource(ext === 'ts'));
      const out = runJson(['run', 'exit-one', '--policy', file, '--seed', '2', '--json']);
      expect(out.policy).toBe(file);
      expect(out.vmstat['counting_sync_runs']).toBeGreaterThan(0);
      expect(out.metrics['swap_entries_leaked']).toBe(0);
      expect(out.metrics['swap_entries_freed']).toBe(sync.metrics['swap_entries_freed']);
    });
  }
});
