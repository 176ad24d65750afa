// The dashboard server binds loopback unless told otherwise, never serves a
// file named by the request, and does not take scenario paths from clients.
// Its export answers only well-formed ids of finished runs, and the command
// line it shows reproduces the runs it exports.
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHost, startServer, type RunningServer } from '../src/web/server.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/sim/run.js';
import { fixtureRunner } from './fixtures/run-records.js';

/** A raw HTTP request: the path goes on the wire as written (fetch would normalise `..`). */
function raw(base: string, method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}) {
  const u = new URL(base);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('binding', () => {
  it('recognises loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '', '127.0.0.1.nip.io']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses a non-loopback address without allowNonLoopback', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.1']) {
      await expect(startServer({ port: 0, host })).rejects.toThrow(/refusing to listen on non-loopback address/);
    }
  });

  it('binds a non-loopback address when allowed', async () => {
    const server = await startServer({ port: 0, host: '0.0.0.0', allowNonLoopback: true, runner: fixtureRunner() });
    try {
      const port = new URL(server.url).port;
      const res = await raw(`http://127.0.0.1:${port}/`, 'GET', '/api/scenarios');
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('requests', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, runner: fixtureRunner() });
  });
  afterAll(async () => {
    await server?.close();
  });

  const TRAVERSALS = [
    '/assets/../../package.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/assets/....//....//package.json',
    '/../package.json',
    '/%2e%2e/package.json',
    '/package.json',
    '//etc/passwd',
    '/assets/charts.js/../../../package.json',
    '/assets/%252e%252e/%252e%252e/package.json',
    '/src/web/assets/charts.js',
  ];

  it.each(TRAVERSALS)('GET %s yields no file', async (path) => {
    const res = await raw(server.url, 'GET', path);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toMatch(/"dependencies"|"swaplab"|root:|SwaplabCharts/);
  });

  it('serves the dashboard with everything inline', async () => {
    const res = await raw(server.url, 'GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('SwaplabCharts');
    expect(res.body).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  });

  it('rejects a Host header that is not loopback (DNS rebinding)', async () => {
    const res = await raw(server.url, 'GET', '/api/scenarios', { headers: { host: 'attacker.example:80' } });
    expect(res.status).toBe(403);
  });

  it('takes only shipped scenario names, never a path', async () => {
    for (const scenario of ['../package.json', '/etc/passwd', 'scenarios/exit-one.yaml', '../../../../etc/passwd']) {
      const res = await raw(server.url, 'POST', '/api/runs', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario, policies: ['sync'], seeds: [1] }),
      });
      expect(res.status, scenario).toBe(400);
      expect(res.body).not.toMatch(/root:|"dependencies"/);
      expect(JSON.parse(res.body).error).toMatch(/^scenario: expected one of /);
    }
  });

  it('reports schema errors as 400 with the formatted message', async () => {
    const res = await raw(server.url, 'POST', '/api/runs', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'exit-one', set: { 'apps.count': -3 }, policies: ['sync'], seeds: [1] }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: '--set apps.count: must be >= 0, got -3' });
  });

  it('rejects cross-site simple requests (no JSON content type)', async () => {
    const res = await raw(server.url, 'POST', '/api/runs', {
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ scenario: 'exit-one', policies: ['sync'], seeds: [1] }),
    });
    expect(res.status).toBe(415);
  });

  it('answers unknown runs with 404', async () => {
    expect((await raw(server.url, 'GET', '/api/runs/nope/events')).status).toBe(404);
    expect((await raw(server.url, 'DELETE', '/api/runs/nope')).status).toBe(404);
  });
});

