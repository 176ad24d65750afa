// Trace writers: Perfetto protobuf (checked with Debian's protoc as an
// independent decoder), Chrome JSON (checked with JSON.parse and a
// reconstruction written here), ts ordering, and TraceLog validation.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JsonEvent } from './support/chrome-event.js';
import { one, protoc, protocDecode, sub, type TextMsg } from './support/protoc-text.js';
import { checkTraceLog, TraceLogError, writeChromeTrace, writePerfettoTrace, writeTrace, type TraceLog } from '../src/report/trace/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROTO_DIR = join(ROOT, 'src/report/trace');

// ---------------------------------------------------------------- fixture --

function syntheticLog(): TraceLog {
  return {
    cpuCount: 2,
    processes: [
      { pid: 1000, name: 'com.example.victim' },
      { pid: 2, name: 'kthreadd' },
    ],
    threads: [
      { tid: 1000, pid: 1000, name: 'example.victim' },
      { tid: 1001, pid: 1000, name: 'RenderThread' },
      { tid: 40, pid: 2, name: 'kworker/0:1' },
      { tid: 41, pid: 2, name: 'kworker/1:2' },
    ],
    cpuSlices: [
      { cpu: 0, startNs: 0, endNs: 2_000, tid: 1000, spinning: false },
      { cpu: 0, startNs: 2_000, endNs: 2_750, tid: 1000, spinning: true }, // adjacent, spinning
      { cpu: 0, startNs: 2_750, endNs: 9_000, tid: 1000, spinning: false },
      { cpu: 0, startNs: 9_500, endNs: 12_345, tid: 40, spinning: false },
      { cpu: 1, startNs: 500, endNs: 1_800, tid: 1001, spinning: false },
      { cpu: 1, startNs: 1_800, endNs: 3_001, tid: 41, spinning: true },
      { cpu: 1, startNs: 3_001, endNs: 7_777, tid: 41, spinning: false },
      { cpu: 1, startNs: 8_000, endNs: 8_000, tid: 1001, spinning: false }, // zero length
    ],
    taskSlices: [
      { tid: 1000, name: 'do_exit', startNs: 0, endNs: 9_000, args: { pid: 1000 } },
      { tid: 1000, name: 'exit_mm', startNs: 0, endNs: 8_500 }, // same start as parent
      { tid: 1000, name: 'exit_mmap', startNs: 1_000, endNs: 8_500 }, // same end as parent
      { tid: 1000, name: 'zap_pte_range', startNs: 1_000, endNs: 4_000, args: { pages: 512, path: 'zram→free' } },
      { tid: 1000, name: 'swap_free', startNs: 4_000, endNs: 6_123, args: { entries: 77, ratio: 0.25 } },
      { tid: 1000, name: 'marker', startNs: 6_123, endNs: 6_123 }, // zero length
      { tid: 1001, name: 'do_exit', startNs: 500, endNs: 1_800 },
      { tid: 40, name: 'work: free_swap_slots', startNs: 9_500, endNs: 12_345 },
      { tid: 41, name: 'work: zs_compact', startNs: 1_800, endNs: 7_777 },
      { tid: 41, name: 'spin_lock(swap_lock)', startNs: 1_800, endNs: 3_001 },
    ],
    instants: [
      { tid: null, name: 'lmkd kill', tsNs: 0, args: { pid: 1000, adj: 900 } },
      { tid: 1000, name: 'mmput', tsNs: 1_000 },
      { tid: 40, name: 'work queued', tsNs: 9_000, args: { fn: 'free_swap_slots' } },
    ],
    counters: [
      {
        name: 'free memory',
        unit: 'bytes',
        points: [
          [0, 1_000_000],
          [4_000, 1_500_000],
          [9_000, 3_000_000],
        ],
      },
      {
        name: 'zram size',
        unit: 'bytes',
        points: [
          [0, 800_000],
          [6_123, 400_000],
        ],
      },
      {
        name: 'parked swap entries',
        unit: 'entries',
        points: [
          [0, 0],
          [5_000, 128],
          [12_345, 0],
        ],
      },
      {
        name: 'PSI memory some',
        unit: '%',
        points: [
          [0, 0],
          [2_000, 12.5],
          [10_000, 3.75],
        ],
      },
    ],
  };
}

type Slice = { track: string; name: string; startNs: number; endNs: number };
const bySliceKey = (a: Slice, b: Slice): number => a.track.localeCompare(b.track) || a.startNs - b.startNs || b.endNs - a.endNs || a.name.localeCompare(b.name);

