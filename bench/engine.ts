// Hold-model benchmark of the event queues (ns-3's bench-scheduler idea):
// keep N events pending; repeatedly pop the earliest and push one at a
// random later time. Measures the raw EventHeap and CalendarQueue, the full
// Engine (the same loop through Engine.at/step with fingerprinting, on its
// default calendar queue), and a Python heapq
// hold loop in the same run for reference. Prints one JSON line per N with
// --json, a table otherwise.

import { spawnSync } from 'node:child_process';
import { Engine, type EventTarget } from '../src/engine/engine.js';
import { CalendarQueue } from '../src/engine/calendar-queue.js';
import { EventHeap } from '../src/engine/queue.js';
import { RngStream } from '../src/engine/rng.js';

const json = process.argv.includes('--json');
const sizes = [100, 10_000, 1_000_000];
const opsFor = (n: number) => (n >= 1_000_000 ? 3_000_000 : 5_000_000);

interface PendingSet {
  push(t: number, o: number, s: number): void;
  popMin(): number;
  peekTime(): number;
}

function benchHeap(n: number, make: (n: number) => PendingSet = (k) => new EventHeap(k + 1)): number {
  const rng = new RngStream(42);
  const heap = make(n);
  let seq = 0;
  for (let i = 0; i < n; i++) heap.push(Math.floor(rng.float() * 1e6), EventHeap.orderKey(1, seq++), i);
  const ops = opsFor(n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const now = heap.peekTime();
    const slot = heap.popMin();
    heap.push(now + 1 + Math.floor(rng.float() * 1e6), EventHeap.orderKey(1, seq++), slot);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return ops / s;
}

function benchEngine(n: number, queue: 'heap' | 'calendar' = 'calendar'): number {
  const engine = new Engine(1, queue);
  const rng = new RngStream(43);
  const target: EventTarget = { fpId: 1, fire: () => { engine.after(1 + Math.floor(rng.float() * 1e6), 1, target); } };
  for (let i = 0; i < n; i++) engine.at(Math.floor(rng.float() * 1e6), 1, target);
  const ops = opsFor(n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) engine.step();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return ops / s;
}

function benchPython(n: number): number | null {
  const ops = Math.min(opsFor(n), 2_000_000);
  const code = `
import heapq, random, time
random.seed(42)
n, ops = ${n}, ${ops}
h = [(random.random() * 1e6, i, i) for i in range(n)]
heapq.heapify(h)
seq = n
t0 = time.perf_counter()
for _ in range(ops):
    t, _s, p = heapq.heappop(h)
    seq += 1
    heapq.heappush(h, (t + 1 + random.random() * 1e6, seq, p))
print(ops / (time.perf_counter() - t0))
`;
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return Number(r.stdout.trim());
}

const rows = [];
for (const n of sizes) {
  benchHeap(Math.min(n, 10_000)); // warm-up
  const heapEps = benchHeap(n);
  const calEps = benchHeap(n, () => new CalendarQueue());
  const engineEps = benchEngine(n);
  const pyEps = benchPython(n);
  const row = {
    pending: n,
    events_per_sec: Math.round(Math.max(heapEps, calEps)),
    heap_events_per_sec: Math.round(heapEps),
    calendar_events_per_sec: Math.round(calEps),
    engine_events_per_sec: Math.round(engineEps),
    python_heapq_events_per_sec: pyEps === null ? null : Math.round(pyEps),
    speedup_vs_python: pyEps ? +(Math.max(heapEps, calEps) / pyEps).toFixed(1) : null,
  };
  rows.push(row);
  if (json) console.log(JSON.stringify(row));
}
if (!json) {
  console.log('pending     heap ev/s  calendar ev/s   engine ev/s   python heapq ev/s   best/python');
  for (const r of rows) {
    console.log(`${String(r.pending).padStart(9)} ${String(r.heap_events_per_sec).padStart(11)} ${String(r.calendar_events_per_sec).padStart(14)} ${String(r.engine_events_per_sec).padStart(13)} ${String(r.python_heapq_events_per_sec).padStart(19)} ${String(r.speedup_vs_python).padStart(12)}x`);
  }
}
