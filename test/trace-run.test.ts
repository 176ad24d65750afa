// Traces of real runs (camera-launch, 1.5 s) checked against the run's ground
// truth: tracing leaves the fingerprint alone; the Perfetto output decoded by
// Debian's protoc, and the JSON output parsed here, show every LMKD kill,
// non-overlapping CPU tracks, per-thread CPU time equal to the scheduler's
// accounting, the final free memory and the peak of parked swap entries.

import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonEvent } from './support/chrome-event.js';
import { one, protoc, protocDecode, sub, type TextMsg } from './support/protoc-text.js';
import { writeTrace, type TraceLog } from '../src/report/trace/index.js';
import { nestTaskSlices } from '../src/report/trace/collector.js';
import { recordTrace, traceSimulation } from '../src/cli/record-trace.js';
import { loadScenario } from '../src/scenario/loader.js';
import type { RunRecord } from '../src/metrics/types.js';
import type { Simulation } from '../src/sim/build.js';
import { runScenario } from '../src/sim/run.js';

const SEED = 7;
const scenario = () => loadScenario('camera-launch', ['duration_ms=1500']);

// ------------------------------ protoc text format (as in trace-writers) --

// ------------------------------------------------ what a trace shows --

/** The facts the checks compare, recovered from one output format. */
interface Seen {
  /** [cpu, startNs, endNs, tid, spinning] */
  cpuSlices: Array<[number, number, number, number, boolean]>;
  /** Instants on thread tracks: [tid, name, tsNs, args]. */
  threadInstants: Array<{ tid: number; name: string; tsNs: number; args: Record<string, string> }>;
  counters: Map<string, Array<[number, number]>>;
  cpuTracks: number;
}

function fromPerfetto(bytes: Uint8Array): Seen {
  type Track = { kind: 'cpu'; cpu: number } | { kind: 'thread'; tid: number } | { kind: 'counter' | 'other'; name: string };
  const tracks = new Map<string, Track>();
  const open = new Map<string, Array<{ ts: number; tid: number; spinning: boolean }>>();
  const seen: Seen = { cpuSlices: [], threadInstants: [], counters: new Map(), cpuTracks: 0 };
  const args = (e: TextMsg): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const a of (e['debug_annotations'] ?? []) as TextMsg[]) {
      out[one(a, 'name')!] = one(a, 'int_value') ?? one(a, 'double_value') ?? one(a, 'string_value')!;
    }
    return out;
  };
  for (const p of (protocDecode(bytes)['packet'] ?? []) as TextMsg[]) {
    const d = sub(p, 'track_descriptor');
    if (d) {
      const thr = sub(d, 'thread');
      const name = one(d, 'name') ?? '';
      const cpu = /^cpu(\d+)$/.exec(name);
      if (thr) tracks.set(one(d, 'uuid')!, { kind: 'thread', tid: Number(one(thr, 'tid')) });
      else if (cpu) {
        tracks.set(one(d, 'uuid')!, { kind: 'cpu', cpu: Number(cpu[1]) });
        seen.cpuTracks++;
      } else tracks.set(one(d, 'uuid')!, { kind: sub(d, 'counter') ? 'counter' : 'other', name });
      continue;
    }
    const e = sub(p, 'track_event')!;
    const ts = Number(one(p, 'timestamp'));
    const uuid = one(e, 'track_uuid')!;
    const track = tracks.get(uuid);
    if (!track) throw new Error(`event on undeclared track ${uuid}`);
    const type = one(e, 'type');
    if (track.kind === 'cpu') {
      const stack = open.get(uuid) ?? [];
      open.set(uuid, stack);
      if (type === 'TYPE_SLICE_BEGIN') stack.push({ ts, tid: Number(args(e)['tid']), spinning: one(e, 'name')!.startsWith('spin: ') });
      else if (type === 'TYPE_SLICE_END') {
        const b = stack.pop()!;
        seen.cpuSlices.push([track.cpu, b.ts, ts, b.tid, b.spinning]);
      } else throw new Error(`unexpected ${type} on a CPU track`);
    } else if (track.kind === 'thread' && type === 'TYPE_INSTANT') {
      seen.threadInstants.push({ tid: track.tid, name: one(e, 'name')!, tsNs: ts, args: args(e) });
    } else if (track.kind === 'counter') {
      expect(type).toBe('TYPE_COUNTER');
      const v = Number(one(e, 'counter_value') ?? one(e, 'double_counter_value'));
      seen.counters.set(track.name, [...(seen.counters.get(track.name) ?? []), [ts, v]]);
    }
  }
  for (const stack of open.values()) expect(stack).toEqual([]);
  return seen;
}

