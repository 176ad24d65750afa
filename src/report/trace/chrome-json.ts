// Chrome Trace Event Format writer (chrome://tracing, also opens in Perfetto).
// ts/dur are microseconds (ns / 1000; the shortest decimal of an integer ns
// over 1000 is exact, so no precision is lost). Layout:
//   real processes/threads: 'X' task slices, thread-scoped 'i' instants
//   pseudo-process "CPUs": one thread per CPU ("cpu0"...), 'X' run slices
//     named by the thread ("spin: <thread>" while spinning)
//   pseudo-process "system": 'C' counters and global 'i' instants
// Pseudo pids/tids start above every real pid/tid so they never collide.

import type { TraceLog } from './model.js';
import { checkTraceLog, sortForNesting } from './validate.js';

type Args = Record<string, number | string>;
export interface ChromeTraceEvent {
  name: string;
  ph: 'M' | 'X' | 'i' | 'C';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'g';
  args?: Args;
}
export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ns';
}

const us = (ns: number): number => ns / 1000;

/** Builds the Trace Event Format object for `log`. Throws TraceLogError on a malformed log. */
export function buildChromeTrace(log: TraceLog): ChromeTrace {
  checkTraceLog(log);
  const meta: ChromeTraceEvent[] = [];
  const timed: ChromeTraceEvent[] = [];

  const base = 1 + Math.max(0, ...log.processes.map((p) => p.pid), ...log.threads.map((t) => t.tid));
  const cpusPid = base;
  const systemPid = base + 1;
  const cpuTid = (cpu: number): number => base + 2 + cpu;

  for (const p of log.processes) meta.push({ name: 'process_name', ph: 'M', pid: p.pid, args: { name: p.name } });
  const thread = new Map(log.threads.map((t) => [t.tid, t]));
  for (const t of log.threads) meta.push({ name: 'thread_name', ph: 'M', pid: t.pid, tid: t.tid, args: { name: t.name } });

  // Task slices, outer first so viewers nest equal-start slices correctly.
  for (const s of sortForNesting(log.taskSlices)) {
    const e: ChromeTraceEvent = { name: s.name, cat: 'task', ph: 'X', ts: us(s.startNs), dur: us(s.endNs - s.startNs), pid: thread.get(s.tid)!.pid, tid: s.tid };
    if (s.args) e.args = { ...s.args };
    timed.push(e);
  }

  // CPU pseudo-process.
  meta.push({ name: 'process_name', ph: 'M', pid: cpusPid, args: { name: 'CPUs' } });
  meta.push({ name: 'process_sort_index', ph: 'M', pid: cpusPid, args: { sort_index: -2 } });
  for (let cpu = 0; cpu < log.cpuCount; cpu++) {
    meta.push({ name: 'thread_name', ph: 'M', pid: cpusPid, tid: cpuTid(cpu), args: { name: `cpu${cpu}` } });
    meta.push({ name: 'thread_sort_index', ph: 'M', pid: cpusPid, tid: cpuTid(cpu), args: { sort_index: cpu } });
  }
  for (const s of log.cpuSlices) {
    const t = thread.get(s.tid)!;
    timed.push({
      name: s.spinning ? `spin: ${t.name}` : t.name,
      cat: 'sched',
      ph: 'X',
      ts: us(s.startNs),
      dur: us(s.endNs - s.startNs),
      pid: cpusPid,
      tid: cpuTid(s.cpu),
      args: { tid: s.tid, pid: t.pid, spinning: s.spinning ? 1 : 0 },
    });
  }

  // System pseudo-process: counters and global instants.
  meta.push({ name: 'process_name', ph: 'M', pid: systemPid, args: { name: 'system' } });
  meta.push({ name: 'process_sort_index', ph: 'M', pid: systemPid, args: { sort_index: -1 } });
  meta.push({ name: 'thread_name', ph: 'M', pid: systemPid, tid: systemPid, args: { name: 'events' } });
  for (const e of log.instants) {
    const ev: ChromeTraceEvent =
      e.tid === null
        ? { name: e.name, cat: 'event', ph: 'i', s: 'g', ts: us(e.tsNs), pid: systemPid, tid: systemPid }
        : { name: e.name, cat: 'event', ph: 'i', s: 't', ts: us(e.tsNs), pid: thread.get(e.tid)!.pid, tid: e.tid };
    if (e.args) ev.args = { ...e.args };
    timed.push(ev);
  }
  for (const c of log.counters) {
    const key = c.unit || 'value'; // viewers label the series "<name> <key>"
    for (const [ts, v] of c.points) timed.push({ name: c.name, cat: 'counter', ph: 'C', ts: us(ts), pid: systemPid, args: { [key]: v } });
  }

  timed.sort((a, b) => a.ts! - b.ts!); // stable: nesting order survives ts ties
  return { traceEvents: [...meta, ...timed], displayTimeUnit: 'ns' };
}

/** Serialises `log` as Trace Event Format JSON text. */
export function writeChromeTrace(log: TraceLog): string {
  return JSON.stringify(buildChromeTrace(log));
}
