// The CLI's one error path, as a user meets it: a mistake (a path, a full
// disk, a database, a port, a seed, a budget) is one line on stderr and exit
// 2; an internal failure is a bug report with the command that reproduces it
// and exit 70, the stack only with --debug. Runs the compiled CLI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const STACK_FRAME = /\n\s+at .+:\d+:\d+\)?/;
// Keep the runs tiny: one process with 4 MiB of swap.
const SMALL = ['--set', 'swap_mib=4'];

function swaplab(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Async, so a test can hold a port open while the CLI runs. */
function swaplabAsync(args: string[]) {
  return new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

function expectOneLine(r: { status: number | null; stdout?: string; stderr: string }, message: RegExp) {
  expect(r.status).toBe(2);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK_FRAME);
}

const dir = mkdtempSync(join(tmpdir(), 'swaplab-errors-'));

describe('paths the user names', () => {
  // Node's recursive mkdir spun forever at 100% CPU on these; the spawn timeout would fail the test.
  it.each([
    ['--db', ['compare', 'exit-one', '--policies', 'sync', '--seeds', '1', ...SMALL, '--db', '/proc/nope/x.db']],
    ['--report', ['compare', 'exit-one', '--policies', 'sync', '--seeds', '1', ...SMALL, '--no-db', '--report', '/proc/nope/x.html']],
    ['--out', ['validate', '--out', '/proc/nope/v.md']],
    ['--out', ['report', 'exit-one', '--policies', 'sync', '--seeds', '1', ...SMALL, '--out', '/proc/nope/x.html']],
  ])('%s under /proc/nope fails at once, naming the path', (option, args) => {
    expectOneLine(swaplab(args), new RegExp(`^swaplab: ${option} /proc/nope/\\S+: cannot create directory /proc/nope: no such file or directory \\(ENOENT\\)`));
  });

  it('--trace into /proc/nope: the directory is not created, and the line says so', () => {
    expectOneLine(
      swaplab(['run', 'exit-one', ...SMALL, '--trace', '/proc/nope/t.pftrace']),
      /^swaplab: --trace \/proc\/nope\/t\.pftrace: cannot use directory \/proc\/nope: no such file or directory \(ENOENT\)$/m,
    );
  });

  it('a full disk (--trace /dev/full) is one line and exit 2', () => {
    expectOneLine(swaplab(['run', 'exit-one', ...SMALL, '--trace', '/dev/full']), /^swaplab: --trace \/dev\/full: cannot write: no space left on device \(ENOSPC\)$/m);
  });

  it('an empty --trace is an error, not a silent exit 0', () => {
    expectOneLine(swaplab(['run', 'exit-one', ...SMALL, '--trace', '']), /^swaplab: --trace: empty file name$/m);
  });

  it('a --db that is not a database', () => {
    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'these are my notes, not a database\n'.repeat(200));
    expectOneLine(swaplab(['compare', 'exit-one', '--policies', 'sync', '--seeds', '1', ...SMALL, '--db', notDb]), /results store .*notes\.txt: .*not a valid DuckDB database file/);
  });

  it('check /dev/zero fails at once', () => {
    expectOneLine(swaplab(['check', '/dev/zero']), /^swaplab: \/dev\/zero: larger than 1024 KiB/);
  });
});

describe('seeds', () => {
  it.each(['4294967296', '4294967297', '-1', '1.5', '1e3'])('--seed %s is refused, not folded to 32 bits', (seed) => {
    expectOneLine(swaplab(['run', 'exit-one', ...SMALL, `--seed=${seed}`]), /seed must be an integer 0\.\.4294967295/);
  });

  it('--seeds with one out of range is refused', () => {
    expectOneLine(swaplab(['compare', 'exit-one', '--policies', 'sync', '--seeds', '3,4294967296', '--no-db']), /seeds must be integers 0\.\.4294967295, got 4294967296/);
  });

  it('report --seeds with one out of range is refused', () => {
    expectOneLine(swaplab(['report', 'exit-one', '--policies', 'sync', '--seeds', '4294967296,1', '--out', join(dir, 'r.html')]), /--seeds: seeds must be integers 0\.\.4294967295, got 4294967296/);
  });

  it('the largest seed runs', () => {
    const r = swaplab(['run', 'exit-one', ...SMALL, '--seed', '4294967295', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).seed).toBe(4294967295);
  });
});

