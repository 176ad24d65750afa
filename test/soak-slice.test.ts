// The CI slice of the soak (npm run soak:slice): seed 1 of every matrix
// variant of the small shipped scenarios and the first few hundred inputs of
// the fuzz streams, which must show no crash, hang or memory blow-up. Plus
// the harness's own behaviour: bounds that kill, classification by exit code.
// The runners are the compiled dist/soak/runner-child.js: `npm test` builds first.
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_VERSIONS } from '../src/scenario/schema.js';
import { checkInputs, runInputs } from '../soak/fuzz-inputs.js';
import { optionsFromArgs, SLICE } from '../soak/main.js';
import { soakMatrix } from '../soak/matrix.js';
import { classifyProcessEnd, isUserError } from '../soak/outcome.js';
import { RunnerPool } from '../soak/runner-pool.js';
import { leafPaths } from '../soak/schema-arbitraries.js';
import { recreateFileCommand } from '../soak/shell.js';
import { runSoak } from '../soak/soak.js';
import { ScenarioError } from '../src/scenario/errors.js';
import { SimulationError } from '../src/engine/engine.js';
import { SHIPPED_POLICIES } from '../src/policies/registry.js';

describe('soak harness', () => {
  it('classifies a CLI exit by code, message and the bounds', () => {
    const end = { code: 0, signal: null, timedOut: false, overMemory: false, stderr: '' };
    expect(classifyProcessEnd(end)).toBe('accepted');
    expect(classifyProcessEnd({ ...end, code: 2, stderr: 'swaplab: --set apps.count: must be >= 0' })).toBe('rejected');
    expect(classifyProcessEnd({ ...end, code: 70 })).toBe('crash');
    expect(classifyProcessEnd({ ...end, code: 1 })).toBe('crash');
    expect(classifyProcessEnd({ ...end, code: null, signal: 'SIGKILL', timedOut: true })).toBe('hang');
    expect(classifyProcessEnd({ ...end, code: 134, stderr: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' })).toBe('over-memory');
  });

  it('treats scenario mistakes as rejected input and invariant violations as bugs', () => {
    expect(isUserError(new ScenarioError('x.yaml', 'bad'))).toBe(true);
    expect(isUserError(new SimulationError('zram-double-free', 'slot 1'))).toBe(false);
    expect(isUserError(new RangeError('Invalid typed array length'))).toBe(false);
  });

  it('kills a runner past its bounds, reports it, and goes on with a fresh one', async () => {
    const pool = new RunnerPool(1, { timeoutMs: 3000, maxRssMib: 400 });
    try {
      // server-exit as shipped runs ~35 s and grows to ~0.9 GB: far beyond these bounds.
      const blown = await pool.run({ id: 1, kind: 'run', name: 'server-exit', policy: 'sync', seed: 1, sets: [] });
      expect(['hang', 'over-memory']).toContain(blown.outcome);
      const next = await pool.run({ id: 2, kind: 'check', name: 'exit-one', sets: [] });
      expect(next.outcome).toBe('accepted');
      const rejected = await pool.run({ id: 3, kind: 'check', name: 'exit-one', sets: ['apps.count=-1'] });
      expect(rejected.outcome).toBe('rejected');
      expect(rejected.message).toMatch(/apps\.count/);
    } finally {
      await pool.close();
    }
  });

  it('derives fuzz paths from the schema and draws the same inputs for the same seed', () => {
    const paths = leafPaths().map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['apps.count', 'lmkd.poll_ms', 'platform.cpus.#.count', 'apps.anon_mib.1', 'kernel.version']));
    expect(checkInputs(50, 7)).toEqual(checkInputs(50, 7));
    expect(runInputs(20, 7)).toEqual(runInputs(20, 7));
    expect(checkInputs(50, 7)).not.toEqual(checkInputs(50, 8));
  });

  it('covers every policy variant, preset and reaper in the matrix', () => {
    const runs = soakMatrix([1], ['camera-launch', 'exit-one']);
    // A variant per policy, plus one per boolean option flipped (async-global-list's forced_release...).
    const variants = SHIPPED_POLICIES.reduce((n, m) => n + 1 + Object.values(m.options.parse({}) as Record<string, unknown>).filter((v) => typeof v === 'boolean').length, 0);
    expect(variants).toBeGreaterThan(SHIPPED_POLICIES.length);
    // camera-launch: variants x presets x 2 reapers; exit-one has no LMKD: x 1.
    const presets = KERNEL_VERSIONS.options.length;
    expect(runs.filter((r) => r.scenario === 'camera-launch')).toHaveLength(variants * presets * 2);
    expect(runs.filter((r) => r.scenario === 'exit-one')).toHaveLength(variants * presets);
    expect(runs.some((r) => r.sets.includes('kernel.policy_options.async-global-list.forced_release=true'))).toBe(true);
    expect(new Set(runs.map((r) => r.sets.find((s) => s.startsWith('kernel.version='))))).toEqual(new Set(KERNEL_VERSIONS.options.map((v) => `kernel.version=${v}`)));
  });
});

describe('soak slice', () => {
  it('runs the fixed-seed slice with no crash, hang or memory blow-up', async () => {
    const { soak } = optionsFromArgs(['--slice']);
    const summary = await runSoak(soak);
    const count = (stage: string) => summary.stages.find((s) => s.stage === stage)?.inputs ?? 0;
    expect(count('matrix')).toBe(soakMatrix([1], SLICE.scenarios).length);
    expect(count('check') + count('check-cli') + count('run') + count('run-cli')).toBe(SLICE.checkInputs + SLICE.cliCheckInputs + SLICE.runInputs + SLICE.cliRunInputs);
    // Listed with their reproduce commands, so a red CI says what to run.
    const failures = summary.failures.map((f) => `[${f.stage}] ${f.result.outcome}: ${f.result.message}\n    $ ${f.reproduce}`);
    expect(failures).toEqual([]);
  }, 1_800_000);
});

describe('soak reproduce commands', () => {
  it('recreate a fuzzed document byte for byte (text through printf, binary through base64)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-repro-'));
    try {
      const docs = [...checkInputs(60, 3).flatMap((i) => (i.text !== undefined ? [i.text] : [])), 'name: it\'s\n  "quoted" $HOME `x` \\n\n', 'a\u0000b\u0007'];
      for (const [i, text] of docs.entries()) {
        const file = join(dir, `doc-${i}.yaml`);
        execSync(recreateFileCommand(text, file), { shell: '/bin/sh' });
        const back = readFileSync(file, 'utf8');
        // printf ends the last line with a newline; YAML reads both the same.
        expect(back === text || back === `${text}\n`).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
