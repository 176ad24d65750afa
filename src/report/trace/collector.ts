// Builds a TraceLog from a running Simulation. It only listens (scheduler,
// tracepoints, zone, parked entries, PSI): it never changes state or
// schedules events, so a traced run has the fingerprint of an untraced one.

import type { Task } from '../../kernel/sched/task.js';
import { PAGES_PER_MIB } from '../../kernel/mm/zone.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { Reclaim } from '../../kernel/mm/reclaim.js';
import type { TraceCounter, TraceCpuSlice, TraceInstant, TraceLog, TraceTaskSlice } from './model.js';
import { checkTraceLog } from './validate.js';

type Args = Record<string, number | string>;

/** What the collector listens to: the parts of sim/build.ts's Simulation it reads (report/ does not import sim/). */
export interface TracedRun {
  K: Kernel;
  reclaim: Reclaim;
  kills: ReadonlyArray<{ pid: number }>;
}

/**
 * A counter that keeps a point only when the value changes (ts order is the
 * run's). `lastPerTs` keeps one point per timestamp, the last value: free
 * memory changes many times within one ns (page by page); a counter whose
 * peak matters (parked entries) keeps every change.
 */
class CounterTrack {
  readonly points: Array<[number, number]> = [];
  constructor(
    readonly name: string,
    readonly unit: string,
    private readonly lastPerTs = false,
  ) {}

  sample(tsNs: number, value: number): void {
    const last = this.points[this.points.length - 1];
    if (this.lastPerTs && last && last[0] === tsNs) {
      const prev = this.points[this.points.length - 2];
      if (prev && prev[1] === value)
        this.points.pop(); // back to the previous value: no change
      else last[1] = value;
      return;
    }
    if (!last || last[1] !== value) this.points.push([tsNs, value]);
  }

  toCounter(): TraceCounter {
    return { name: this.name, unit: this.unit, points: this.points.map(([t, v]) => [t, v]) };
  }
}

export class TraceCollector {
  /** Every task seen, by tid (registered lazily: many are spawned mid-run). */
  private readonly tasks = new Map<number, Task>();
  /** pid -> process name, first name seen wins. */
  private readonly procNames = new Map<number, string>();
  /** Process identities that disagreed (same pid, another name): a model bug worth knowing. */
  readonly warnings: string[] = [];
  private readonly cpuSlices: TraceCpuSlice[] = [];
  /** Spans in report order (they end inner-first); seq breaks ties when sorting. */
  private readonly spans: Array<{ slice: TraceTaskSlice; seq: number }> = [];
  private readonly instants: TraceInstant[] = [];
  private readonly free = new CounterTrack('free_mem_mib', 'MiB', true);
  private readonly zram = new CounterTrack('zram_mib', 'MiB', true);
  private readonly parked = new CounterTrack('parked_swap_entries', 'entries');
  private readonly psi = new CounterTrack('psi_memory_some_ms', 'ms');

  constructor(private readonly sim: TracedRun) {
    const K = sim.K;
    for (const t of K.sched.tasks) this.see(t);
    K.sched.observers.push({
      cpuSlice: (cpu, task, startNs, endNs, spinning) => {
        this.see(task);
        this.cpuSlices.push({ cpu, startNs, endNs, tid: task.tid, spinning });
      },
    });
    K.core.trace.observers.push({
      span: (task, name, startNs, endNs, args) => {
        this.see(task);
        const slice: TraceTaskSlice = { tid: task.tid, name, startNs, endNs };
        if (args) slice.args = { ...args };
        this.spans.push({ slice, seq: this.spans.length });
      },
      instant: (task, name, tsNs, args) => {
        if (task) this.see(task);
        const e: TraceInstant = { tid: task ? task.tid : null, name, tsNs };
        if (args) e.args = { ...args };
        this.instants.push(e);
      },
    });
    // Initial values at attach time, then every change.
    const now = K.engine.nowNs;
    const onFree = (freePages: number, ts: number): void => {
      this.free.sample(ts, freePages / PAGES_PER_MIB);
      this.zram.sample(ts, K.zs.poolPages / PAGES_PER_MIB); // zsmalloc pages come from the zone
    };
    onFree(K.zone.freePages, now);
    K.zone.listeners.push({ freePagesChanged: onFree });
    let parked = K.parked.entries;
    this.parked.sample(now, parked);
    K.core.trace.mm.push({
      swapEntriesParked: (entries, _bytes, ts) => {
        parked += entries;
        this.parked.sample(ts, parked);
      },
    });
    this.psi.sample(now, sim.reclaim.psi.someTotalNs / 1e6);
    sim.reclaim.psi.listeners.push((someNs, ts) => this.psi.sample(ts, someNs / 1e6));
  }