describe('check runs the checks run makes', () => {
  it.each([
    [['--set', 'apps.count=60'], 'camera-launch', /^swaplab: --set apps\.count: the processes' swap .* does not fit in the swap device/],
    [['--set', 'kernel.calibration=nope'], 'exit-one', /^swaplab: --set kernel\.calibration: calibration 'nope': no file/],
    [['--set', 'platform.cpus.4294967294.count=1'], 'exit-one', /index 4294967294 is beyond the end of platform\.cpus/],
  ])('%s: check and run both refuse it, with the same line', (sets, scenario, message) => {
    const check = swaplab(['check', scenario, ...sets]);
    const run = swaplab(['run', scenario, ...sets]);
    expectOneLine(check, message);
    expectOneLine(run, message);
    expect(run.stderr).toBe(check.stderr);
  });
});

describe('budgets', () => {
  it('a run over its event budget stops with one line', () => {
    expectOneLine(swaplab(['run', 'exit-one', ...SMALL], { SWAPLAB_MAX_EVENTS: '50' }), /^swaplab: run stopped: more than 50 events at simulated [\d.]+ ms \(SWAPLAB_MAX_EVENTS raises the budget\)$/m);
  });
});

describe('internal failures are bugs: exit 70', () => {
  it('an invariant violation: the report names scenario, policy, seed and the command to reproduce', () => {
    const r = swaplab(['run', 'exit-one', ...SMALL, '--seed', '5', '--policy', 'async-mmu-gather'], { SWAPLAB_FAULT: 'invariant' });
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/^swaplab: internal error: test-fault: /);
    expect(r.stderr).toMatch(/this is a bug/);
    expect(r.stderr).toMatch(/scenario exit-one, policy async-mmu-gather, seed 5/);
    expect(r.stderr).toMatch(/reproduce: swaplab run exit-one --policy async-mmu-gather --seed 5 --set swap_mib=4\n/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stdout).toBe('');
  });

  it('an unexpected exception in a sweep names the failed job; --debug adds the stack', () => {
    const r = swaplab(['compare', 'exit-one', '--policies', 'sync', '--seeds', '3', ...SMALL, '--no-db', '--debug'], { SWAPLAB_FAULT: 'exception@2' });
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/this is a bug/);
    expect(r.stderr).toMatch(/reproduce: swaplab run exit-one --policy sync --seed 2 --set swap_mib=4\n/);
    expect(r.stderr).toMatch(STACK_FRAME);
  });
});

describe('serve', () => {
  it('refuses a non-loopback --host with one line', () => {
    expectOneLine(swaplab(['serve', '--host', '0.0.0.0']), /^swaplab: refusing to listen on non-loopback address "0\.0\.0\.0"/);
  });

  it('a port in use is one line and exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = await swaplabAsync(['serve', '--port', String(port)]);
      expectOneLine(r, new RegExp(`^swaplab: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use .*\\(EADDRINUSE\\)`));
    } finally {
      blocker.close();
    }
  });
});

describe('nothing written, nothing claimed', () => {
  it('a failed --report leaves no file and a non-zero exit', () => {
    const out = join(dir, 'r.html');
    const r = swaplab(['compare', 'exit-one', '--policies', 'sync', '--seeds', '1', ...SMALL, '--no-db', '--report', out], { SWAPLAB_FAULT: 'invariant' });
    expect(r.status).toBe(70);
    expect(existsSync(out)).toBe(false);
  });
});
