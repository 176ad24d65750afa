// Perfetto protobuf writer: TraceLog -> binary Trace (open in ui.perfetto.dev).
// Track layout (one packet sequence, descriptors first, then events in ts order):
//   "CPUs" (root) > "cpu0".."cpuN-1": slices named by the running thread,
//                                     "spin: <thread>" while spinning
//   "events" (root): global instants (tid null)
//   process tracks > thread tracks: nested exit-phase / work-item slices and
//                                   the thread's instants
//   one counter track per TraceCounter (root level, unit_name = unit)
// The schema is perfetto_trace.proto beside this file (the same file the
// tests hand to protoc), read from the source tree at first use.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { projectRoot } from '../../scenario/loader.js';
import type { TraceInstant, TraceLog, TraceTaskSlice } from './model.js';
import { checkTraceLog, sortForNesting } from './validate.js';

const SEQ_ID = 1;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;
const TYPE_SLICE_BEGIN = 1;
const TYPE_SLICE_END = 2;
const TYPE_INSTANT = 3;
const TYPE_COUNTER = 4;
const CHILD_ORDERING_EXPLICIT = 3;

type Obj = Record<string, unknown>;
type Args = Record<string, number | string> | undefined;
interface Timed {
  ts: number;
  event: Obj;
}

let packetType: protobuf.Type | undefined;
function getPacketType(): protobuf.Type {
  packetType ??= protobuf.parse(PERFETTO_TRACE_PROTO(), { keepCase: true }).root.lookupType('perfetto.protos.TracePacket');
  return packetType;
}

/**
 * Encodes a Trace (repeated TracePacket packet = 1) packet by packet, flushing
 * the writer every few thousand packets: one protobufjs Writer for a whole
 * multi-million-event trace spends most of its time in GC.
 */