  private see(task: Task): void {
    if (this.tasks.has(task.tid)) return;
    this.tasks.set(task.tid, task);
    const { pid, name } = task.proc;
    const known = this.procNames.get(pid);
    if (known === undefined) this.procNames.set(pid, name);
    else if (known !== name) this.warnings.push(`pid ${pid} is both "${known}" and "${name}" (thread ${task.name})`);
  }

  /** The trace so far (call after the run; sched.finish() flushes open CPU slices). */
  log(): TraceLog {
    const K = this.sim.K;
    for (const t of K.sched.tasks) this.see(t); // threads that never ran or traced anything
    const processes = [...this.procNames].map(([pid, name]) => ({ pid, name })).sort((a, b) => a.pid - b.pid);
    const threads = [...this.tasks.values()].map((t) => ({ tid: t.tid, pid: t.proc.pid, name: t.name })).sort((a, b) => a.tid - b.tid);
    const cpuSlices = [...this.cpuSlices].sort((a, b) => a.cpu - b.cpu || a.startNs - b.startNs || a.endNs - b.endNs);
    // Outer before inner: identical intervals are reported inner-first, so a later report encloses.
    const sorted = [...this.spans].sort((a, b) => a.slice.tid - b.slice.tid || a.slice.startNs - b.slice.startNs || b.slice.endNs - a.slice.endNs || b.seq - a.seq).map((s) => s.slice);
    const taskSlices = nestTaskSlices(sorted, (w) => this.warnings.push(w));
    const log: TraceLog = {
      cpuCount: K.sched.cpus.length,
      processes,
      threads,
      cpuSlices,
      taskSlices,
      instants: [...this.instants, ...this.deathInstants()].sort((a, b) => a.tsNs - b.tsNs),
      counters: [this.free, this.zram, this.parked, this.psi].map((c) => c.toCounter()),
    };
    checkTraceLog(log);
    return log;
  }

  /** Global instants: kills that LMKD did not make (tracepoints cover its own), and deaths. */
  private deathInstants(): TraceInstant[] {
    const lmkd = new Set(this.sim.kills.map((k) => k.pid));
    const out: TraceInstant[] = [];
    for (const p of this.sim.K.processes.all) {
      if (p.killedAtNs >= 0 && !lmkd.has(p.pid)) out.push({ tid: null, name: `kill ${p.name}`, tsNs: p.killedAtNs, args: { pid: p.pid } });
      if (p.deadAtNs >= 0) {
        const args: Args = { pid: p.pid };
        if (p.killedAtNs >= 0) args['exit_ms'] = (p.deadAtNs - p.killedAtNs) / 1e6;
        out.push({ tid: null, name: `dead ${p.name}`, tsNs: p.deadAtNs, args });
      }
    }
    return out;
  }
}

/**
 * Makes each thread's slices nest: input sorted by (tid, start asc, end desc);
 * a slice that outlives its enclosing one is clipped to the parent's end
 * (the true end kept in args.clipped_end_ns) and reported through `warn`.
 */
export function nestTaskSlices(sorted: readonly TraceTaskSlice[], warn: (msg: string) => void): TraceTaskSlice[] {
  const out: TraceTaskSlice[] = [];
  let stack: TraceTaskSlice[] = [];
  let tid = Number.NaN;
  for (let s of sorted) {
    if (s.tid !== tid) {
      tid = s.tid;
      stack = [];
    }
    while (stack.length > 0 && stack[stack.length - 1]!.endNs <= s.startNs) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && s.endNs > parent.endNs) {
      warn(`tid ${s.tid}: "${s.name}" [${s.startNs}, ${s.endNs}) outlives "${parent.name}" [${parent.startNs}, ${parent.endNs}); clipped`);
      s = { ...s, endNs: parent.endNs, args: { ...s.args, clipped_end_ns: s.endNs } };
    }
    stack.push(s);
    out.push(s);
  }
  return out;
}
