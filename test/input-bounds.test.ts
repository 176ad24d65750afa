// Bounded inputs: every number has limits, --set cannot name a list element
// far past the end, YAML cannot blow up in size, aliases or keys, and what
// `check` accepts can be built and run (the same preflight runs in both).
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../src/scenario/errors.js';
import { MAX_SCENARIO_BYTES } from '../src/scenario/limits.js';
import { loadScenario, scenarioFromText } from '../src/scenario/loader.js';
import { ScenarioSchema } from '../src/scenario/schema.js';
import { runScenario } from '../src/sim/run.js';

/** The one-line message loading `text` with `sets` fails with. */
function refusal(load: () => unknown): string {
  try {
    load();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    const msg = (e as ScenarioError).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected the scenario to be refused');
}

const fromSets =
  (...sets: string[]) =>
  () =>
    loadScenario('exit-one', sets);
const fromText = (text: string) => () => scenarioFromText(text, 'x.yaml');

describe('numeric fields have upper and lower bounds', () => {
  it.each([
    ['lmkd.poll_ms=1e-6', /--set lmkd\.poll_ms: must be >= 1, got 0\.000001/],
    ['lmkd.psi_window_ms=0.5', /--set lmkd\.psi_window_ms: must be >= 1/],
    ['duration_ms=1e308', /--set duration_ms: must be <= 600000, got 1e\+308/],
    ['duration_ms=2147483648', /--set duration_ms: must be <= 600000/],
    ['apps.file_mib=10000000', /--set apps\.file_mib: must be <= 1048576/],
    ['apps.anon_mib=[0, 10000000]', /--set apps\.anon_mib: .*must be <= 1048576/],
    ['apps.count=1000', /--set apps\.count: must be <= 200/],
    ['load.threads=100000', /--set load\.threads: must be <= 512/],
    ['launch.frames=1e9', /--set launch\.frames: must be <= 10000/],
    ['seed=4294967296', /--set seed: must be <= 4294967295/],
    ['seed=-1', /--set seed: must be >= 0/],
    ['kernel.compression_ratio=1e6', /--set kernel\.compression_ratio: must be <= 16/],
  ])('%s is refused', (set, message) => {
    expect(refusal(fromSets(set))).toMatch(message);
  });

  it('a custom platform: RAM, CPUs per group and in all', () => {
    const cpus = (n: number) => `platform={cpus: [{capacity: 1024, cluster: big, count: ${n}}], ram_mib: 4096}`;
    expect(refusal(fromText('platform:\n  cpus: [{capacity: 1024, cluster: big}]\n  ram_mib: 10000000\n'))).toMatch(/^x\.yaml:3:12: platform\.ram_mib: must be <= 1048576/);
    expect(refusal(fromSets(cpus(200000)))).toMatch(/cpus\.0\.count: must be <= 512/);
    const two = 'platform={cpus: [{capacity: 1024, cluster: big, count: 300}, {capacity: 512, cluster: little, count: 300}], ram_mib: 4096}';
    expect(refusal(fromSets(two, 'apps.count=0'))).toMatch(/600 CPUs in all; at most 512/);
    expect(loadScenario('exit-one', [cpus(512)]).platform).toMatchObject({ ram_mib: 4096 });
  });
});

describe('--set list indices', () => {
  it('refuses an index far past the end at once, in one line', () => {
    expect(refusal(fromSets('platform.cpus.4294967294.count=1'))).toBe('--set platform.cpus.4294967294.count: index 4294967294 is beyond the end of platform.cpus (the list is empty: use index 0)');
  });

  it('may set an element or append one, nothing further', () => {
    const base = ['platform.ram_mib=4096', 'platform.cpus.0.capacity=1024', 'platform.cpus.0.cluster=big'];
    const s = loadScenario('exit-one', [...base, 'platform.cpus.1.capacity=512', 'platform.cpus.1.cluster=little']);
    expect(s.platform).toMatchObject({ cpus: [{ cluster: 'big' }, { cluster: 'little' }] });
    expect(refusal(fromSets(...base, 'platform.cpus.2.capacity=512'))).toMatch(/index 2 is beyond the end of platform\.cpus \(the list has 1 item: use 0\.\.1\)/);
  });
});

describe('YAML limits', () => {
  it('refuses an alias bomb with one line, not a ReferenceError', () => {
    const bomb = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    expect(refusal(fromText(bomb.join('\n')))).toMatch(/^x\.yaml: too many YAML aliases \(at most 100\)/);
  });

  it('refuses 40k keys (on lines, or in one flow map) without parsing for seconds', () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `  k${i}: 1`).join('\n');
    expect(refusal(fromText(`apps:\n${lines}\n`))).toMatch(/more than 10000 lines/);
    const flow = `apps: {${Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join(', ')}}`;
    expect(refusal(fromText(flow))).toMatch(/more than 10000 keys or list items/);
    // The node count still stands behind the cheap counts: 6000 list items in 6000 aliases-free values.
    const items = `description: x\napps:\n  anon_mib: [${Array.from({ length: 6000 }, () => '[1]').join(' ,')}]\n`;
    expect(refusal(fromText(items))).toMatch(/more than 10000 YAML nodes/);
  });

  it('refuses a document over the size limit, and /dev/zero, at once', () => {
    expect(refusal(fromText(`description: "${'x'.repeat(MAX_SCENARIO_BYTES)}"\n`))).toMatch(/larger than 1024 KiB/);
    expect(refusal(() => loadScenario('/dev/zero'))).toMatch(/^\/dev\/zero: larger than 1024 KiB/);
  });

  it('reports a duplicate key at the second one', () => {
    expect(refusal(fromText('apps:\n  count: 1\n  count: 2\n'))).toBe('x.yaml:3:3: duplicate key "count": map keys must be unique');
  });
});

