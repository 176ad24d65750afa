// Start-up: a command loads only what it uses. `run` and `list` never load
// the dashboard (fastify), the worker pool (piscina), the results store
// (DuckDB), the trace writer (protobufjs), the queue (bullmq) or the progress
// bar (cli-progress); `compare` loads the pool, and a trace loads protobufjs.
// Those packages are CommonJS, so a preloaded hook on Module._load sees
// each one the process loads. Runs the compiled CLI (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'swaplab-lazy-'));
const HOOK = join(dir, 'hook.cjs');
writeFileSync(
  HOOK,
  `const Module = require('node:module');
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(Module._resolveFilename(request, ...rest.slice(0, 1)) || '');
  if (m) seen.add(m[1]);
  return load.call(this, request, ...rest);
};
process.on('exit', () => process.stderr.write('loaded-packages ' + JSON.stringify([...seen]) + '\\n'));
`,
);

const HEAVY = ['fastify', 'piscina', '@duckdb/node-api', 'protobufjs', 'bullmq', 'cli-progress'];

/** The CommonJS packages a swaplab process loaded. */
function packagesLoaded(...args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--require', HOOK, CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const line = r.stderr.split('\n').find((l) => l.startsWith('loaded-packages '));
  return JSON.parse(line!.slice('loaded-packages '.length)) as string[];
}

describe('a command loads what it uses', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run and list load none of the dashboard, pool, store, trace, queue and progress-bar packages', () => {
    for (const args of [['run', 'exit-one', '--set', 'swap_mib=8'], ['list']]) {
      expect(packagesLoaded(...args).filter((p) => HEAVY.includes(p))).toEqual([]);
    }
  });

  it('compare loads the worker pool, and run --trace the trace writer', () => {
    expect(packagesLoaded('compare', 'exit-one', '--policies', 'sync', '--seeds', '1', '--no-db', '--set', 'swap_mib=8')).toContain('piscina');
    expect(packagesLoaded('run', 'exit-one', '--set', 'swap_mib=8', '--trace', join(dir, 't.perfetto'))).toContain('protobufjs');
  });
});
