// The kernel model assembled on the simulation core: memory zone, swap
// device (with its slot caches and swap_cgroup), zram and zsmalloc (with
// their locks), the pid table, /proc/vmstat, the parked-entry count, and the
// active swap-free policy. Each subsystem owns its state and locks; the
// behaviour lives in mm/, swap/, zram/, exit/. This file only wires them.

import type { Costs } from '../calibration/calibration.js';
import { DEFAULT_LINE_TRANSFER, SharedLines, type LineTransferLatency } from './cacheline/shared-lines.js';
import { CoreMachine } from './core-machine.js';
import { createProcess, type ProcessSpec } from './fork.js';
import { sendSigkill } from './exit/signal.js';
import { Zone, type Watermarks } from './mm/zone.js';
import type { SwapFreePolicy } from './policy-hooks.js';
import type { KernelPreset } from './presets/presets.js';
import { ProcessTable, type KProcess } from './process.js';
import type { SchedParams } from './sched/core.js';
import type { CpuSpec } from './sched/topology.js';
import { ParkedSwap } from './swap/parked-swap.js';
import { SwapInfo } from './swap/swap-info.js';
import { VmStat } from './vmstat.js';
import { Zram } from './zram/zram.js';
import { Zsmalloc } from './zram/zsmalloc.js';

export interface KernelConfig {
  seed: number;
  cpus: CpuSpec[];
  preset: KernelPreset;
  costs: Costs;
  sched?: Partial<SchedParams>;
  ramPages: number;
  freePages: number;
  watermarks: Watermarks;
  swapSlots: number;
  compressionRatio: number;
  /** Share of swapped pages zram stores as same-filled (no zsmalloc object). */
  sameFilledRatio: number;
  /** 'chunk': one step per lock hold over a PMD's runs; 'fine': one per free_swap_and_cache_nr call. */
  aggregation: 'chunk' | 'fine';
  policy: SwapFreePolicy;
  /** Core-to-core cache-line transfer latency of the platform (default: the phone's). */
  lineTransfer?: LineTransferLatency;
}

export class Kernel {
  readonly core: CoreMachine;
  readonly zone: Zone;
  readonly si: SwapInfo;
  readonly zs: Zsmalloc;
  readonly zram: Zram;
  readonly processes = new ProcessTable();
  readonly vmstat = new VmStat();
  readonly parked: ParkedSwap;
  /** Hot cache lines the free path writes (cacheline/shared-lines.ts). */
  readonly lines: SharedLines;

  constructor(readonly cfg: KernelConfig) {
    this.core = new CoreMachine({
      seed: cfg.seed,
      cpus: cfg.cpus,
      sched: cfg.sched,
      workqueue: { defaultMaxActive: cfg.preset.wqDefaultMaxActive, createWorkerNs: cfg.costs.create_worker_ns },
    });
    this.zone = new Zone(cfg.ramPages, cfg.freePages, cfg.watermarks, this.core.engine);
    this.si = new SwapInfo(cfg.swapSlots, this.core.locks, cfg.cpus.length);
    this.zs = new Zsmalloc(this.zone, this.core.locks, cfg.preset.zsmallocLock);
    this.zram = new Zram(this.si.swapMap.length, this.zs);
    this.parked = new ParkedSwap(this);
    this.lines = new SharedLines(cfg.cpus, cfg.lineTransfer ?? DEFAULT_LINE_TRANSFER);
    cfg.policy.init?.(this);
  }

  get engine() {
    return this.core.engine;
  }
  get sched() {
    return this.core.sched;
  }
  get costs(): Costs {
    return this.cfg.costs;
  }
  get preset(): KernelPreset {
    return this.cfg.preset;
  }
  get policy(): SwapFreePolicy {
    return this.cfg.policy;
  }
  get now(): number {
    return this.core.engine.nowNs;
  }

  /** fork(): see fork.ts. */
  createProcess(spec: ProcessSpec, body: Parameters<typeof createProcess>[2]): KProcess {
    return createProcess(this, spec, body);
  }

  /** kill(pid, SIGKILL): see exit/signal.ts. */
  kill(proc: KProcess): void {
    sendSigkill(this, proc);
  }
}
