// What a run records for timeline export (Perfetto protobuf or Chrome JSON).
// Collected by an observer of the engine; writing it never steers the run.
// Times are simulation nanoseconds.

export interface TraceProcess {
  pid: number;
  name: string;
}

export interface TraceThread {
  tid: number;
  pid: number;
  name: string;
}

/** A CPU ran `tid` over [startNs, endNs); `spinning` when it burned the time on a spinlock. */
export interface TraceCpuSlice {
  cpu: number;
  startNs: number;
  endNs: number;
  tid: number;
  spinning: boolean;
}

/** A named interval on a thread's own track; slices of one thread nest properly. */
export interface TraceTaskSlice {
  tid: number;
  name: string;
  startNs: number;
  endNs: number;
  args?: Record<string, number | string>;
}

/** A point event (an LMKD kill, a work item queued). tid null means a global track. */
export interface TraceInstant {
  tid: number | null;
  name: string;
  tsNs: number;
  args?: Record<string, number | string>;
}

export interface TraceCounter {
  name: string;
  unit: string;
  /** [tsNs, value], ts ascending. */
  points: Array<[number, number]>;
}

export interface TraceLog {
  cpuCount: number;
  processes: TraceProcess[];
  threads: TraceThread[];
  cpuSlices: TraceCpuSlice[];
  taskSlices: TraceTaskSlice[];
  instants: TraceInstant[];
  counters: TraceCounter[];
}
