// Reduce run records to what the charts draw: the HTML report inlines this
// and the dashboard receives it over SSE, so both draw from one shape with
// one drawing code (assets/charts.js). Sizes are bounded whatever the sweep
// size: time series come from one seed and are downsampled, CDFs pool seeds
// on a bounded grid.
import { CPU_CATEGORIES, type CpuCategory, type RunOutput, type RunRecord } from '../metrics/types.js';
import { POLICY_NAMES, type Scenario } from '../scenario/schema.js';
import { formatNumber, formatPct, relativeChangePct, summarizeCompare, type CompareSummary, type PolicyStat } from './compare.js';

/** Series sharing one x array (uPlot's data layout); null = no sample there. */
export interface XYChart {
  x: number[];
  series: Array<{ label: string; y: Array<number | null> }>;
}

export interface CpuStackChart {
  policy: string;
  seed: number;
  /** Bin start, ms. */
  x: number[];
  /** Busy share of all cores per category, % (idle is the remainder). */
  categories: Array<{ name: CpuCategory; share: number[] }>;
}

export interface CpuCoreTable {
  policy: string;
  /** Column names: the busy categories, then "busy". */
  columns: string[];
  /** Per CPU: % of the run spent in each category, mean over seeds. */
  rows: Array<{ cpu: number; pct: number[] }>;
}

export interface TableCell {
  text: string;
  title?: string;
}

export interface MetricsTable {
  caption: string;
  header: string[];
  rows: Array<{ metric: string; cells: TableCell[] }>;
}

export interface ReferenceLine {
  label: string;
  value: number;
}

export interface ReportData {
  scenario: string;
  kernel: string;
  policies: string[];
  /** Palette index per policy: its place among the known policies, so a policy keeps its colour across reports. */
  policyColorIndex: number[];
  seeds: number[];
  /** Seed whose time series are drawn. */
  firstSeed: number;
  freeMem: XYChart;
  /** Watermarks and the LMKD threshold, drawn as dashed lines on the free memory chart. */
  freeMemRefs: ReferenceLine[];
  deferred: XYChart;
  cpu: CpuStackChart[];
  cpuCores: CpuCoreTable[];
  exitCdf: XYChart;
  releaseCdf: XYChart;
  table: MetricsTable;
}

// A chart is ~1000 px wide: more points than this only cost bytes.
const MAX_TIME_POINTS = 1200;
const MAX_CPU_BINS = 400;
const MAX_CDF_POINTS = 1000;
// Stack order, bottom up: what the policies move (exit work, kworkers) sits on
// the baseline where it is easiest to compare; the steady load goes on top.
const STACK_ORDER: readonly CpuCategory[] = ['exiting', 'kworker', 'lmkd', 'foreground', 'background', 'system'];
const BUSY_CATEGORIES = [...STACK_ORDER, ...CPU_CATEGORIES.filter((c) => c !== 'idle' && !STACK_ORDER.includes(c))];

export interface ReportDataInput {
  records: readonly RunRecord[];
  policies: readonly string[];
  seeds: readonly number[];
  freeMemRefs?: ReferenceLine[];
}

export function buildReportData(input: ReportDataInput): ReportData {
  const policies = [...new Set(input.policies)];
  const seeds = [...new Set(input.seeds)];
  const byPolicy = new Map(policies.map((p) => [p, input.records.filter((r) => r.output.policy === p)]));
  const firstSeed = seeds[0] ?? 0;
  // The first seed's run, or the policy's lowest seed if that run is missing.
  const timeRun = (p: string): RunRecord | undefined => {
    const recs = byPolicy.get(p)!;
    return recs.find((r) => r.output.seed === firstSeed) ?? [...recs].sort((a, b) => a.output.seed - b.output.seed)[0];
  };
  const timeRuns = policies.map((p) => ({ policy: p, rec: timeRun(p) }));
  const outputs = input.records.map((r) => r.output);
  const summary = summarizeCompare({
    scenario: outputs[0]?.scenario ?? '',
    kernel: outputs[0]?.kernel ?? '',
    seeds,
    policies,
    runs: outputs.filter((o) => byPolicy.has(o.policy)),
  });
  const memSeries = timeRuns.map((t) => ({ label: t.policy, points: t.rec?.series.freeMemMib ?? [] }));
  const parkedSeries = timeRuns.map((t) => ({ label: t.policy, points: t.rec?.series.deferredEntries ?? [] }));
  // Free memory and parked entries are read together: one x extent. (A loop: series can exceed spread-argument limits.)
  let lastTime = -Infinity;
  for (const s of [...memSeries, ...parkedSeries]) for (const p of s.points) lastTime = Math.max(lastTime, p[0]);
  return {
    scenario: summary.scenario,
    kernel: summary.kernel,
    policies,
    policyColorIndex: policies.map((p, i) => (POLICY_NAMES.includes(p) ? POLICY_NAMES.indexOf(p) : POLICY_NAMES.length + i)),
    seeds,
    firstSeed,
    // Downsampling keeps the worst value per bucket: the free memory dip and
    // the parked-entry peak are what LMKD and the launch feel.
    freeMem: alignTimeSeries(memSeries, Math.min, lastTime),
    freeMemRefs: input.freeMemRefs ?? [],
    deferred: alignTimeSeries(parkedSeries, Math.max, lastTime),
    cpu: timeRuns.flatMap((t) => (t.rec ? [cpuStack(t.policy, t.rec)] : [])),
    cpuCores: policies.map((p) => cpuCoreTable(p, byPolicy.get(p)!)),
    exitCdf: cdfChart(policies.map((p) => ({ label: p, samples: byPolicy.get(p)!.flatMap((r) => r.series.exitLatenciesMs) }))),
    releaseCdf: cdfChart(policies.map((p) => ({ label: p, samples: byPolicy.get(p)!.flatMap((r) => r.series.memoryReleaseMs) }))),
    table: metricsTable(summary),
  };
}

