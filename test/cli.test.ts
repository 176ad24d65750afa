// The command line as a user meets it: the --json output contract, and bad
// input answered by one clear line on stderr and a non-zero exit, never a
// stack trace. Runs the compiled CLI (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function swaplab(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CONTRACT_KEYS = [
  'exit_latency_ms',
  'memory_release_ms',
  'launch_ms',
  'preview_ms',
  'frames',
  'janky_frames',
  'cpu_ms_by_category',
  'cpu_busy_mean_pct',
  'free_mem_at_preview_mib',
  'deferred_entries_peak',
  'deferred_mib_peak',
  'held_after_exit_mib_ms',
  'unaccounted_cpu_ms',
  'lock_wait_ms',
  'cacheline_transfers',
  'cacheline_stall_ms',
  'swap_entries_freed',
  'swap_entries_leaked',
  'events',
  'wall_ms',
];

describe('swaplab run --json', () => {
  it('prints the whole output contract', () => {
    const r = swaplab('run', 'camera-launch', '--json', '--set', 'duration_ms=1500', '--seed', '2', '--policy', 'async-mmu-gather');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['scenario', 'policy', 'seed', 'kernel', 'fingerprint', 'metrics', 'vmstat']));
    expect(out.policy).toBe('async-mmu-gather');
    expect(out.seed).toBe(2);
    for (const k of CONTRACT_KEYS) expect(out.metrics, k).toHaveProperty(k);
    for (const k of ['count', 'mean', 'p50', 'p90', 'p99', 'max']) expect(out.metrics.exit_latency_ms).toHaveProperty(k);
    expect(out.metrics.swap_entries_leaked).toBe(0);
    expect(out.vmstat).toHaveProperty('zram_miss_free');
  });

  it('gives the same fingerprint for the same seed in two processes', () => {
    const a = JSON.parse(swaplab('run', 'exit-one', '--json', '--set', 'swap_mib=20').stdout);
    const b = JSON.parse(swaplab('run', 'exit-one', '--json', '--set', 'swap_mib=20').stdout);
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swaplab-cli-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown field', ['check', file('unknown.yaml', 'apps:\n  count: 3\n  colour: red\n')], /unknown\.yaml:3:3: .*colour/],
    ['wrong type', ['check', file('type.yaml', 'apps:\n  count: many\n')], /type\.yaml:2:10: apps\.count: .*number/],
    ['negative size', ['check', file('neg.yaml', 'swap_mib: -1\n')], /neg\.yaml:1:11: swap_mib: .*>=\s*0/],
    ['unknown policy in a file', ['check', file('pol.yaml', 'kernel:\n  policy: lazy\n')], /pol\.yaml:2:11: kernel\.policy: unknown policy "lazy"/],
    ['unknown kernel preset', ['check', file('ver.yaml', 'kernel:\n  version: "5.4"\n')], /ver\.yaml:2:12: kernel\.version: unknown kernel version "5\.4"/],
    ['malformed YAML', ['check', file('bad.yaml', 'apps: [1, 2\n')], /bad\.yaml:\d+:\d+: /],
    ['missing file', ['run', join(dir, 'nope.yaml')], /nope\.yaml: no such file/],
    ['--set on a path that does not exist', ['run', 'exit-one', '--set', 'apps.bogus=3'], /--set apps\.bogus: no such field/],
    ['unknown --policy', ['run', 'exit-one', '--policy', 'lazy'], /unknown policy 'lazy'/],
    [
      'a trace file that cannot be written',
      ['run', 'exit-one', '--set', 'swap_mib=4', '--trace', join(dir, 'no-such-dir', 't.pftrace')],
      /--trace .*no-such-dir\/t\.pftrace: cannot use directory .*no-such-dir: no such file or directory \(ENOENT\)/,
    ],
  ];
  it.each(cases)('%s: one clear line and a non-zero exit', (_name, args, message) => {
    const r = swaplab(...args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/); // no stack trace
    expect(r.stdout).toBe('');
  });
});

describe('swaplab run munmap-concurrent', () => {
  it('prints metrics.munmap_ms; on 6.18 four concurrent munmaps take longer than one (shared cache lines)', () => {
    const run = (n: number) => {
      const r = swaplab('run', 'munmap-concurrent', '--set', `processes=${n}`, '--set', 'kernel.version="6.18"', '--set', 'swap_mib=128', '--json');
      expect(r.status).toBe(0);
      return JSON.parse(r.stdout).metrics;
    };
    const four = run(4);
    const one = run(1);
    expect(four.munmap_ms.count).toBe(4);
    expect(one.munmap_ms.count).toBe(1);
    expect(four.munmap_ms.mean).toBeGreaterThan(one.munmap_ms.mean);
    expect(Object.keys(four.cacheline_transfers)).toEqual(expect.arrayContaining(['zram->stats', 'nr_swap_pages']));
  });
});
