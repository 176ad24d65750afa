// The dashboard server: one page with everything inlined, a small JSON API
// (the scenario schema and values the form is built from, the equivalent
// command line, start/cancel sweeps, per-run results for download), and
// Server-Sent Events for progress. It runs CPU-heavy
// jobs on request, so by default it binds loopback only and rejects requests
// whose Host is not loopback (a DNS-rebinding page cannot drive it). No route
// reads a file named by the request: the page is built from a fixed list.
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { listShippedScenarios, loadScenario } from '../scenario/loader.js';
import { UserError } from '../scenario/errors.js';
import { scenarioJsonSchema } from '../scenario/export-json-schema.js';
import { SHIPPED_POLICIES } from '../policies/registry.js';
import { commandLine } from '../report/command-line.js';
import type { SweepRunner } from '../sweep/pool.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartHead, scriptBody } from '../report/assets.js';
import { projectRoot } from '../scenario/loader.js';
import { RunRegistry, TooManyRunsError, type RunEvent } from './runs.js';
import { compareArgv, parseRunRequest, type RunRequest } from './run-request.js';
import { EXPORT_FORMATS, formatTable, type ExportFormat } from './run-export.js';

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Allow binding a non-loopback address (anyone who can reach it can start sweeps). */
  allowNonLoopback?: boolean;
  /** Replaces runScenario (tests, demos); see runSweep. */
  runner?: SweepRunner;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Run ids are the registry's randomUUID()s; anything else is refused before a lookup. */
const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

/** The hostname of a Host header, without port or brackets. */
function hostnameOf(header: string): string {
  const m = /^\[([^\]]*)\](?::\d+)?$/.exec(header);
  if (m) return m[1]!;
  return header.replace(/:\d+$/, '');
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  if (!loopback && !opts.allowNonLoopback) {
    throw new UserError(
      `refusing to listen on non-loopback address ${JSON.stringify(host)}: anyone who can reach it could start simulations. ` +
        `Use 127.0.0.1, or pass allowNonLoopback (--allow-remote) if you mean it.`,
    );
  }
  const registry = new RunRegistry(opts.runner ? { runner: opts.runner } : {});
  const app = buildApp(registry, { checkHost: loopback });
  try {
    await app.listen({ port: opts.port, host });
  } catch (e) {
    throw listenError(e, host, opts.port);
  }
  const addr = app.server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' || isIPv6(host) ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${urlHost}:${addr.port}/`,
    close: async () => {
      registry.cancelAll();
      await app.close();
    },
  };
}

/** Why the server cannot listen, as the user's mistake it nearly always is (port in use, bad host). */
function listenError(e: unknown, host: string, port: number): Error {
  const code = (e as { code?: unknown }).code;
  const reasons: Record<string, string> = {
    EADDRINUSE: 'the port is in use (pick another with --port, or 0 for a free one)',
    EACCES: 'permission denied (ports below 1024 need privileges)',
    EADDRNOTAVAIL: 'no such address on this machine',
    ENOTFOUND: 'unknown host name',
    EAI_AGAIN: 'host name lookup failed',
  };
  if (typeof code === 'string' && reasons[code]) return new UserError(`cannot listen on ${host}:${port}: ${reasons[code]} (${code})`);
  return e instanceof Error ? e : new Error(String(e));
}

