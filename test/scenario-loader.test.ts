import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/scenario/errors.js';
import { scenarioJsonSchema } from '../src/scenario/export-json-schema.js';
import { listShippedScenarios, loadScenario, projectRoot, scenarioFromText } from '../src/scenario/loader.js';
import { POLICY_NAMES, ScenarioSchema } from '../src/scenario/schema.js';

const FILE = 'scenarios/x.yaml';

/** The one-line error a text (plus --set overrides) produces. */
function errorOf(text: string, sets: string[] = []): ScenarioError {
  try {
    scenarioFromText(text, FILE, sets);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    const err = e as ScenarioError;
    expect(err.format()).not.toContain('\n');
    expect(err.format()).not.toMatch(/\bat .*\.ts:\d+/); // no stack frames
    expect(err.message).toBe(err.format());
    return err;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario errors point at file:line:column', () => {
  it('unknown field: at the key, listing the known ones', () => {
    const e = errorOf('apps:\n  count: 3\n  cuont: 4\n');
    expect(e.format()).toMatch(/^scenarios\/x\.yaml:3:3: apps\.cuont: unknown field; did you mean "count"\? \(known: count, anon_mib,/);
  });

  it('unknown top-level field', () => {
    expect(errorOf('name: a\nswp_mib: 3\n').format()).toMatch(/^scenarios\/x\.yaml:2:1: swp_mib: unknown field/);
  });

  it('wrong type', () => {
    expect(errorOf('apps:\n  count: lots\n').format()).toBe('scenarios/x.yaml:2:10: apps.count: expected number, received string');
  });

  it('non-integer where an integer is needed', () => {
    expect(errorOf('seed: 1.5\n').format()).toBe('scenarios/x.yaml:1:7: seed: expected integer, got 1.5');
  });

  it('negative size', () => {
    expect(errorOf('swap_mib: -1\n').format()).toBe('scenarios/x.yaml:1:11: swap_mib: must be >= 0, got -1');
  });

  it('unknown policy name', () => {
    expect(errorOf('kernel:\n  policy: fast\n').format()).toBe(`scenarios/x.yaml:2:11: kernel.policy: unknown policy "fast" (known: ${POLICY_NAMES.join(', ')})`);
  });

  it('unknown kernel preset', () => {
    expect(errorOf('kernel:\n  version: "5.10"\n').format()).toBe('scenarios/x.yaml:2:12: kernel.version: unknown kernel version "5.10" (known: 6.6-android, 6.6, 6.12, 6.18, swap-table)');
  });

  it('unknown platform', () => {
    expect(errorOf('platform: tablet\n').format()).toBe('scenarios/x.yaml:1:11: platform: unknown platform "tablet" (known: phone-8core, server-2node-128cpu, phone-8gb, phone-16gb, quad-equal)');
  });

  it('custom platform: missing required field points at the parent map', () => {
    expect(errorOf('platform:\n  ram_mib: 100\n').format()).toBe('scenarios/x.yaml:2:3: platform.cpus: required field is missing');
  });

  it('custom platform: errors inside the map form are reported, not a vague union error', () => {
    const text = 'platform:\n  cpus:\n    - capacity: 2000\n      cluster: big\n  ram_mib: 100\n';
    expect(errorOf(text).format()).toBe('scenarios/x.yaml:3:17: platform.cpus.0.capacity: must be <= 1024, got 2000');
  });

  it('enumerated numbers', () => {
    expect(errorOf('launch:\n  frame_hz: 90\n').format()).toBe('scenarios/x.yaml:2:13: launch.frame_hz: expected one of 60, 120, got 90');
  });

  it('inverted range', () => {
    expect(errorOf('apps:\n  anon_mib: [500, 200]\n').format()).toMatch(/^scenarios\/x\.yaml:2:13: apps\.anon_mib: .*min <= max/);
  });

  it('cross-field check', () => {
    expect(errorOf('memory:\n  watermark_low_mib: 10\n').format()).toBe('scenarios/x.yaml:2:22: memory.watermark_low_mib: must be >= watermark_min_mib (64)');
  });

  it('malformed YAML: the position from the parser', () => {
    const e = errorOf('apps:\n  count: 3\n   bad: [1, 2\n');
    expect(e.file).toBe(FILE);
    expect(e.line).toBeGreaterThanOrEqual(2);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.format()).toMatch(/^scenarios\/x\.yaml:\d+:\d+: \S/);
  });

  it('duplicate keys are an error', () => {
    expect(errorOf('seed: 1\nseed: 2\n').format()).toMatch(/^scenarios\/x\.yaml:2:1: .*unique/);
  });

  it('a top level that is not a map', () => {
    expect(errorOf('- 1\n').format()).toBe('scenarios/x.yaml:1:1: expected a map of scenario fields at the top level');
  });
});