/**
 * Put step series (a value holds until the next sample; the simulator
 * samples on change) on one x array. Each series carries its last value
 * forward, so all end together. Beyond MAX_TIME_POINTS distinct times the
 * range is cut into buckets and each keeps `pick` (min or max) of every value
 * that held during it, so no dip or peak is lost.
 */
export function alignTimeSeries(
  input: Array<{ label: string; points: ReadonlyArray<readonly [number, number]> }>,
  pick: (...v: number[]) => number,
  /** Draw to at least this time (charts that are read together share their x extent). */
  endAt?: number,
): XYChart {
  const sorted = input.map((s) => [...s.points].sort((a, b) => a[0] - b[0]));
  const all = sorted.flatMap((pts) => pts.map((p) => p[0]));
  if (all.length > 0 && endAt !== undefined) all.push(endAt);
  const times = [...new Set(all)].sort((a, b) => a - b);
  if (times.length <= MAX_TIME_POINTS) {
    return {
      x: times,
      series: input.map((s, k) => {
        const pts = sorted[k]!;
        let j = 0;
        let held: number | null = null;
        const y = times.map((t) => {
          while (j < pts.length && pts[j]![0] <= t) held = pts[j++]![1];
          return held;
        });
        return { label: s.label, y };
      }),
    };
  }
  const t0 = times[0]!;
  const tEnd = times[times.length - 1]!;
  const width = (tEnd - t0) / MAX_TIME_POINTS;
  const bucketOf = (t: number) => Math.min(MAX_TIME_POINTS - 1, Math.floor((t - t0) / width));
  // Bucket starts, then the end so the last value is drawn to it.
  const x = [...Array.from({ length: MAX_TIME_POINTS }, (_, i) => t0 + i * width), tEnd];
  return {
    x,
    series: input.map((s, k) => {
      const y: Array<number | null> = new Array(x.length).fill(null);
      let held: number | null = null;
      let j = 0;
      const pts = sorted[k]!;
      for (let b = 0; b < MAX_TIME_POINTS; b++) {
        let v: number | null = held;
        while (j < pts.length && bucketOf(pts[j]![0]) === b) {
          held = pts[j++]![1];
          v = v === null ? held : pick(v, held);
        }
        y[b] = v;
      }
      y[MAX_TIME_POINTS] = held;
      return { label: s.label, y };
    }),
  };
}

function cpuStack(policy: string, rec: RunRecord): CpuStackChart {
  const occ = rec.series.cpuOccupancyMs;
  const binMs = rec.series.samplePeriodNs / 1e6;
  const bins = Math.max(0, ...occ.flatMap((c) => CPU_CATEGORIES.map((k) => c[k]?.length ?? 0)));
  const group = Math.max(1, Math.ceil(bins / MAX_CPU_BINS));
  const n = Math.ceil(bins / group);
  // Bin starts, then the end of the last bin (drawn as steps, each bin needs its right edge).
  const x = n > 0 ? [...Array.from({ length: n }, (_, j) => j * group * binMs), bins * binMs] : [];
  const categories = BUSY_CATEGORIES.map((name) => {
    const share = new Array<number>(n).fill(0);
    for (const cpu of occ) {
      const row = cpu[name] ?? [];
      for (let b = 0; b < row.length; b++) share[Math.floor(b / group)]! += row[b]!;
    }
    for (let j = 0; j < n; j++) {
      // The last group may hold fewer bins.
      const width = Math.min(group, bins - j * group) * binMs * Math.max(1, occ.length);
      share[j] = width > 0 ? (share[j]! / width) * 100 : 0;
    }
    if (n > 0) share.push(share[n - 1]!);
    return { name, share };
  });
  return { policy, seed: rec.output.seed, x, categories };
}

