// Structural checks on a TraceLog before it is written: the writers rely on
// them (Perfetto BEGIN/END pairs need proper nesting, CPU tracks need
// non-overlapping slices). Throws TraceLogError naming the first offender.

import type { TraceLog, TraceTaskSlice } from './model.js';

export class TraceLogError extends Error {
  override name = 'TraceLogError';
}

function fail(msg: string): never {
  throw new TraceLogError(`invalid TraceLog: ${msg}`);
}

function checkTime(what: string, ns: number): void {
  if (!Number.isSafeInteger(ns) || ns < 0) fail(`${what}: time ${ns} is not a non-negative integer ns`);
}

function checkInterval(what: string, startNs: number, endNs: number): void {
  checkTime(what, startNs);
  checkTime(what, endNs);
  if (endNs < startNs) fail(`${what}: end ${endNs} < start ${startNs}`);
}

const sliceText = (s: TraceTaskSlice): string => `"${s.name}" [${s.startNs}, ${s.endNs})`;

/** Throws if the log cannot be drawn faithfully; returns normally otherwise. */
export function checkTraceLog(log: TraceLog): void {
  if (!Number.isSafeInteger(log.cpuCount) || log.cpuCount < 0) fail(`cpuCount ${log.cpuCount} is not a count`);

  const pids = new Set<number>();
  for (const p of log.processes) {
    if (pids.has(p.pid)) fail(`duplicate process pid ${p.pid}`);
    pids.add(p.pid);
  }
  const tids = new Set<number>();
  for (const t of log.threads) {
    if (tids.has(t.tid)) fail(`duplicate thread tid ${t.tid}`);
    if (!pids.has(t.pid)) fail(`thread ${t.tid} ("${t.name}") belongs to unknown pid ${t.pid}`);
    tids.add(t.tid);
  }
  const needTid = (what: string, tid: number): void => {
    if (!tids.has(tid)) fail(`${what} refers to unknown tid ${tid} (add it to threads)`);
  };

  // Per-CPU slices: in range, well-formed, no overlap.
  const byCpu = new Map<number, typeof log.cpuSlices>();
  for (const s of log.cpuSlices) {
    const what = `cpu${s.cpu} slice of tid ${s.tid} [${s.startNs}, ${s.endNs})`;
    if (!Number.isInteger(s.cpu) || s.cpu < 0 || s.cpu >= log.cpuCount) fail(`${what}: cpu out of range 0..${log.cpuCount - 1}`);
    checkInterval(what, s.startNs, s.endNs);
    needTid(what, s.tid);
    let list = byCpu.get(s.cpu);
    if (!list) byCpu.set(s.cpu, (list = []));
    list.push(s);
  }
  for (const [cpu, list] of byCpu) {
    const sorted = [...list].sort((a, b) => a.startNs - b.startNs || a.endNs - b.endNs);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!,
        b = sorted[i]!;
      if (b.startNs < a.endNs) {
        fail(`cpu${cpu} slices overlap: tid ${a.tid} [${a.startNs}, ${a.endNs}) and tid ${b.tid} [${b.startNs}, ${b.endNs})`);
      }
    }
  }

  // Thread slices: well-formed and properly nested per tid.
  const byTid = new Map<number, TraceTaskSlice[]>();
  for (const s of log.taskSlices) {
    const what = `task slice ${sliceText(s)} on tid ${s.tid}`;
    checkInterval(what, s.startNs, s.endNs);
    needTid(what, s.tid);
    let list = byTid.get(s.tid);
    if (!list) byTid.set(s.tid, (list = []));
    list.push(s);
  }
  for (const [tid, list] of byTid) {
    const stack: TraceTaskSlice[] = [];
    for (const s of sortForNesting(list)) {
      while (stack.length > 0 && stack[stack.length - 1]!.endNs <= s.startNs) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent && s.endNs > parent.endNs) {
        fail(`tid ${tid} slices do not nest: ${sliceText(parent)} and ${sliceText(s)} partially overlap`);
      }
      stack.push(s);
    }
  }

  for (const e of log.instants) {
    const what = `instant "${e.name}"`;
    checkTime(what, e.tsNs);
    if (e.tid !== null) needTid(what, e.tid);
  }

  const counterNames = new Set<string>();
  for (const c of log.counters) {
    if (counterNames.has(c.name)) fail(`duplicate counter "${c.name}"`);
    counterNames.add(c.name);
    let prev = -1;
    for (const [ts, v] of c.points) {
      checkTime(`counter "${c.name}"`, ts);
      if (ts < prev) fail(`counter "${c.name}": ts ${ts} after ${prev} is not ascending`);
      if (!Number.isFinite(v)) fail(`counter "${c.name}" at ${ts}: value ${v} is not finite`);
      prev = ts;
    }
  }
}

/**
 * Outer slices first: by start ascending, then end descending; ties keep input
 * order (the earlier slice encloses the later). Shared with the writers so the
 * nesting they emit is the nesting checked here.
 */
export function sortForNesting<T extends { startNs: number; endNs: number }>(slices: readonly T[]): T[] {
  return [...slices].sort((a, b) => a.startNs - b.startNs || b.endNs - a.endNs);
}