describe('per-run export', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, runner: fixtureRunner() });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function startRun(body: object): Promise<string> {
    const res = await raw(server.url, 'POST', '/api/runs', { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, res.body).toBe(201);
    return (JSON.parse(res.body) as { id: string }).id;
  }

  /** Poll the export until the run has finished (409 while it runs). */
  async function exported(id: string, format: string) {
    for (let i = 0; i < 200; i++) {
      const u = new URL(`/api/runs/${id}/export?format=${format}`, server.url);
      const res = await fetch(u);
      if (res.status !== 409) return res;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the run did not finish');
  }

  it('gives one CSV row per run with the overrides and every scalar metric', async () => {
    const id = await startRun({
      scenario: 'exit-one',
      policies: ['sync', 'async-global-list'],
      seeds: [1, 2, 3],
      set: { 'lmkd.psi_window_ms': 2000, 'kernel.policy_options.async-global-list.forced_release': true },
    });
    const res = await exported(id, 'csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="swaplab-exit-one-${id.slice(0, 8)}.csv"`);
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 2 * 3);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 5)).toEqual(['scenario', 'policy', 'seed', 'kernel', 'fingerprint']);
    expect(header).toEqual(
      expect.arrayContaining(['param_lmkd_psi_window_ms', 'param_kernel_policy_options_async_global_list_forced_release', 'exit_latency_ms_p99', 'memory_release_ms_mean', 'wall_ms']),
    );
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    expect(rows.map((r) => `${r['policy']}/${r['seed']}`).sort()).toEqual(['async-global-list/1', 'async-global-list/2', 'async-global-list/3', 'sync/1', 'sync/2', 'sync/3']);
    for (const r of rows) {
      expect(r['scenario']).toBe('exit-one');
      expect(r['param_lmkd_psi_window_ms']).toBe('2000');
      expect(r['param_kernel_policy_options_async_global_list_forced_release']).toBe('true');
      expect(Number(r['exit_latency_ms_p99'])).toBeGreaterThan(0);
    }
  });

  it('gives the same rows as JSON', async () => {
    const id = await startRun({ scenario: 'exit-one', policies: ['sync'], seeds: [4, 5] });
    const res = await exported(id, 'json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="swaplab-exit-one-[0-9a-f]{8}\.json"$/);
    const rows = (await res.json()) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r['policy'], r['seed']])).toEqual([
      ['sync', 4],
      ['sync', 5],
    ]);
    expect(typeof rows[0]!['exit_latency_ms_p99']).toBe('number');
  });

  it('answers 409 while the run has no results', async () => {
    const slow = await startServer({ port: 0, runner: fixtureRunner(2000) });
    try {
      const res = await raw(slow.url, 'POST', '/api/runs', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'exit-one', policies: ['sync'], seeds: [1] }) });
      const { id } = JSON.parse(res.body) as { id: string };
      const exp = await raw(slow.url, 'GET', `/api/runs/${id}/export?format=csv`);
      expect(exp.status).toBe(409);
      expect(JSON.parse(exp.body).error).toBe('run is running: there are no results to export');
    } finally {
      await slow.close();
    }
  });

  it('answers 404 for an unknown run and 400 for a bad id or format', async () => {
    const unknown = await raw(server.url, 'GET', '/api/runs/00000000-0000-4000-8000-000000000000/export?format=csv');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ error: 'no such run' });
    for (const id of ['nope', '..%2f..%2fpackage.json', '%2e%2e', '00000000-0000-4000-8000-00000000000Z', 'A'.repeat(36)]) {
      const res = await raw(server.url, 'GET', `/api/runs/${id}/export?format=csv`);
      expect(res.status, id).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ error: 'bad run id' });
    }
    // Longer than the router's maxParamLength (100): no route matches at all.
    const long = await raw(server.url, 'GET', `/api/runs/${'a'.repeat(300)}/export?format=csv`);
    expect(long.status).toBe(404);
    const id = await startRun({ scenario: 'exit-one', policies: ['sync'], seeds: [1] });
    for (const q of ['', '?format=xlsx', '?format=csv&format=json', '?format=../../etc/passwd']) {
      const res = await raw(server.url, 'GET', `/api/runs/${id}/export${q}`);
      expect(res.status, q).toBe(400);
      expect(JSON.parse(res.body).error).toBe('format: expected one of csv, json');
    }
  });

  it('shows the equivalent command line, quoted, without running anything', async () => {
    const res = await raw(server.url, 'POST', '/api/command-line', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        scenario: 'camera-launch',
        policies: ['sync', 'async-mmu-gather'],
        seeds: [1, 2, 3],
        set: { 'kernel.version': '6.12', 'lmkd.reaper': 'setprio', 'apps.anon_mib': [100, 300], 'kernel.policy_options.async-global-list.forced_release': true, name: "it's" },
      }),
    });
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body).command).toBe(
      `swaplab compare camera-launch --policies sync,async-mmu-gather --seeds 3 --set 'kernel.version="6.12"' --set lmkd.reaper=setprio --set 'apps.anon_mib=[100,300]' --set kernel.policy_options.async-global-list.forced_release=true --set 'name=it'\\''s'`,
    );
    const bad = await raw(server.url, 'POST', '/api/command-line', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: '../x', policies: ['sync'], seeds: [1] }) });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/^scenario: expected one of /);
  });

  it("serves the scenario JSON Schema and each scenario's values for the form", async () => {
    const schema = JSON.parse((await raw(server.url, 'GET', '/api/schema')).body) as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(schema.properties['lmkd']!.properties).toHaveProperty('psi_window_ms');
    const list = JSON.parse((await raw(server.url, 'GET', '/api/scenarios')).body) as {
      scenarios: Array<{ name: string; values: { lmkd: { psi_window_ms: number } } }>;
      policies: Array<{ name: string; summary: string }>;
    };
    expect(list.scenarios.find((s) => s.name === 'exit-one')!.values.lmkd.psi_window_ms).toBeGreaterThan(0);
    expect(list.policies.map((p) => p.name)).toContain('async-global-list');
    for (const p of list.policies) expect(p.summary.length, p.name).toBeGreaterThan(10);
  });
});

