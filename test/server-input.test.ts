// The dashboard server validates a request against the CLI's bounds before
// any work starts, answers 400 with a JSON error (no stack), and keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/web/server.js';
import { fixtureRunner } from './fixtures/run-records.js';

let server: RunningServer;
let runsStarted = 0;
beforeAll(async () => {
  const runner = fixtureRunner();
  server = await startServer({
    port: 0,
    runner: (scenario, o) => {
      runsStarted++;
      return runner(scenario, o);
    },
  });
});
afterAll(async () => {
  await server?.close();
});

async function post(body: string) {
  const res = await fetch(new URL('/api/runs', server.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: (await res.json()) as { error?: string; id?: string } };
}

describe('POST /api/runs', () => {
  it('the 130-byte request that exhausted the heap gets 400, and the server keeps serving', async () => {
    const body = '{"scenario":"camera-launch","set":{"platform.cpus.4294967294.count":1},"policies":["sync","async-mmu-gather"],"seeds":[1,2,3,4,5]}';
    expect(body.length).toBe(130);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('--set platform.cpus.4294967294.count: index 4294967294 is beyond the end of platform.cpus (the list is empty: use index 0)');
    const list = await fetch(new URL('/api/scenarios', server.url));
    expect(list.status).toBe(200);
    expect(runsStarted).toBe(0);
  });

  it.each([
    [{ 'lmkd.poll_ms': 1e-6 }, /^--set lmkd\.poll_ms: must be >= 1/],
    [{ duration_ms: 2147483648 }, /^--set duration_ms: must be <= 600000/],
    [{ 'apps.count': 60 }, /^--set apps\.count: the processes' swap .* does not fit/],
    [{ 'kernel.calibration': 'nope' }, /^--set kernel\.calibration: calibration 'nope'/],
  ])('set %j: 400 before any run starts', async (set, message) => {
    const res = await post(JSON.stringify({ scenario: 'camera-launch', policies: ['sync'], seeds: [1], set }));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect(res.json.error).not.toMatch(/\n\s+at /);
    expect(runsStarted).toBe(0);
  });

  it.each([[[4294967296]], [[-1]], [[1.5]]])('seeds %j are refused', async (seeds) => {
    const res = await post(JSON.stringify({ scenario: 'exit-one', policies: ['sync'], seeds }));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/^seeds: expected .* integers 0\.\.4294967295/);
  });

  it('too many overrides are refused', async () => {
    const set = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x${i}`, 1]));
    const res = await post(JSON.stringify({ scenario: 'exit-one', policies: ['sync'], seeds: [1], set }));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/^set: 300 fields; at most 200/);
  });

  it('unknown request fields are refused', async () => {
    const res = await post(JSON.stringify({ scenario: 'exit-one', policies: ['sync'], seeds: [1], sets: { 'apps.count': 3 } }));
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('unknown field "sets" (known: scenario, set, policies, seeds)');
  });

  it('malformed JSON is a 400 with a JSON error', async () => {
    const res = await post('{"scenario": ');
    expect(res.status).toBe(400);
    expect(typeof res.json.error).toBe('string');
  });

  it('a valid request still starts a run', async () => {
    const res = await post(JSON.stringify({ scenario: 'exit-one', policies: ['sync'], seeds: [1] }));
    expect(res.status).toBe(201);
    expect(res.json.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('startServer', () => {
  it('a port in use is a UserError naming the address', async () => {
    const port = new URL(server.url).port;
    await expect(startServer({ port: Number(port) })).rejects.toThrow(new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
  });
});