describe('--set errors name the override', () => {
  it('non-existent path lists the known fields', () => {
    expect(errorOf('', ['foo.bar=1']).format()).toMatch(/^--set foo\.bar: no such field \(known: name, description, /);
    expect(errorOf('', ['kernel.polcy=sync']).format()).toMatch(/^--set kernel\.polcy: no such field; did you mean "policy"\? \(known: version, policy, /);
    expect(errorOf('', ['apps.count.x=1']).format()).toBe('--set apps.count.x: no such field (apps.count has no fields)');
  });

  it('wrong type', () => {
    const e = errorOf('apps:\n  count: 3\n', ['apps.count=many']);
    expect(e.format()).toBe('--set apps.count: expected number, received string');
    expect(e.line).toBeUndefined();
  });

  it('unknown policy from --set', () => {
    expect(errorOf('', ['kernel.policy=fast']).format()).toMatch(/^--set kernel\.policy: unknown policy "fast"/);
  });

  it('missing =', () => {
    expect(errorOf('', ['apps.count']).format()).toMatch(/^--set: expected path=value/);
  });
});

describe('loading files', () => {
  it('missing file names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swaplab-'));
    const file = join(dir, 'nope.yaml');
    try {
      loadScenario(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).format()).toBe(`${file}: no such file`);
    }
  });

  it('unknown shipped name lists the shipped ones', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/^no-such-scenario: no such file or shipped scenario \(shipped: camera-launch, /);
  });

  it('a file path loads and its base name is the default name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swaplab-'));
    const file = join(dir, 'my-case.yaml');
    writeFileSync(file, 'apps:\n  count: 2\n');
    const s = loadScenario(file);
    expect(s.name).toBe('my-case');
    expect(s.apps.count).toBe(2);
  });

  it('errors in a file carry its label', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swaplab-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, '# comment\nswap_mib: -5\n');
    expect(() => loadScenario(file)).toThrow(`${file}:2:11: swap_mib: must be >= 0, got -5`);
  });
});