/** What every writer should show: thread slices keyed by thread name, CPU slices keyed by cpuN. */
function expectedSlices(log: TraceLog): { task: Slice[]; cpu: Slice[] } {
  const tname = new Map(log.threads.map((t) => [t.tid, t.name]));
  const task = log.taskSlices.map((s) => ({ track: tname.get(s.tid)!, name: s.name, startNs: s.startNs, endNs: s.endNs }));
  const cpu = log.cpuSlices.map((s) => ({
    track: `cpu${s.cpu}`,
    name: (s.spinning ? 'spin: ' : '') + tname.get(s.tid)!,
    startNs: s.startNs,
    endNs: s.endNs,
  }));
  return { task: task.sort(bySliceKey), cpu: cpu.sort(bySliceKey) };
}

// ------------------------------------------- protobuf text format parser --
// A small reader for protoc's --decode output, independent of protobufjs.

describe.skipIf(!protoc.ok)('perfetto_trace.proto', () => {
  it('is one schema both protoc and the writer accept', () => {
    const r = spawnSync('protoc', [`--proto_path=${PROTO_DIR}`, '--descriptor_set_out=/dev/null', 'perfetto_trace.proto'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(writePerfettoTrace(syntheticLog()).length).toBeGreaterThan(0);
  });
});

describe.skipIf(!protoc.ok)(`Perfetto protobuf decoded by protoc${protoc.ok ? '' : ` [SKIPPED: ${protoc.reason}]`}`, () => {
  const log = syntheticLog();
  const bytes = writePerfettoTrace(log);
  const packets = () => (protocDecode(bytes)['packet'] ?? []) as TextMsg[];

  it('recovers tracks, slices, instants and counters equal to the input', () => {
    const tracks = new Map<string, { name: string; kind: string; desc: TextMsg }>();
    const open = new Map<string, Array<{ name: string; startNs: number }>>();
    const slices: Slice[] = [];
    const instants: Array<{ track: string; name: string; tsNs: number; args: Record<string, string> }> = [];
    const counters = new Map<string, Array<[number, number]>>();
    for (const p of packets()) {
      expect(one(p, 'trusted_packet_sequence_id')).toBe('1');
      const d = sub(p, 'track_descriptor');
      if (d) {
        const proc = sub(d, 'process');
        const thr = sub(d, 'thread');
        const name = proc ? one(proc, 'process_name')! : thr ? one(thr, 'thread_name')! : one(d, 'name')!;
        const kind = proc ? 'process' : thr ? 'thread' : sub(d, 'counter') ? 'counter' : 'track';
        tracks.set(one(d, 'uuid')!, { name, kind, desc: d });
        continue;
      }
      const e = sub(p, 'track_event')!;
      const ts = Number(one(p, 'timestamp'));
      const track = tracks.get(one(e, 'track_uuid')!)!;
      expect(track, 'event on an undeclared track').toBeDefined();
      const stack = open.get(track.name) ?? [];
      open.set(track.name, stack);
      switch (one(e, 'type')) {
        case 'TYPE_SLICE_BEGIN':
          stack.push({ name: one(e, 'name')!, startNs: ts });
          break;
        case 'TYPE_SLICE_END': {
          const b = stack.pop()!;
          expect(b, `END without BEGIN on ${track.name}`).toBeDefined();
          slices.push({ track: track.name, name: b.name, startNs: b.startNs, endNs: ts });
          break;
        }
        case 'TYPE_INSTANT': {
          const args: Record<string, string> = {};
          for (const a of (e['debug_annotations'] ?? []) as TextMsg[]) {
            args[one(a, 'name')!] = one(a, 'int_value') ?? one(a, 'double_value') ?? one(a, 'string_value')!;
          }
          instants.push({ track: track.name, name: one(e, 'name')!, tsNs: ts, args });
          break;
        }
        case 'TYPE_COUNTER': {
          expect(track.kind).toBe('counter');
          const v = one(e, 'counter_value') ?? one(e, 'double_counter_value');
          const pts = counters.get(track.name) ?? [];
          counters.set(track.name, pts);
          pts.push([ts, Number(v)]);
          break;
        }
        default:
          throw new Error(`unexpected event type ${one(e, 'type')}`);
      }
    }
    for (const [name, stack] of open) expect(stack, `unclosed slices on ${name}`).toEqual([]);

    // Track names, with thread/process identities and the CPU hierarchy.
    const names = (kind: string) =>
      [...tracks.values()]
        .filter((t) => t.kind === kind)
        .map((t) => t.name)
        .sort();
    expect(names('process')).toEqual(log.processes.map((p) => p.name).sort());
    expect(names('thread')).toEqual(log.threads.map((t) => t.name).sort());
    expect(names('counter')).toEqual(log.counters.map((c) => c.name).sort());
    expect(names('track')).toEqual(['CPUs', 'cpu0', 'cpu1', 'events']);
    for (const t of tracks.values()) {
      const thr = sub(t.desc, 'thread');
      if (thr) {
        const want = log.threads.find((x) => x.name === t.name)!;
        expect([Number(one(thr, 'pid')), Number(one(thr, 'tid'))]).toEqual([want.pid, want.tid]);
      }
      if (t.name.startsWith('cpu')) expect(tracks.get(one(t.desc, 'parent_uuid')!)!.name).toBe('CPUs');
      if (t.kind === 'counter') {
        const unit = log.counters.find((c) => c.name === t.name)!.unit;
        expect(one(sub(t.desc, 'counter')!, 'unit_name')).toBe(unit);
      }
    }

    // Slices: thread tracks carry the task slices, cpuN tracks the run slices.
    const want = expectedSlices(log);
    expect(slices.filter((s) => !/^cpu\d+$/.test(s.track)).sort(bySliceKey)).toEqual(want.task);
    expect(slices.filter((s) => /^cpu\d+$/.test(s.track)).sort(bySliceKey)).toEqual(want.cpu);

    // Instants: thread-scoped on the thread's track, global ones on "events".
    const tname = new Map(log.threads.map((t) => [t.tid, t.name]));
    expect(instants).toEqual(
      log.instants.map((i) => ({
        track: i.tid === null ? 'events' : tname.get(i.tid)!,
        name: i.name,
        tsNs: i.tsNs,
        args: Object.fromEntries(Object.entries(i.args ?? {}).map(([k, v]) => [k, String(v)])),
      })),
    );

    // Counters: every point, exactly.
    expect(Object.fromEntries(counters)).toEqual(Object.fromEntries(log.counters.map((c) => [c.name, c.points])));
  });

  it('orders packets: descriptors first, then non-decreasing timestamps; state cleared on the first', () => {
    const ps = packets();
    expect(one(ps[0]!, 'sequence_flags')).toBe('1');
    expect(ps.slice(1).every((p) => one(p, 'sequence_flags') === undefined)).toBe(true);
    const firstEvent = ps.findIndex((p) => sub(p, 'track_event'));
    expect(ps.slice(0, firstEvent).every((p) => sub(p, 'track_descriptor'))).toBe(true);
    const ts = ps.slice(firstEvent).map((p) => Number(one(p, 'timestamp')));
    expect(ts.every((t, i) => i === 0 || ts[i - 1]! <= t)).toBe(true);
    expect(ps.slice(firstEvent).every((p) => sub(p, 'track_event'))).toBe(true);
  });

  it('is deterministic', () => {
    expect(Buffer.from(writePerfettoTrace(syntheticLog())).equals(Buffer.from(bytes))).toBe(true);
  });
});

// ------------------------------------------------------------- JSON ---

describe('Chrome JSON', () => {
  const log = syntheticLog();
  const text = writeChromeTrace(log);
  const doc = JSON.parse(text) as { traceEvents: JsonEvent[]; displayTimeUnit: string };
  const ev = doc.traceEvents;
  const toNs = (us: number): number => Math.round(us * 1000);

  // Independent reconstruction of the process/thread naming from 'M' events.
  const procName = new Map<number, string>();
  const threadName = new Map<string, string>();
  for (const e of ev.filter((e) => e.ph === 'M')) {
    if (e.name === 'process_name') procName.set(e.pid, String(e.args!['name']));
    if (e.name === 'thread_name') threadName.set(`${e.pid}/${e.tid}`, String(e.args!['name']));
  }
  const cpusPid = [...procName].find(([, n]) => n === 'CPUs')![0];
  const complete = ev.filter((e) => e.ph === 'X');
  const cpuEvents = complete.filter((e) => e.pid === cpusPid);
  const taskEvents = complete.filter((e) => e.pid !== cpusPid);

  it('is a Trace Event Format object with names for every process and thread', () => {
    expect(doc.displayTimeUnit).toBe('ns');
    for (const p of log.processes) expect(procName.get(p.pid)).toBe(p.name);
    for (const t of log.threads) expect(threadName.get(`${t.pid}/${t.tid}`)).toBe(t.name);
    const cpuThreads = [...threadName]
      .filter(([k]) => k.startsWith(`${cpusPid}/`))
      .map(([, n]) => n)
      .sort();
    expect(cpuThreads).toEqual(['cpu0', 'cpu1']);
    expect(writeTrace(log, 'json')).toBe(text);
  });

  it('recovers per-thread total slice time and CPU time', () => {
    const sum = (pairs: Array<[number, number]>) => {
      const m = new Map<number, number>();
      for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
      return Object.fromEntries([...m].sort((a, b) => a[0] - b[0]));
    };
    expect(sum(taskEvents.map((e) => [e.tid!, toNs(e.dur!)]))).toEqual(sum(log.taskSlices.map((s) => [s.tid, s.endNs - s.startNs])));
    expect(sum(cpuEvents.map((e) => [Number(e.args!['tid']), toNs(e.dur!)]))).toEqual(sum(log.cpuSlices.map((s) => [s.tid, s.endNs - s.startNs])));
    // Spin time per thread survives too.
    expect(sum(cpuEvents.filter((e) => e.name.startsWith('spin: ')).map((e) => [Number(e.args!['tid']), toNs(e.dur!)]))).toEqual(
      sum(log.cpuSlices.filter((s) => s.spinning).map((s) => [s.tid, s.endNs - s.startNs])),
    );
  });

  it('recovers every slice exactly and keeps each CPU free of overlap', () => {
    const want = expectedSlices(log);
    const asSlice = (e: JsonEvent, track: string): Slice => ({ track, name: e.name, startNs: toNs(e.ts!), endNs: toNs(e.ts! + e.dur!) });
    expect(taskEvents.map((e) => asSlice(e, threadName.get(`${e.pid}/${e.tid}`)!)).sort(bySliceKey)).toEqual(want.task);
    expect(cpuEvents.map((e) => asSlice(e, threadName.get(`${e.pid}/${e.tid}`)!)).sort(bySliceKey)).toEqual(want.cpu);
    const perCpu = new Map<number, JsonEvent[]>();
    for (const e of cpuEvents) perCpu.set(e.tid!, [...(perCpu.get(e.tid!) ?? []), e]);
    expect(perCpu.size).toBe(2);
    for (const list of perCpu.values()) {
      list.sort((a, b) => a.ts! - b.ts!);
      for (let i = 1; i < list.length; i++) expect(toNs(list[i - 1]!.ts! + list[i - 1]!.dur!)).toBeLessThanOrEqual(toNs(list[i]!.ts!));
    }
  });

  it('carries instants and counters', () => {
    const inst = ev.filter((e) => e.ph === 'i');
    expect(inst.map((e) => [e.name, toNs(e.ts!), e.s])).toEqual([...log.instants].sort((a, b) => a.tsNs - b.tsNs).map((i) => [i.name, i.tsNs, i.tid === null ? 'g' : 't']));
    const counters = new Map<string, Array<[number, number]>>();
    for (const e of ev.filter((e) => e.ph === 'C')) {
      const [v] = Object.values(e.args!);
      counters.set(e.name, [...(counters.get(e.name) ?? []), [toNs(e.ts!), Number(v)]]);
    }
    expect(Object.fromEntries(counters)).toEqual(Object.fromEntries(log.counters.map((c) => [c.name, c.points])));
  });

  it('orders events: metadata first, then non-decreasing ts', () => {
    const firstTimed = ev.findIndex((e) => e.ph !== 'M');
    expect(ev.slice(firstTimed).every((e) => e.ph !== 'M')).toBe(true);
    const ts = ev.slice(firstTimed).map((e) => e.ts!);
    expect(ts.every((t, i) => i === 0 || ts[i - 1]! <= t)).toBe(true);
  });
});

// ---------------------------------------------------------- validation --

describe('checkTraceLog', () => {
  it('accepts the synthetic log', () => {
    expect(() => checkTraceLog(syntheticLog())).not.toThrow();
  });

  it('rejects overlapping CPU slices, in the writers too', () => {
    const log = syntheticLog();
    log.cpuSlices.push({ cpu: 1, startNs: 7_000, endNs: 7_900, tid: 1001, spinning: false });
    expect(() => checkTraceLog(log)).toThrow(TraceLogError);
    expect(() => checkTraceLog(log)).toThrow(/cpu1 slices overlap: tid 41 \[3001, 7777\) and tid 1001 \[7000, 7900\)/);
    expect(() => writePerfettoTrace(log)).toThrow(/overlap/);
    expect(() => writeChromeTrace(log)).toThrow(/overlap/);
  });

  it('rejects end < start', () => {
    const log = syntheticLog();
    log.taskSlices.push({ tid: 40, name: 'backwards', startNs: 100, endNs: 50 });
    expect(() => checkTraceLog(log)).toThrow(/"backwards".*end 50 < start 100/);
  });

  it('rejects thread slices that do not nest', () => {
    const log = syntheticLog();
    log.taskSlices.push({ tid: 1000, name: 'straddler', startNs: 8_000, endNs: 9_500 });
    expect(() => checkTraceLog(log)).toThrow(/tid 1000 slices do not nest/);
  });

  it('rejects unknown threads and CPUs', () => {
    const a = syntheticLog();
    a.cpuSlices.push({ cpu: 2, startNs: 0, endNs: 1, tid: 40, spinning: false });
    expect(() => checkTraceLog(a)).toThrow(/cpu out of range/);
    const b = syntheticLog();
    b.instants.push({ tid: 999, name: 'ghost', tsNs: 5 });
    expect(() => checkTraceLog(b)).toThrow(/unknown tid 999/);
  });
});