function cpuCoreTable(policy: string, recs: readonly RunRecord[]): CpuCoreTable {
  const cpus = Math.max(0, ...recs.map((r) => r.series.cpuOccupancyMs.length));
  const rows = Array.from({ length: cpus }, (_, cpu) => {
    const pct = BUSY_CATEGORIES.map((cat) => {
      let sum = 0;
      for (const r of recs) {
        const row = r.series.cpuOccupancyMs[cpu]?.[cat] ?? [];
        const totalMs = lengthOf(r) * (r.series.samplePeriodNs / 1e6);
        if (totalMs > 0) sum += (row.reduce((a, b) => a + b, 0) / totalMs) * 100;
      }
      return recs.length > 0 ? sum / recs.length : 0;
    });
    return { cpu, pct: [...pct, pct.reduce((a, b) => a + b, 0)] };
  });
  return { policy, columns: [...BUSY_CATEGORIES, 'busy'], rows };
}

/** Bins in a run's occupancy series. */
function lengthOf(r: RunRecord): number {
  return Math.max(0, ...r.series.cpuOccupancyMs.flatMap((c) => CPU_CATEGORIES.map((k) => c[k]?.length ?? 0)));
}

/** Empirical CDFs (% of samples <= x) on one x grid: the distinct samples, or an even grid when there are too many. */
export function cdfChart(input: Array<{ label: string; samples: readonly number[] }>): XYChart {
  const sorted = input.map((s) => [...s.samples].filter(Number.isFinite).sort((a, b) => a - b));
  let x = [...new Set(sorted.flat())].sort((a, b) => a - b);
  if (x.length > MAX_CDF_POINTS) {
    const lo = x[0]!;
    const hi = x[x.length - 1]!;
    x = Array.from({ length: MAX_CDF_POINTS }, (_, i) => lo + ((hi - lo) * i) / (MAX_CDF_POINTS - 1));
  }
  return {
    x,
    series: input.map((s, i) => {
      const v = sorted[i]!;
      return { label: s.label, y: v.length === 0 ? x.map(() => null) : x.map((t) => (countAtMost(v, t) / v.length) * 100) };
    }),
  };
}

function countAtMost(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The compare table (same cells as `formatCompare`), as cells for HTML. */
export function metricsTable(summary: CompareSummary): MetricsTable {
  const [baseline] = summary.policies;
  const header = ['metric'];
  for (const p of summary.policies) header.push(p, ...(p === baseline ? [] : [`Δ vs ${baseline}`]));
  const rows = summary.metrics.map((m) => {
    const cells: TableCell[] = [];
    for (const p of summary.policies) {
      cells.push(statCell(m.byPolicy[p]!));
      if (p !== baseline) cells.push(deltaCell(m.byPolicy[baseline!]!, m.byPolicy[p]!));
    }
    return { metric: m.metric, cells };
  });
  const n = summary.seeds.length;
  return {
    caption: `Mean ± 95% CI half-width (Student t) over ${n} seed${n === 1 ? '' : 's'}; Δ: change of the mean vs ${baseline ?? 'the baseline'}.`,
    header,
    rows,
  };
}

function statCell(s: PolicyStat): TableCell {
  if (s.n === 0) return { text: '-' };
  const hw = s.n < 2 ? 'n/a' : formatNumber((s.hi - s.lo) / 2);
  return { text: `${formatNumber(s.mean)} ± ${hw}`, title: `95% CI [${formatNumber(s.lo)}, ${formatNumber(s.hi)}], n = ${s.n}` };
}

function deltaCell(base: PolicyStat, cur: PolicyStat): TableCell {
  if (base.n === 0 || cur.n === 0) return { text: '-' };
  return { text: formatPct(relativeChangePct(base.mean, cur.mean)) };
}

/** Per-run outputs without their series: what the dashboard lists, small whatever the run length. */
export function outputsOf(records: readonly RunRecord[]): RunOutput[] {
  return records.map((r) => r.output);
}

/** Thresholds the free memory curve is judged against. */
export function freeMemRefsOf(scenario: Scenario): ReferenceLine[] {
  const refs: ReferenceLine[] = [
    { label: 'watermark min', value: scenario.memory.watermark_min_mib },
    { label: 'watermark low', value: scenario.memory.watermark_low_mib },
  ];
  if (scenario.lmkd.enabled) refs.push({ label: 'lmkd minfree', value: scenario.lmkd.minfree_mib });
  return refs;
}