describe('shipped scenarios', () => {
  const shipped = listShippedScenarios();

  it('are the expected set, each with a description', () => {
    expect(shipped.map((s) => s.name)).toEqual(['camera-launch', 'camera-launch-8gb', 'continuous-launch', 'exit-one', 'munmap-concurrent', 'quiet', 'server-exit']);
    for (const s of shipped) expect(s.description).not.toBe('');
  });

  it.each(shipped.map((s) => s.name))('%s loads, names itself and points editors at the schema', (name) => {
    const s = loadScenario(name);
    expect(s.name).toBe(name);
    const text = readFileSync(join(projectRoot(), 'scenarios', `${name}.yaml`), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./scenario.schema.json');
  });

  it('have the intended shape', () => {
    const cam = loadScenario('camera-launch');
    expect([cam.platform, cam.kernel.version, cam.apps.count, cam.lmkd.reaper, cam.processes]).toEqual(['phone-8core', '6.6-android', 20, 'mrelease', 0]);
    expect(cam.launch.enabled).toBe(true);
    const one = loadScenario('exit-one');
    expect([one.apps.count, one.launch.enabled, one.lmkd.enabled, one.load.share, one.processes, one.swap_mib]).toEqual([0, false, false, 0, 1, 400]);
    expect(one.duration_ms).toBe(2000);
    const mm = loadScenario('munmap-concurrent');
    expect([mm.mode, mm.mthp_kib, mm.swap_mib, mm.processes]).toEqual(['munmap', 64, 1024, 1]);
    const quiet = loadScenario('quiet');
    expect([quiet.memory.free_mib, quiet.apps.count, quiet.launch.enabled]).toEqual([8000, 10, true]);
  });
});

describe('defaults and --set', () => {
  it('an empty file is all defaults', () => {
    const s = scenarioFromText('', 'scenarios/empty.yaml');
    expect(s.name).toBe('empty');
    expect(s).toEqual(ScenarioSchema.parse({ name: 'empty' }));
    expect(s.duration_ms).toBe(4000);
    expect(s.platform).toBe('phone-8core');
    expect(s.kernel).toMatchObject({ version: '6.6-android', policy: 'sync', compression_ratio: 2.8 });
    expect(s.memory).toEqual({ watermark_min_mib: 64, watermark_low_mib: 256, watermark_high_mib: 320, free_mib: 600, page_cache_mib: 300 });
    expect(s.apps.anon_mib).toEqual([200, 500]);
    expect(s.launch.frame_hz).toBe(60);
    expect(s.mode).toBe('exit');
  });

  it('defaults fill in around the fields a file sets', () => {
    const s = scenarioFromText('kernel:\n  policy: async-global-list\n', FILE);
    expect(s.kernel.policy).toBe('async-global-list');
    expect(s.kernel.rt_throttling).toBe(true);
    expect(s.lmkd.minfree_mib).toBe(400);
  });

  it('--set changes values, parsing numbers, booleans and lists', () => {
    const s = loadScenario('camera-launch', ['kernel.policy=async-mmu-gather', 'apps.count=20', 'load.share=0.6', 'lmkd.enabled=false', 'apps.anon_mib=[100, 300]', 'name=custom']);
    expect(s.kernel.policy).toBe('async-mmu-gather');
    expect(s.apps.count).toBe(20);
    expect(s.load.share).toBe(0.6);
    expect(s.lmkd.enabled).toBe(false);
    expect(s.apps.anon_mib).toEqual([100, 300]);
    expect(s.name).toBe('custom');
  });

  it('--set reaches fields the file leaves at their defaults, and the last one wins', () => {
    const s = loadScenario('exit-one', ['kernel.policy_options.async-global-list.forced_release=true', 'seed=7', 'seed=9']);
    expect(s.kernel.policy_options['async-global-list']).toEqual({ forced_release: true });
    expect(s.seed).toBe(9);
  });

  it('--set can build a custom platform', () => {
    // 4 GiB of RAM has 2 GiB of zram: two apps' swap fits, the default 18 would not.
    const s = scenarioFromText('', FILE, ['platform.ram_mib=4096', 'platform.cpus=[{capacity: 1024, cluster: big, count: 4}]', 'apps.count=2']);
    expect(s.platform).toEqual({ ram_mib: 4096, cpus: [{ capacity: 1024, cluster: 'big', count: 4, node: 0 }] });
  });
});

describe('JSON Schema', () => {
  it('is what scenarios/scenario.schema.json holds', () => {
    const onDisk = JSON.parse(readFileSync(join(projectRoot(), 'scenarios', 'scenario.schema.json'), 'utf8'));
    expect(onDisk).toEqual(scenarioJsonSchema());
  });

  it('documents every field with a default and a description', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, { default?: unknown; description?: string }> };
    for (const [key, prop] of Object.entries(schema.properties)) {
      expect(prop.description, key).toBeTruthy();
      expect(prop.default, key).not.toBeUndefined();
    }
    expect(JSON.stringify(schema)).toContain('"additionalProperties":false');
  });
});