function buildApp(registry: RunRegistry, o: { checkHost: boolean }): FastifyInstance {
  // forceCloseConnections: close() must not wait for open SSE streams.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  const page = dashboardPage();
  const streams = new Set<ServerResponse>();
  // JSON bodies only: a cross-site form or text/plain POST (no CORS preflight) gets 415.
  app.removeContentTypeParser(['text/plain']);

  app.addHook('onRequest', async (req, reply) => {
    if (o.checkHost && !isLoopbackHost(hostnameOf(req.headers.host ?? ''))) {
      return reply.code(403).send({ error: 'forbidden: this server only answers requests addressed to a loopback host' });
    }
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  app.addHook('onClose', async () => {
    for (const s of streams) s.end();
  });

  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not found' }));
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    reply.code(status).send({ error: status === 500 ? 'internal error' : err.message });
  });

  app.get('/', async (_req, reply) => {
    reply
      .type('text/html; charset=utf-8')
      // Everything is inline; the page may only talk back to this server.
      .header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'")
      .send(page);
  });

  // The form is built from these: every field of the schema, each scenario's own values as defaults.
  const schema = scenarioJsonSchema();
  app.get('/api/schema', async () => schema);

  app.get('/api/scenarios', async () => ({
    scenarios: listShippedScenarios().map((s) => ({ ...s, values: valuesOf(s.name) })),
    policies: SHIPPED_POLICIES.map((p) => ({ name: p.name, summary: p.summary })),
  }));

  // The `swaplab compare` command that runs what the form would run (no work is done).
  app.post('/api/command-line', async (req, reply) => {
    let parsed: RunRequest;
    try {
      parsed = parseRunRequest(req.body);
    } catch (e) {
      return reply.code(400).send({ error: (e as Error).message });
    }
    return { command: commandLine(compareArgv(parsed)) };
  });

  app.post('/api/runs', async (req, reply) => {
    let parsed: RunRequest;
    try {
      parsed = parseRunRequest(req.body);
    } catch (e) {
      return reply.code(400).send({ error: (e as Error).message });
    }
    let scenario;
    try {
      // The CLI's checks: schema bounds, --set indices, calibration, swap and RAM (scenario/preflight.ts).
      scenario = loadScenario(parsed.scenario, parsed.sets);
    } catch (e) {
      if (e instanceof UserError) return reply.code(400).send({ error: e.message });
      throw e;
    }
    try {
      const id = registry.start({ scenario, policies: parsed.policies, seeds: parsed.seeds, overrides: parsed.overrides });
      return reply.code(201).send({ id });
    } catch (e) {
      if (e instanceof TooManyRunsError) return reply.code(429).send({ error: e.message });
      throw e;
    }
  });

  app.get<{ Params: { id: string }; Querystring: { format?: unknown } }>('/api/runs/:id/export', async (req, reply) => {
    const { id } = req.params;
    if (!RUN_ID.test(id)) return reply.code(400).send({ error: 'bad run id' });
    const format = req.query.format;
    if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format)) {
      return reply.code(400).send({ error: `format: expected one of ${EXPORT_FORMATS.join(', ')}` });
    }
    const found = registry.exportOf(id);
    if (!found.found) return sendNotFound(reply);
    if (found.status !== 'done') return reply.code(409).send({ error: `run is ${found.status}: there are no results to export` });
    const fmt = format as ExportFormat;
    // The scenario is a shipped name and the id a UUID, so the file name needs no escaping; strip anyway.
    const file = `swaplab-${found.scenario.replace(/[^A-Za-z0-9_.-]/g, '_')}-${id.slice(0, 8)}.${fmt}`;
    return reply.type(EXPORT_CONTENT_TYPES[fmt]).header('content-disposition', `attachment; filename="${file}"`).header('cache-control', 'no-store').send(formatTable(found.table, fmt));
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/events', (req, reply) => {
    const res = reply.raw;
    let unsubscribe: (() => void) | undefined;
    const send = (ev: RunEvent) => {
      if (res.destroyed || res.writableEnded) return;
      res.write(`data: ${JSON.stringify(ev)}\n\n`);
      if (!('done' in ev)) {
        unsubscribe?.();
        streams.delete(res);
        res.end();
      }
    };
    if (!registry.has(req.params.id)) return sendNotFound(reply);
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    streams.add(res);
    unsubscribe = registry.subscribe(req.params.id, send);
    req.raw.on('close', () => {
      unsubscribe?.();
      streams.delete(res);
    });
  });

  app.delete<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => {
    if (!registry.cancel(req.params.id)) return sendNotFound(reply);
    return reply.code(202).send({ cancelled: true });
  });

  return app;
}

function sendNotFound(reply: FastifyReply) {
  return reply.code(404).send({ error: 'no such run' });
}

/** The dashboard: the HTML template with uPlot, charts.js and dashboard.js inlined. */
function dashboardPage(): string {
  const head = chartHead();
  const fill: Record<string, string> = {
    '<!-- swaplab:styles -->': head.styles,
    '<!-- swaplab:scripts -->': `${head.scripts}\n<script>${scriptBody(readDashboardAsset('dashboard.js'))}</script>`,
  };
  // A function replacement: the inlined code may contain `$&`-like sequences.
  return readDashboardAsset('dashboard.html').replace(/<!-- swaplab:(styles|scripts) -->/g, (m) => fill[m]!);
}

/** A shipped scenario's values, defaults filled in: the form's starting point (null if it does not load). */
function valuesOf(name: string): Record<string, unknown> | null {
  try {
    return loadScenario(name) as unknown as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The dashboard's own page and script: a fixed list, never a client-supplied path (src/web/assets is not compiled). */
const DASHBOARD_ASSETS = { 'dashboard.js': 'src/web/assets/dashboard.js', 'dashboard.html': 'src/web/assets/dashboard.html' } as const;
const dashboardCache = new Map<string, string>();

function readDashboardAsset(name: keyof typeof DASHBOARD_ASSETS): string {
  let text = dashboardCache.get(name);
  if (text === undefined) {
    text = readFileSync(join(projectRoot(), DASHBOARD_ASSETS[name]), 'utf8');
    dashboardCache.set(name, text);
  }
  return text;
}
