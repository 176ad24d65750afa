// The dashboard server binds loopback unless told otherwise, never serves a
// file named by the request, and does not take scenario paths from clients.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHost, startServer, type RunningServer } from '../src/web/server.js';
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
