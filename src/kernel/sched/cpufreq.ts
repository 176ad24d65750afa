// CPU frequency scaling per cluster (cpufreq policy = one frequency domain)
// with a schedutil-like governor (kernel/sched/cpufreq_schedutil.c):
//
//   util    PELT-like: busy time scaled by the CPU's current capacity
//           (frequency invariance), decayed with a 32 ms half-life
//   target  next_freq = 1.25 * util / arch_capacity * max_freq (get_next_freq),
//           the cluster taking the max over its CPUs (sugov_next_freq_shared),
//           resolved to the lowest operating point at or above it
//   RT      a runnable SCHED_FIFO task asks for max frequency (sugov_get_util
//           without uclamp)
//   rate    at most one change per rate_limit_us (sugov_should_update_freq)
//
// The ramp comes from PELT: at 100% busy, util grows toward the current
// capacity and the 1.25 headroom lifts the next request by 25% a step.
// The governor only ticks while a cluster has work or has not settled at its
// lowest point, so an idle phone costs no events.
//
// With DVFS off every cluster sits at its highest point and nothing here
// schedules an event or takes an id: runs are identical to a model without
// cpufreq, and the energy model still reports power at the top point.

import { asDoubleFields } from '../../engine/double-fields.js';
import { EventPriority, type EventTarget } from '../../engine/engine.js';
import type { Cpu } from './cpu.js';
import type { Scheduler } from './core.js';

/** One operating point: frequency and the dynamic power of one busy CPU at it. */
export interface OperatingPoint {
  mhz: number;
  busyMw: number;
}

export interface ClusterOpps {
  cluster: string;
  /** Ascending by frequency. */
  opps: OperatingPoint[];
  /** Power of an idle CPU of this cluster (WFI, clock gated, rail on), mW. */
  idleMw: number;
}

export interface GovernorParams {
  enabled: boolean;
  /** schedutil rate_limit_us, ns. */
  rateLimitNs: number;
  /** get_next_freq headroom: freq = headroom * util / capacity * max_freq. */
  headroom: number;
  /** PELT half-life (32 ms: y^32 = 0.5 over 1 ms periods). */
  peltHalfLifeNs: number;
}

/** A frequency domain: the CPUs of one cluster, their operating points and utilization. */
export class FreqDomain implements EventTarget {
  readonly fpId: number;
  curIdx: number;
  /** PELT util_avg per CPU of the domain, on the 1024 scale. */
  readonly utilAvg: number[];
  private readonly lastBusy: number[];
  private lastSampleNs = 0;
  /** The last decay factor and the interval it was computed for: most samples are one rate limit apart. */
  private decayDtNs = -1;
  private decay = 1;
  lastChangeNs = -Infinity;
  timer = -1;
  /** Frequency transitions made, for tests and vmstat. */
  transitions = 0;
  /** The operating points' frequencies, ascending, MHz: the governor searches them every tick. */
  private readonly mhz: Float64Array;
  readonly maxMhz: number;

  constructor(
    private readonly gov: Cpufreq,
    readonly spec: ClusterOpps,
    readonly cpus: Cpu[],
    fpId: number,
    startIdx: number,
  ) {
    this.fpId = fpId;
    this.curIdx = startIdx;
    this.utilAvg = cpus.map(() => 0);
    this.lastBusy = cpus.map((c) => c.invariantBusyNs);
    this.mhz = Float64Array.from(spec.opps, (o) => o.mhz);
    this.maxMhz = this.mhz[this.mhz.length - 1]!;
    asDoubleFields(this, ['lastSampleNs', 'decayDtNs', 'decay']);
  }

  get curMhz(): number {
    return this.spec.opps[this.curIdx]!.mhz;
  }

  /**
   * cpufreq_driver_resolve_freq(CPUFREQ_RELATION_L): the lowest point at or
   * above `targetMhz`, else the highest; by bisection, as the table ascends
   * (the big and prime tables have ~50 points).
   */
  resolveIdx(targetMhz: number): number {
    const mhz = this.mhz;
    let lo = 0;
    let hi = mhz.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (mhz[mid]! >= targetMhz) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  fire(): void {
    this.timer = -1;
    this.gov.update(this);
  }

  /** Some CPU of the domain runs or has work queued. */
  busy(): boolean {
    for (const c of this.cpus) if (!c.idle) return true;
    return false;
  }

  /** Decays util over [lastSample, now) with the busy share seen in it (___update_load_avg). */
  sample(nowNs: number, sched: Scheduler): void {
    const dt = nowNs - this.lastSampleNs;
    if (dt <= 0) return;
    if (dt !== this.decayDtNs) {
      this.decayDtNs = dt;
      this.decay = Math.pow(0.5, dt / this.gov.params.peltHalfLifeNs);
    }
    const y = this.decay;
    for (let i = 0; i < this.cpus.length; i++) {
      const c = this.cpus[i]!;
      sched.syncCpu(c);
      const busy = c.invariantBusyNs - this.lastBusy[i]!;
      this.lastBusy[i] = c.invariantBusyNs;
      const inst = Math.min(1024, (busy / dt) * 1024);
      this.utilAvg[i] = this.utilAvg[i]! * y + inst * (1 - y);
    }
    this.lastSampleNs = nowNs;
  }
}

export class Cpufreq {
  readonly domains: FreqDomain[] = [];
  private readonly byCpu: FreqDomain[] = [];

