// The project as a user installs it: pack the tarball, install it into a
// temporary global prefix, and run `swaplab` through the bin link npm makes
// (a symlink named swaplab, the way npm link, npm i -g and npx run it), from a
// directory outside the checkout. Needs dist/ (npm test builds it first).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};

// The npm that runs `npm test` describes its own invocation in npm_* variables
// (prefix, lifecycle, package); the npm started here must not inherit them.
function cleanNpmEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_(lifecycle_|package_|command$|config_(call|prefix|global_prefix|local_prefix|global)$)/.test(k)) delete env[k];
  }
  return env;
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env: cleanNpmEnv(), encoding: 'utf8', timeout: 240_000 });
}

describe('the packed and installed swaplab command', () => {
  let dir: string;
  let bin: string;
  let packedFiles: string[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'swaplab-pack-'));
    // --ignore-scripts: pack the dist/ that `npm test` just built instead of
    // building it a second time through `prepare`.
    const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packedFiles = packed[0]!.files.map((f) => f.path);
    // --ignore-scripts here skips better-sqlite3's native build (about two
    // minutes from source on this machine); list and run never open the store.
    // Dependencies come from the registry (or npm's cache) as for any user.
    npm(['install', '--global', '--prefix', join(dir, 'prefix'), '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed[0]!.filename)], dir);
    bin = join(dir, 'prefix', 'bin', 'swaplab');
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function swaplab(...args: string[]) {
    // Run from the temporary directory: nothing may be found through the cwd.
    const r = spawnSync(bin, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('packs the compiled CLI, the sources its model hash covers, scenarios and calibration, and no tests', () => {
    for (const f of ['package.json', 'dist/src/cli/main.js', 'dist/src/sweep/worker.js', 'src/report/assets/charts.js', 'scenarios/exit-one.yaml', 'calibration/phone-8core.yaml']) {
      expect(packedFiles, f).toContain(f);
    }
    expect(packedFiles.filter((f) => f.startsWith('test/') || f.startsWith('dist/bench/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it('installs swaplab as a symlink into the installed package, with runtime dependencies only', () => {
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
    const installed = join(dir, 'prefix', 'lib', 'node_modules', 'swaplab');
    expect(realpathSync(bin)).toBe(realpathSync(join(installed, 'dist/src/cli/main.js')));
    for (const dep of Object.keys(PKG.dependencies)) expect(existsSync(join(installed, 'node_modules', dep)), dep).toBe(true);
    // The build and test tools stay behind (@types/node does come along: protobufjs depends on it;
    // tsx and its esbuild too: they load a user's --policy file.ts at run time).
    for (const dep of ['typescript', 'vitest', 'vite', 'rollup', 'playwright-core']) {
      expect(existsSync(join(installed, 'node_modules', dep)), dep).toBe(false);
    }
  });

  it('swaplab list prints the shipped scenarios and the policies', () => {
    const r = swaplab('list');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^scenarios:\n/);
    expect(r.stdout).toMatch(/^ {2}exit-one +\S/m);
    expect(r.stdout).toMatch(/^ {2}camera-launch +\S/m);
    expect(r.stdout).toMatch(/^policies:\n {2}sync +\S/m);
  });

  it('swaplab run exit-one --json gives the same run as the checkout', () => {
    const r = swaplab('run', 'exit-one', '--json');
    expect(r.status).toBe(0);
    const installed = JSON.parse(r.stdout) as { scenario: string; fingerprint: string; metrics: { exit_latency_ms: { count: number } } };
    expect(installed.scenario).toBe('exit-one');
    expect(installed.metrics.exit_latency_ms.count).toBe(1);
    const local = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'run', 'exit-one', '--json'], { encoding: 'utf8' })) as { fingerprint: string };
    expect(installed.fingerprint).toBe(local.fingerprint);
  });

  it('swaplab compare runs its worker threads from the installed copy', () => {
    const r = swaplab('compare', 'exit-one', '--policies', 'sync,async-mmu-gather', '--seeds', '2', '--no-db', '--set', 'swap_mib=20', '--format', 'csv');
    expect(r.status, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual(['metric', 'policy', 'mean', 'ci95_lo', 'ci95_hi', 'n', 'p_vs_baseline']);
    expect(rows.find((row) => row[0] === 'swap_entries_freed' && row[1] === 'async-mmu-gather')?.[5]).toBe('2');
  });

  it("swaplab --version prints package.json's version", () => {
    const r = swaplab('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(PKG.version);
  });
});