function encodeTrace(packets: Iterable<Obj>): Uint8Array {
  const type = getPacketType();
  const chunks: Uint8Array[] = [];
  let w = protobuf.Writer.create();
  let n = 0;
  for (const p of packets) {
    type.encode(p, w.uint32((1 << 3) | 2).fork()).ldelim(); // Trace.packet: field 1, length-delimited
    if (++n % 4096 === 0) {
      chunks.push(w.finish());
      w = protobuf.Writer.create();
    }
  }
  chunks.push(w.finish());
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function annotations(args: Args): Obj[] | undefined {
  if (!args) return undefined;
  const out: Obj[] = [];
  for (const [name, v] of Object.entries(args)) {
    if (typeof v === 'string') out.push({ name, string_value: v });
    else if (Number.isSafeInteger(v)) out.push({ name, int_value: v });
    else out.push({ name, double_value: v });
  }
  return out.length > 0 ? out : undefined;
}

function withArgs(event: Obj, args: Args): Obj {
  const a = annotations(args);
  if (a) event['debug_annotations'] = a;
  return event;
}

/** Encodes `log` as a Perfetto Trace proto. Throws TraceLogError on a malformed log. */
export function writePerfettoTrace(log: TraceLog): Uint8Array {
  checkTraceLog(log);
  const descriptors: Obj[] = [];
  const timed: Timed[] = [];
  let nextUuid = 1;
  const track = (desc: Obj): number => {
    const uuid = nextUuid++;
    descriptors.push({ uuid, ...desc });
    return uuid;
  };

  // CPUs: a parent track with one child per CPU, kept in cpu order.
  const threadName = new Map(log.threads.map((t) => [t.tid, t.name]));
  const cpusUuid = track({ name: 'CPUs', child_ordering: CHILD_ORDERING_EXPLICIT });
  const cpuUuid: number[] = [];
  for (let cpu = 0; cpu < log.cpuCount; cpu++) {
    cpuUuid.push(track({ name: `cpu${cpu}`, parent_uuid: cpusUuid, sibling_order_rank: cpu }));
  }
  for (const s of [...log.cpuSlices].sort((a, b) => a.startNs - b.startNs || a.endNs - b.endNs)) {
    const track_uuid = cpuUuid[s.cpu]!;
    const tname = threadName.get(s.tid)!;
    const name = s.spinning ? `spin: ${tname}` : tname;
    const debug_annotations = [{ name: 'tid', int_value: s.tid }];
    timed.push({ ts: s.startNs, event: { type: TYPE_SLICE_BEGIN, track_uuid, name, categories: ['sched'], debug_annotations } });
    timed.push({ ts: s.endNs, event: { type: TYPE_SLICE_END, track_uuid } });
  }

  // Global instants.
  const eventsUuid = track({ name: 'events' });
  for (const e of log.instants) {
    if (e.tid !== null) continue;
    const event = { type: TYPE_INSTANT, track_uuid: eventsUuid, name: e.name, categories: ['event'] };
    timed.push({ ts: e.tsNs, event: withArgs(event, e.args) });
  }

  // Processes and their threads.
  const procUuid = new Map<number, number>();
  for (const p of log.processes) {
    procUuid.set(p.pid, track({ process: { pid: p.pid, process_name: p.name } }));
  }
  const slicesOf = groupBy(log.taskSlices, (s) => s.tid);
  const instantsOf = groupBy(log.instants, (e) => e.tid);
  for (const t of log.threads) {
    const uuid = track({ parent_uuid: procUuid.get(t.pid), thread: { pid: t.pid, tid: t.tid, thread_name: t.name } });
    for (const e of threadEvents(slicesOf.get(t.tid) ?? [], instantsOf.get(t.tid) ?? [], uuid)) timed.push(e);
  }

  // Counters.
  for (const c of log.counters) {
    const uuid = track({ name: c.name, counter: { unit_name: c.unit } });
    const field = c.points.every(([, v]) => Number.isSafeInteger(v)) ? 'counter_value' : 'double_counter_value';
    for (const [ts, v] of c.points) timed.push({ ts, event: { type: TYPE_COUNTER, track_uuid: uuid, [field]: v } });
  }

  // Array.prototype.sort is stable: per-track emission order survives ts ties.
  timed.sort((a, b) => a.ts - b.ts);
  function* packets(): Generator<Obj> {
    for (const [i, track_descriptor] of descriptors.entries()) {
      const p: Obj = { track_descriptor, trusted_packet_sequence_id: SEQ_ID };
      if (i === 0) p['sequence_flags'] = SEQ_INCREMENTAL_STATE_CLEARED; // always the CPUs descriptor
      yield p;
    }
    for (const { ts, event } of timed) yield { timestamp: ts, track_event: event, trusted_packet_sequence_id: SEQ_ID };
  }
  return encodeTrace(packets());
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** One thread's slices as properly nested BEGIN/END, with its instants merged in (ts order). */
function threadEvents(taskSlices: TraceTaskSlice[], threadInstants: TraceInstant[], track_uuid: number): Timed[] {
  const slices = sortForNesting(taskSlices);
  const instants = [...threadInstants].sort((a, b) => a.tsNs - b.tsNs);
  const out: Timed[] = [];
  let i = 0;
  // Instants at ts go after the ENDs at ts and before the BEGINs at ts.
  const flushInstants = (ts: number, inclusive: boolean): void => {
    for (; i < instants.length && (instants[i]!.tsNs < ts || (inclusive && instants[i]!.tsNs === ts)); i++) {
      const e = instants[i]!;
      out.push({ ts: e.tsNs, event: withArgs({ type: TYPE_INSTANT, track_uuid, name: e.name, categories: ['event'] }, e.args) });
    }
  };
  const end = (ts: number): void => {
    flushInstants(ts, false);
    out.push({ ts, event: { type: TYPE_SLICE_END, track_uuid } });
  };
  const open: number[] = []; // end times of open slices, innermost last
  for (const s of slices) {
    while (open.length > 0 && open[open.length - 1]! <= s.startNs) end(open.pop()!);
    flushInstants(s.startNs, true);
    out.push({ ts: s.startNs, event: withArgs({ type: TYPE_SLICE_BEGIN, track_uuid, name: s.name, categories: ['task'] }, s.args) });
    open.push(s.endNs);
  }
  while (open.length > 0) end(open.pop()!);
  flushInstants(Infinity, true);
  return out;
}

/** The text of src/report/trace/perfetto_trace.proto (compiled code runs from dist/, the .proto stays in src/). */
export function PERFETTO_TRACE_PROTO(): string {
  return readFileSync(join(projectRoot(), 'src', 'report', 'trace', 'perfetto_trace.proto'), 'utf8');
}
