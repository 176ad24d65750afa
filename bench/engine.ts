// Hold-model benchmark of the event queues (ns-3's bench-scheduler idea):
// keep N events pending; repeatedly pop the earliest and push one at a
// random later time. Measures, at 100 / 10k / 1M pending:
// - the full Engine (Engine.at/step with fingerprinting, default pending set),
// - the raw EventHeap and CalendarQueue,
// - a C++ std::priority_queue hold loop (bench/reference/hold.cpp, built with
//   g++ -O2 on first use; skipped with a note when g++ is missing),
// - a Python heapq hold loop (bench/reference/hold_heapq.py).
// All loops are timed in process CPU time (the machine's cores are shared;
// wall time swings by 2x under other load, CPU time by a few %). The Engine
// and C++ loops alternate for ROUNDS rounds and the ratio is the median of
// the per-round ratios. --json prints one JSON line per N.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, type EventTarget } from '../src/engine/engine.js';
import { CalendarQueue } from '../src/engine/calendar-queue.js';
import { EventHeap } from '../src/engine/queue.js';
import { RngStream } from '../src/engine/rng.js';

const json = process.argv.includes('--json');
const sizes = [100, 10_000, 1_000_000];
const ROUNDS = 5;
const opsFor = (pending: number) => (pending >= 1_000_000 ? 1_000_000 : 3_000_000);
const pythonOpsFor = (pending: number) => (pending >= 1_000_000 ? 200_000 : 1_000_000);
/** The increment range of the hold model, ns. */
const SPREAD_NS = 1e6;

// dist/bench/engine.js → the repository root is two levels up.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const referenceDir = join(repoRoot, 'bench', 'reference');

/** Process CPU seconds since `start` (a process.cpuUsage() reading). */
function cpuSecSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Events/s of the Engine on its default pending set, and which set it was on. */
function benchEngine(pending: number, ops: number): { eps: number; pendingSet: string } {
  const engine = new Engine(1);
  const rng = new RngStream(43);
  const target: EventTarget = {
    fpId: 1,
    fire: () => {
      engine.after(1 + Math.floor(rng.float() * SPREAD_NS), 1, target);
    },
  };
  for (let i = 0; i < pending; i++) engine.at(Math.floor(rng.float() * SPREAD_NS), 1, target);
  const t0 = process.cpuUsage();
  for (let i = 0; i < ops; i++) engine.step();
  return { eps: ops / cpuSecSince(t0), pendingSet: engine.pendingSet };
}

// The raw-queue loops are two copies on purpose: one function driving both
// classes would be polymorphic and slow both down.
function benchHeap(pending: number, ops: number): number {
  const rng = new RngStream(42);
  const q = new EventHeap(pending + 1);
  let seq = 0;
  for (let i = 0; i < pending; i++) q.push(Math.floor(rng.float() * SPREAD_NS), EventHeap.orderKey(1, seq++), i);
  const t0 = process.cpuUsage();
  for (let i = 0; i < ops; i++) {
    const now = q.peekTime();
    const slot = q.popMin();
    q.push(now + 1 + Math.floor(rng.float() * SPREAD_NS), EventHeap.orderKey(1, seq++), slot);
  }
  return ops / cpuSecSince(t0);
}

function benchCalendar(pending: number, ops: number): number {
  const rng = new RngStream(42);
  const q = new CalendarQueue();
  let seq = 0;
  for (let i = 0; i < pending; i++) q.push(Math.floor(rng.float() * SPREAD_NS), EventHeap.orderKey(1, seq++), i);
  const t0 = process.cpuUsage();
  for (let i = 0; i < ops; i++) {
    const now = q.peekTime();
    const slot = q.popMin();
    q.push(now + 1 + Math.floor(rng.float() * SPREAD_NS), EventHeap.orderKey(1, seq++), slot);
  }
  return ops / cpuSecSince(t0);
}