function fromJson(text: string): Seen {
  const ev = (JSON.parse(text) as { traceEvents: JsonEvent[] }).traceEvents;
  const ns = (us: number): number => Math.round(us * 1000);
  const procName = new Map<number, string>();
  const cpuOfTid = new Map<number, number>();
  for (const e of ev.filter((x) => x.ph === 'M')) if (e.name === 'process_name') procName.set(e.pid, String(e.args!['name']));
  const cpusPid = [...procName].find(([, n]) => n === 'CPUs')![0];
  const systemPid = [...procName].find(([, n]) => n === 'system')![0];
  for (const e of ev) {
    if (e.ph === 'M' && e.name === 'thread_name' && e.pid === cpusPid) cpuOfTid.set(e.tid!, Number(/^cpu(\d+)$/.exec(String(e.args!['name']))![1]));
  }
  const seen: Seen = { cpuSlices: [], threadInstants: [], counters: new Map(), cpuTracks: cpuOfTid.size };
  for (const e of ev) {
    if (e.ph === 'X' && e.pid === cpusPid) {
      seen.cpuSlices.push([cpuOfTid.get(e.tid!)!, ns(e.ts!), ns(e.ts!) + ns(e.dur!), Number(e.args!['tid']), e.name.startsWith('spin: ')]);
    } else if (e.ph === 'i' && e.s === 't') {
      const args = Object.fromEntries(Object.entries(e.args ?? {}).map(([k, v]) => [k, String(v)]));
      seen.threadInstants.push({ tid: e.tid!, name: e.name, tsNs: ns(e.ts!), args });
    } else if (e.ph === 'C' && e.pid === systemPid) {
      const [v] = Object.values(e.args!);
      seen.counters.set(e.name, [...(seen.counters.get(e.name) ?? []), [ns(e.ts!), Number(v)]]);
    }
  }
  return seen;
}

// ---------------------------------------------------------------- checks --

interface Run {
  record: RunRecord;
  sim: Simulation;
  log: TraceLog;
  warnings: string[];
}

function expectKills(seen: Seen, sim: Simulation): void {
  // On the lmkd thread that sent SIGKILL: a reaper thread with today's lmkd (mrelease).
  const lmkdTids = new Set(sim.K.sched.tasks.filter((t) => t.name.startsWith('lmkd')).map((t) => t.tid));
  const kills = seen.threadInstants.filter((i) => i.name.startsWith('kill '));
  expect(kills.length).toBeGreaterThan(0);
  for (const k of kills) expect(lmkdTids.has(k.tid)).toBe(true);
  expect(kills.map((i) => [i.tid, i.name, i.tsNs, i.args['reason']])).toEqual(sim.kills.map((k) => [k.tid, `kill ${k.name}`, k.atNs, k.reason]));
}

function expectCpuFacts(seen: Seen, sim: Simulation): void {
  expect(seen.cpuTracks).toBe(sim.K.sched.cpus.length);
  // No overlap on any CPU.
  const byCpu = new Map<number, Array<[number, number]>>();
  for (const [cpu, s, e] of seen.cpuSlices) byCpu.set(cpu, [...(byCpu.get(cpu) ?? []), [s, e]]);
  for (const list of byCpu.values()) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) expect(list[i]![0]).toBeGreaterThanOrEqual(list[i - 1]![1]);
  }
  // Per thread: CPU-slice time = running + spinning; spin slices = spinning.
  const total = new Map<number, number>();
  const spin = new Map<number, number>();
  for (const [, s, e, tid, spinning] of seen.cpuSlices) {
    total.set(tid, (total.get(tid) ?? 0) + e - s);
    if (spinning) spin.set(tid, (spin.get(tid) ?? 0) + e - s);
  }
  const tasks = sim.K.sched.tasks;
  expect(Object.fromEntries(tasks.map((t) => [`${t.tid} ${t.name}`, total.get(t.tid) ?? 0]))).toEqual(
    Object.fromEntries(tasks.map((t) => [`${t.tid} ${t.name}`, t.acct.runningNs + t.acct.spinningNs])),
  );
  expect(Object.fromEntries(tasks.map((t) => [`${t.tid} ${t.name}`, spin.get(t.tid) ?? 0]))).toEqual(Object.fromEntries(tasks.map((t) => [`${t.tid} ${t.name}`, t.acct.spinningNs])));
  expect([...total.keys()].every((tid) => tasks.some((t) => t.tid === tid))).toBe(true);
}