describe('the command line the dashboard shows', () => {
  it('reproduces the runs it exports, as a POSIX shell reads it back', async () => {
    const server = await startServer({ port: 0 }); // the simulator itself
    try {
      const body = {
        scenario: 'exit-one',
        policies: ['sync', 'async-global-list'],
        seeds: [1],
        set: { 'kernel.version': '6.18', 'kernel.policy_options.async-global-list.forced_release': true, 'apps.anon_mib': [100, 300], 'lmkd.reaper': 'setprio' },
      };
      const post = (path: string) => raw(server.url, 'POST', path, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const { command } = JSON.parse((await post('/api/command-line')).body) as { command: string };
      const { id } = JSON.parse((await post('/api/runs')).body) as { id: string };
      let exported: { status: number; body: string } = { status: 0, body: '' };
      for (let i = 0; i < 600 && exported.status !== 200; i++) {
        exported = await raw(server.url, 'GET', `/api/runs/${id}/export?format=json`);
        if (exported.status === 409) await new Promise((r) => setTimeout(r, 50));
      }
      expect(exported.status, exported.body).toBe(200);
      const rows = JSON.parse(exported.body) as Array<{ policy: string; seed: number; kernel: string; fingerprint: string }>;

      const argv = execFileSync('sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' })
        .split('\0')
        .slice(0, -1);
      expect(argv.slice(0, 7)).toEqual(['swaplab', 'compare', 'exit-one', '--policies', 'sync,async-global-list', '--seeds', '1']);
      const sets = argv.slice(7).filter((_, i) => i % 2 === 1);
      expect(argv.slice(7).filter((_, i) => i % 2 === 0)).toEqual(sets.map(() => '--set'));
      const scenario = loadScenario(argv[2]!, sets);
      expect(rows.map((r) => [r.policy, r.seed, r.kernel])).toEqual([
        ['sync', 1, '6.18'],
        ['async-global-list', 1, '6.18'],
      ]);
      for (const r of rows) expect(runScenario(scenario, { policy: r.policy, seed: r.seed }).output.fingerprint, r.policy).toBe(r.fingerprint);
      // The overrides took effect: the scenario as shipped runs differently.
      expect(runScenario(loadScenario('exit-one'), { policy: 'sync', seed: 1 }).output.fingerprint).not.toBe(rows[0]!.fingerprint);
    } finally {
      await server.close();
    }
  }, 120_000);
});