  constructor(
    readonly sched: Scheduler,
    clusters: ClusterOpps[],
    readonly params: GovernorParams,
  ) {
    for (const spec of clusters) {
      if (spec.opps.length === 0) throw new RangeError(`cpufreq: cluster ${spec.cluster} has no operating points`);
      for (let i = 1; i < spec.opps.length; i++) {
        if (!(spec.opps[i]!.mhz > spec.opps[i - 1]!.mhz)) throw new RangeError(`cpufreq: cluster ${spec.cluster} operating points not ascending`);
      }
      const cpus = sched.cpus.filter((c) => c.cluster === spec.cluster);
      if (cpus.length === 0) continue;
      // Ids only when the governor runs: with DVFS off, fingerprints stay those of a model without cpufreq.
      const fpId = params.enabled ? sched.ids.take() : 0;
      // DVFS on: boot at the lowest point with no utilization (a phone at rest); off: the top point.
      const d = new FreqDomain(this, spec, cpus, fpId, params.enabled ? 0 : spec.opps.length - 1);
      this.domains.push(d);
      for (const c of cpus) this.byCpu[c.id] = d;
    }
    for (const c of sched.cpus) {
      if (!this.byCpu[c.id]) throw new RangeError(`cpufreq: no operating points for cluster '${c.cluster}' of cpu${c.id}`);
    }
    if (params.enabled) {
      sched.onRun = this;
      for (const d of this.domains) this.applySpeed(d);
    }
  }

  domainOf(cpu: Cpu): FreqDomain {
    return this.byCpu[cpu.id]!;
  }

  /** Busy power of a CPU at its domain's current operating point, mW. */
  busyMw(cpuId: number): number {
    const d = this.byCpu[cpuId]!;
    return d.spec.opps[d.curIdx]!.busyMw;
  }

  idleMw(cpuId: number): number {
    return this.byCpu[cpuId]!.spec.idleMw;
  }

  /** A CPU of this domain started running: evaluate now if the rate limit allows, else at its end. */
  /** Scheduler.onRun: a task starts on `cpu` (cpufreq_update_util). */
  cpuStartsTask(cpu: Cpu): void {
    this.kick(this.byCpu[cpu.id]!);
  }

  private kick(d: FreqDomain): void {
    if (d.timer >= 0) return;
    const now = this.sched.engine.nowNs;
    this.arm(d, Math.max(now, d.lastChangeNs + this.params.rateLimitNs));
  }

  private arm(d: FreqDomain, atNs: number): void {
    d.timer = this.sched.engine.at(atNs, EventPriority.sched, d);
  }

  /** sugov_update_shared(): sample util, pick the next frequency, keep ticking while there is work. */
  update(d: FreqDomain): void {
    const sched = this.sched;
    const now = sched.engine.nowNs;
    d.sample(now, sched);
    const next = this.nextIdx(d);
    if (next !== d.curIdx && now - d.lastChangeNs >= this.params.rateLimitNs) {
      d.curIdx = next;
      d.lastChangeNs = now;
      d.transitions++;
      this.applySpeed(d);
    }
    if (d.curIdx > 0 || d.busy()) this.arm(d, now + this.params.rateLimitNs);
  }

  /** Capacity follows frequency: arch capacity x cur_freq / max_freq. */
  private applySpeed(d: FreqDomain): void {
    const ratio = d.curMhz / d.maxMhz;
    for (const c of d.cpus) this.sched.setCpuSpeed(c, Math.max(1, c.capacity1024 * ratio));
  }

  private nextIdx(d: FreqDomain): number {
    const top = d.spec.opps.length - 1;
    let need = 0;
    for (let i = 0; i < d.cpus.length; i++) {
      const c = d.cpus[i]!;
      if ((c.curr && c.curr.isRt) || c.rq.rt.length > 0) return top;
      need = Math.max(need, d.utilAvg[i]! / c.capacity1024);
    }
    return d.resolveIdx(this.params.headroom * need * d.maxMhz);
  }
}

/** Dynamic power of one CPU at an operating point, mW: C * V^2 * f as the kernel's EM computes it from DT. */
export function dynamicPowerMw(dynamicPowerCoefficient: number, mv: number, mhz: number): number {
  // drivers/opp/of.c _get_power(): uW = dpc * mV^2 * MHz / 1e6
  return (dynamicPowerCoefficient * mv * mv * mhz) / 1e9;
}