function expectCounterFacts(seen: Seen, run: Run): void {
  const free = seen.counters.get('free_mem_mib')!;
  expect(free.at(-1)![1]).toBe(run.sim.K.zone.freePages / 256);
  const parked = seen.counters.get('parked_swap_entries')!;
  expect(Math.max(...parked.map(([, v]) => v))).toBe(run.record.output.metrics.deferred_entries_peak);
  expect(seen.counters.get('zram_mib')!.at(-1)![1]).toBe(run.sim.K.zs.poolPages / 256);
  for (const pts of seen.counters.values()) expect(pts.every(([t], i) => i === 0 || pts[i - 1]![0] <= t)).toBe(true);
}

// ----------------------------------------------------------------- tests --

describe.each(['sync', 'async-mmu-gather'])('traced camera-launch (%s)', (policy) => {
  let run: Run;
  beforeAll(() => {
    run = traceSimulation(scenario(), { policy, seed: SEED });
  });

  it('does not change the run: fingerprint equals an untraced run', () => {
    const untraced = runScenario(scenario(), { policy, seed: SEED });
    expect(run.record.output.fingerprint).toBe(untraced.output.fingerprint);
    expect(run.record.output.metrics.events).toBe(untraced.output.metrics.events);
    expect(run.warnings).toEqual([]);
  });

  it('is not vacuous: LMKD killed apps, and exit spans were traced', () => {
    expect(run.sim.kills.length).toBeGreaterThan(0);
    expect(run.log.taskSlices.filter((s) => s.name === 'do_exit').length).toBeGreaterThan(0);
    if (policy === 'async-mmu-gather') {
      expect(run.record.output.metrics.deferred_entries_peak).toBeGreaterThan(0);
      expect(run.log.threads.some((t) => t.name.startsWith('kworker/'))).toBe(true);
      expect(run.log.taskSlices.some((s) => /^tlb_swap_async_free_work#\d+$/.test(s.name))).toBe(true);
    }
  });

  it('recordTrace gives the same record fingerprint and the same bytes', () => {
    const r = recordTrace(scenario(), { policy, seed: SEED }, 'perfetto');
    expect(r.record.output.fingerprint).toBe(run.record.output.fingerprint);
    expect(Buffer.from(r.trace).equals(Buffer.from(writeTrace(run.log, 'perfetto')))).toBe(true);
    expect(r.log).toEqual(run.log);
  });

  describe.skipIf(!protoc.ok)(`Perfetto output decoded by protoc${protoc.ok ? '' : ' [SKIPPED: no protoc]'}`, () => {
    let seen: Seen;
    beforeAll(() => {
      seen = fromPerfetto(writeTrace(run.log, 'perfetto'));
    });
    it('shows every LMKD kill as an instant on the lmkd thread', () => expectKills(seen, run.sim));
    it('has non-overlapping CPU tracks and per-thread CPU time equal to the accounting', () => expectCpuFacts(seen, run.sim));
    it('ends free memory at the final value and peaks parked entries at the metric', () => expectCounterFacts(seen, run));
  });

  describe('JSON output parsed independently', () => {
    let seen: Seen;
    beforeAll(() => {
      seen = fromJson(writeTrace(run.log, 'json'));
    });
    it('shows every LMKD kill as an instant on the lmkd thread', () => expectKills(seen, run.sim));
    it('has non-overlapping CPU tracks and per-thread CPU time equal to the accounting', () => expectCpuFacts(seen, run.sim));
    it('ends free memory at the final value and peaks parked entries at the metric', () => expectCounterFacts(seen, run));
  });
});

describe('nestTaskSlices', () => {
  it('clips a slice that outlives its parent and says so', () => {
    const warnings: string[] = [];
    const out = nestTaskSlices(
      [
        { tid: 1, name: 'outer', startNs: 0, endNs: 10 },
        { tid: 1, name: 'straddler', startNs: 5, endNs: 15 },
        { tid: 1, name: 'after', startNs: 15, endNs: 20 },
        { tid: 2, name: 'other', startNs: 5, endNs: 15 },
      ],
      (w) => warnings.push(w),
    );
    expect(out[1]).toEqual({ tid: 1, name: 'straddler', startNs: 5, endNs: 10, args: { clipped_end_ns: 15 } });
    expect(out.slice(2).map((s) => s.endNs)).toEqual([20, 15]);
    expect(warnings).toEqual(['tid 1: "straddler" [5, 15) outlives "outer" [0, 10); clipped']);
  });
});