describe('check refuses what run would fail on', () => {
  it('apps whose swap would fit by count but not in the holes low fragmentation leaves', () => {
    // ~4200 MiB of 6144 on average; runs of hundreds of slots, each n-aligned, waste a third of the device.
    expect(refusal(() => loadScenario('camera-launch', ['kernel.swap_fragmentation=0.0037']))).toMatch(/does not fit in the swap device .*swap_fragmentation 0\.0037/);
  });

  it('apps whose swap does not fit the zram device', () => {
    expect(refusal(fromSets('apps.count=60'))).toMatch(/^--set apps\.count: the processes' swap \(up to \d+ MiB\) does not fit in the swap device \(zram 6144 MiB/);
  });

  it('a calibration name that does not exist', () => {
    expect(refusal(fromSets('kernel.calibration=nope'))).toBe("--set kernel.calibration: calibration 'nope': no file calibration/nope.yaml");
  });

  it('a platform whose memory cannot hold the scenario', () => {
    const small = 'platform={cpus: [{capacity: 1024, cluster: big, count: 4}], ram_mib: 1024}';
    expect(refusal(fromSets(small, 'present_mib=1000'))).toMatch(/does not fit in RAM: 600 MiB free \+ up to \d+ MiB held .* > 1024 MiB of custom/);
  });

  it('run refuses the same scenarios with the same message, even when built without loadScenario', () => {
    const data = ScenarioSchema.parse({ name: 'big', processes: 1, swap_mib: 7000, present_mib: 0, apps: { count: 0 }, launch: { enabled: false } });
    expect(() => runScenario(data, { policy: 'sync', seed: 1 })).toThrow(/^scenario big: processes: the processes' swap \(up to 7000 MiB\) does not fit/);
  });

  it('the largest swap check accepts is built and run without swap-full', () => {
    // 6144 MiB of zram; the replay of the allocation (scenario/swap-fit.ts) keeps a 3% margin over the holes fragmentation leaves.
    const edge = ['swap_mib=5860', 'present_mib=0', 'duration_ms=1'];
    expect(refusal(fromSets('swap_mib=5870', 'present_mib=0'))).toMatch(/does not fit in the swap device \(zram 6144 MiB, less the holes swap_fragmentation 0\.9 leaves\)/);
    for (const seed of [1, 2]) {
      const rec = runScenario(loadScenario('exit-one', edge), { policy: 'sync', seed });
      expect(rec.output.metrics.swap_entries_leaked).toBe(0);
    }
  });
});
