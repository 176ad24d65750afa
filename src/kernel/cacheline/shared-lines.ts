// Shared cache lines as a resource. A CPU that writes a line another CPU
// wrote last must first pull it over (a coherence transfer whose latency
// depends on where the two CPUs sit: same cluster, other cluster, other
// NUMA node); transfers of one line serialize, because the line has one
// owner at a time. A CPU writing a line it already owns pays nothing.
//
// Writes come in holds of `ops` writes spread over `spanNs` (a chunk-mode
// step frees up to a PMD's entries at once). Inside a hold, the fine-grained
// interleaving is implied by the other CPUs that wrote the line during the
// same span: each of their writes steals the line back, so the hold pays
// 1 (if another CPU owned the line) + min(ops - 1, writes by others in the
// last span) transfers. With ops = 1 this is exactly the per-write rule.

import type { CpuSpec } from '../sched/topology.js';

/** Core-to-core line-transfer latency of a platform, ns. */
export interface LineTransferLatency {
  sameClusterNs: number;
  otherClusterNs: number;
  otherNodeNs: number;
}

const RECENT_HOLDS = 8;

/** Used when a kernel is built without a platform figure (unit tests): the phone's. */
export const DEFAULT_LINE_TRANSFER: LineTransferLatency = { sameClusterNs: 45, otherClusterNs: 140, otherNodeNs: 140 };

export class SharedLine {
  lastCpu = -1;
  /** The line is busy moving until then (transfers serialize). */
  busyUntilNs = 0;
  transfers = 0;
  /** Stall time CPUs spent on this line: transfers plus queueing behind other transfers. */
  stallNs = 0;
  writes = 0;
  private readonly recentCpu = new Int32Array(RECENT_HOLDS).fill(-1);
  private readonly recentOps = new Float64Array(RECENT_HOLDS);
  private readonly recentEndNs = new Float64Array(RECENT_HOLDS);
  private next = 0;

  constructor(readonly name: string) {}

  /** Writes by CPUs other than `cpu` in holds that ended after `sinceNs`. */
  othersSince(cpu: number, sinceNs: number): number {
    let n = 0;
    for (let i = 0; i < RECENT_HOLDS; i++) {
      if (this.recentCpu[i]! >= 0 && this.recentCpu[i] !== cpu && this.recentEndNs[i]! > sinceNs) n += this.recentOps[i]!;
    }
    return n;
  }

  /** The CPU other than `cpu` that wrote the line most recently, or -1. */
  lastOtherCpu(cpu: number): number {
    let best = -1;
    let bestEnd = -Infinity;
    for (let i = 0; i < RECENT_HOLDS; i++) {
      const c = this.recentCpu[i]!;
      if (c >= 0 && c !== cpu && this.recentEndNs[i]! > bestEnd) {
        bestEnd = this.recentEndNs[i]!;
        best = c;
      }
    }
    return best;
  }

  record(cpu: number, ops: number, endNs: number): void {
    this.recentCpu[this.next] = cpu;
    this.recentOps[this.next] = ops;
    this.recentEndNs[this.next] = endNs;
    this.next = (this.next + 1) % RECENT_HOLDS;
  }
}

export class SharedLines {
  private readonly lines = new Map<string, SharedLine>();

  constructor(
    private readonly cpus: readonly CpuSpec[],
    readonly latency: LineTransferLatency,
  ) {}

  line(name: string): SharedLine {
    let l = this.lines.get(name);
    if (!l) {
      l = new SharedLine(name);
      this.lines.set(name, l);
    }
    return l;
  }

  all(): SharedLine[] {
    return [...this.lines.values()];
  }

  transferNs(from: number, to: number): number {
    const a = this.cpus[from]!;
    const b = this.cpus[to]!;
    if (a.node !== b.node) return this.latency.otherNodeNs;
    return a.cluster === b.cluster ? this.latency.sameClusterNs : this.latency.otherClusterNs;
  }

  /**
   * CPU `cpu` writes `line` `ops` times over about `spanNs` starting at
   * `nowNs`; returns the stall (wall ns) the writes cost it.
   */
  write(name: string, cpu: number, ops: number, nowNs: number, spanNs: number): number {
    if (ops <= 0) return 0;
    const l = this.line(name);
    l.writes += ops;
    const prev = l.lastCpu;
    let transfers = prev >= 0 && prev !== cpu ? 1 : 0;
    if (ops > 1) transfers += Math.min(ops - 1, l.othersSince(cpu, nowNs - spanNs));
    let stall = 0;
    if (transfers > 0) {
      const from = prev >= 0 && prev !== cpu ? prev : l.lastOtherCpu(cpu);
      const lat = this.transferNs(from >= 0 ? from : cpu, cpu);
      const start = Math.max(nowNs, l.busyUntilNs);
      stall = start - nowNs + transfers * lat;
      l.busyUntilNs = start + transfers * lat;
      l.transfers += transfers;
      l.stallNs += stall;
    }
    l.lastCpu = cpu;
    l.record(cpu, ops, nowNs + spanNs + stall);
    return stall;
  }
}