/** Builds the C++ reference once (again when its source is newer); null with a note when it cannot. */
function buildCppReference(): { binary: string; compiler: string } | null {
  const source = join(referenceDir, 'hold.cpp');
  const binary = join(repoRoot, 'dist', 'bench', 'reference', 'hold-cpp');
  const version = spawnSync('g++', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) {
    console.error('note: g++ not found (bash scripts/ensure-system-deps.sh installs it); C++ reference skipped');
    return null;
  }
  const compiler = `${version.stdout.split('\n')[0]} -O2`;
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(dirname(binary), { recursive: true });
    const r = spawnSync('g++', ['-O2', '-std=c++17', '-o', binary, source], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(`note: the C++ reference did not compile, skipped:\n${r.stderr}`);
      return null;
    }
  }
  return { binary, compiler };
}

function runReference(cmd: string, args: string[]): number | null {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const eps = Number(out.trim().split(/\s+/)[0]);
    return Number.isFinite(eps) && eps > 0 ? eps : null;
  } catch {
    return null;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

const cpp = buildCppReference();
const pythonOk = spawnSync('python3', ['--version']).status === 0;
if (!pythonOk) console.error('note: python3 not found; Python heapq reference skipped');

benchEngine(10_000, 1_000_000); // JIT warm-up
benchHeap(10_000, 1_000_000);

interface Row {
  pending: number;
  ops: number;
  engine_pending_set: string;
  engine_events_per_sec: number;
  heap_events_per_sec: number;
  calendar_events_per_sec: number;
  cpp_events_per_sec: number | null;
  python_heapq_events_per_sec: number | null;
  engine_vs_cpp: number | null;
  engine_vs_python: number | null;
  cpp_compiler: string | null;
}

const rows: Row[] = [];
for (const pending of sizes) {
  const ops = opsFor(pending);
  const engineEps: number[] = [];
  const cppEps: number[] = [];
  const ratios: number[] = [];
  let pendingSet = '';
  for (let round = 0; round < ROUNDS; round++) {
    const { eps: e, pendingSet: set } = benchEngine(pending, ops);
    pendingSet = set;
    engineEps.push(e);
    const c = cpp ? runReference(cpp.binary, [String(pending), String(ops)]) : null;
    if (c !== null) {
      cppEps.push(c);
      ratios.push(e / c);
    }
  }
  const heapEps = benchHeap(pending, ops);
  const calEps = benchCalendar(pending, ops);
  const pyEps = pythonOk ? runReference('python3', [join(referenceDir, 'hold_heapq.py'), String(pending), String(pythonOpsFor(pending))]) : null;
  const engine = median(engineEps);
  const row: Row = {
    pending,
    ops,
    engine_pending_set: pendingSet,
    engine_events_per_sec: Math.round(engine),
    heap_events_per_sec: Math.round(heapEps),
    calendar_events_per_sec: Math.round(calEps),
    cpp_events_per_sec: cppEps.length ? Math.round(median(cppEps)) : null,
    python_heapq_events_per_sec: pyEps === null ? null : Math.round(pyEps),
    engine_vs_cpp: ratios.length ? round3(median(ratios)) : null,
    engine_vs_python: pyEps ? round3(engine / pyEps) : null,
    cpp_compiler: cpp?.compiler ?? null,
  };
  rows.push(row);
  if (json) console.log(JSON.stringify(row));
}
if (!json) {
  const fmt = (x: number | null, w: number) => String(x ?? '-').padStart(w);
  console.log(`hold model, fingerprinting on; C++: ${cpp?.compiler ?? 'skipped'}; engine/C++ = median of ${ROUNDS} paired rounds`);
  console.log('  pending   engine ev/s (set)        heap ev/s  calendar ev/s     C++ ev/s  python ev/s  engine/C++  engine/python');
  for (const r of rows) {
    console.log(
      `${fmt(r.pending, 9)} ${fmt(r.engine_events_per_sec, 13)} ${r.engine_pending_set.padEnd(9)} ${fmt(r.heap_events_per_sec, 12)} ${fmt(r.calendar_events_per_sec, 14)} ${fmt(r.cpp_events_per_sec, 12)} ${fmt(r.python_heapq_events_per_sec, 12)} ${fmt(r.engine_vs_cpp, 11)} ${fmt(r.engine_vs_python, 14)}`,
    );
  }
}
