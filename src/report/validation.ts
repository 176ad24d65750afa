// docs/validation.md: the validation scorecard. For each published figure of
// DESIGN.md "Validation": its source, the published value, the simulated
// value with a 95% CI over seeds, the error, whether it was calibrated or is
// a prediction, the band it must fall in, and a verdict; then a summary line
// and the munmap scaling table. The caller runs the sweeps (ValidationRunner);
// this formats, and states where the model disagrees.

import { calibrationFiles, loadFittedTo } from '../calibration/calibration.js';
import { confidenceInterval95 } from '../metrics/stats.js';
import type { RunRecord } from '../metrics/types.js';

/** Runs a shipped scenario with `sets` for each policy x seed (the caller owns the simulator: report/ runs none). */
export type ValidationRunner = (scenario: string, sets: string[], policies: string[], seeds: number[]) => Promise<RunRecord[]>;

export interface ValidationOptions {
  seeds: number;
  run: ValidationRunner;
}

type Kind = 'calibrated' | 'anchored' | 'predicted';

/** How a simulated value is judged against the published one. */
type Band =
  | { type: 'range'; lo: number; hi: number } // within [lo, hi]
  | { type: 'relative'; tolerance: number } // |sim - pub| <= tolerance * |pub|
  | { type: 'at-most'; hi: number } // sim <= hi
  | { type: 'above'; lo: number }; // sim > lo

export interface ScoreRow {
  figure: string;
  source: string;
  published: string;
  /** The number the error is measured against (the middle of a range). */
  publishedValue: number;
  samples: number[];
  unit: string;
  kind: Kind;
  band: Band;
  note?: string;
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

function meanOf(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

function ciText(xs: number[], d: number): string {
  const c = confidenceInterval95(xs);
  return c.n > 1 ? `${fmt(c.mean, d)} [${fmt(c.lo, d)}, ${fmt(c.hi, d)}]` : fmt(c.mean, d);
}

function bandText(b: Band, unit: string): string {
  if (b.type === 'range') return `${b.lo}-${b.hi}${unit}`;
  if (b.type === 'at-most') return `<= ${b.hi}${unit}`;
  if (b.type === 'above') return `> ${b.lo}${unit}`;
  return `±${b.tolerance * 100}%`;
}

export function withinBand(b: Band, sim: number, pub: number): boolean {
  if (!Number.isFinite(sim)) return false;
  if (b.type === 'range') return sim >= b.lo && sim <= b.hi;
  if (b.type === 'at-most') return sim <= b.hi;
  if (b.type === 'above') return sim > b.lo;
  return Math.abs(sim - pub) <= b.tolerance * Math.abs(pub);
}

/** Relative error, percent (signed). */
export function errorPct(sim: number, pub: number): number {
  return ((sim - pub) / Math.abs(pub)) * 100;
}

export function scoreSummary(rows: readonly ScoreRow[]): { predictions: number; within: number; maePct: number } {
  const pred = rows.filter((r) => r.kind === 'predicted');
  const errs = pred.map((r) => Math.abs(errorPct(meanOf(r.samples), r.publishedValue))).filter(Number.isFinite);
  return {
    predictions: pred.length,
    within: pred.filter((r) => withinBand(r.band, meanOf(r.samples), r.publishedValue)).length,
    maePct: meanOf(errs),
  };
}

function scoreTable(rows: readonly ScoreRow[]): string[] {
  const out = ['| # | figure | source | published | simulated (95% CI) | error | kind | band | verdict |', '|---|---|---|---|---|---|---|---|---|'];
  rows.forEach((r, i) => {
    const sim = meanOf(r.samples);
    const d = Math.abs(sim) >= 100 ? 0 : Math.abs(sim) >= 10 ? 1 : 2;
    const ok = withinBand(r.band, sim, r.publishedValue);
    out.push(
      `| ${i + 1} | ${r.figure} | ${r.source} | ${r.published} | ${ciText(r.samples, d)}${r.unit} | ${fmt(errorPct(sim, r.publishedValue), 0)}% | ${r.kind} | ${bandText(r.band, r.unit)} | ${ok ? 'within band' : '**miss**'} |`,
    );
  });
  return out;
}

async function byPolicy(o: ValidationOptions, name: string, sets: string[], policies: string[], seeds: number[]): Promise<Map<string, RunRecord[]>> {
  const recs = await o.run(name, sets, policies, seeds);
  const by = new Map<string, RunRecord[]>();
  for (const r of recs) {
    const l = by.get(r.output.policy) ?? [];
    l.push(r);
    by.set(r.output.policy, l);
  }
  for (const l of by.values()) l.sort((a, b) => a.output.seed - b.output.seed);
  return by;
}

/** Per-seed relative change of `f` from the baseline policy's run of the same seed, percent. */
function pairedChangePct(base: RunRecord[], other: RunRecord[], f: (r: RunRecord) => number | undefined): number[] {
  const out: number[] = [];
  for (const r of other) {
    const b = base.find((x) => x.output.seed === r.output.seed);
    const vb = b ? f(b) : undefined;
    const vo = f(r);
    if (vb !== undefined && vo !== undefined && Number.isFinite(vb) && Number.isFinite(vo) && vb !== 0) out.push(((vo - vb) / Math.abs(vb)) * 100);
  }
  return out;
}

function pairedDiff(base: RunRecord[], other: RunRecord[], f: (r: RunRecord) => number | undefined): number[] {
  const out: number[] = [];
  for (const r of other) {
    const b = base.find((x) => x.output.seed === r.output.seed);
    const vb = b ? f(b) : undefined;
    const vo = f(r);
    if (vb !== undefined && vo !== undefined && Number.isFinite(vb) && Number.isFinite(vo)) out.push(vo - vb);
  }
  return out;
}

const MUNMAP_BASE = ['kernel.zram_same_filled=1', 'mthp_kib=64'];
const SCALING_PROCESSES = [1, 2, 4, 8];
const SCALING_PRESETS = ['6.6-android', '6.12', '6.18'];

/** Each calibration file and the one figure it names under `fitted_to:` (src/calibration). */
export function calibrationLines(): string[] {
  const out = ['Calibration files and the one figure each was fitted to (their `fitted_to:`):', ''];
  for (const name of calibrationFiles()) {
    const f = loadFittedTo(name);
    out.push(`- \`calibration/${name}.yaml\`: ${f.figure}; ${f.value}${f.scenario === '-' ? '' : ` (scenario \`${f.scenario}\`)`}. Source: ${f.source}.`);
  }
  out.push('', 'Rows marked calibrated are that figure or an input of the fit;');
  return out;
}

export async function buildValidationReport(o: ValidationOptions): Promise<string> {
  const seeds = Array.from({ length: o.seeds }, (_, i) => i + 1);
  const rows: ScoreRow[] = [];

  // Calibration: one process exits (the figure calibration/phone-8core.yaml is fitted to).
  const one = (await byPolicy(o, 'exit-one', [], ['sync'], seeds)).get('sync')!;
  const exitMs = one.map((r) => r.output.metrics.exit_latency_ms.mean);
  rows.push({
    figure: 'exit of one ~400 MB process (exit-one), ms',
    source: 'Lei Liu, seeds/002',
    published: '200-300',
    publishedValue: 250,
    samples: exitMs,
    unit: '',
    kind: 'calibrated',
    band: { type: 'range', lo: 200, hi: 300 },
  });
  rows.push({
    figure: 'free_swap_and_cache_nr share of exit time',
    source: 'Lei Liu profile, seeds/003',
    published: '33-55% (profile 55%)',
    publishedValue: 44,
    samples: one.map((r) => ((r.output.vmstat.free_swap_total_us ?? 0) / 1000 / r.output.metrics.exit_latency_ms.mean) * 100),
    unit: '%',
    kind: 'calibrated',
    band: { type: 'range', lo: 33, hi: 55 },
  });
  rows.push({
    figure: 'free_swap_and_cache_nr time per zap_pte_range, mean, ms',
    source: 'Lei Liu, seeds/002',
    published: '~0.5',
    publishedValue: 0.5,
    samples: one.map((r) => (r.output.vmstat.free_swap_per_pmd_mean_us ?? 0) / 1000),
    unit: '',
    kind: 'calibrated',
    band: { type: 'relative', tolerance: 0.5 },
    note: 'per PMD of up to 512 PTEs; the calibrated process has 40% resident pages, so ~300 swap entries per PMD',
  });
  rows.push({
    figure: 'zram share of the swap-free cost (zram_free_page + zs_free + free_zspage in free_swap_and_cache_nr)',
    source: 'Lei Liu profile, seeds/003 (swap_range_free 47% of 55%); Barry Song, seeds/004 (~85% in zram free)',
    published: '~85% (47/55)',
    publishedValue: 85,
    samples: one.map((r) => ((r.output.vmstat.zram_free_us ?? NaN) / (r.output.vmstat.free_swap_total_us ?? NaN)) * 100),
    unit: '%',
    kind: 'calibrated',
    band: { type: 'range', lo: 75, hi: 95 },
    note: "an input of the calibration, not a prediction: zram_free_page_ns and zs_free_ns were split from the profile so that zram is ~85% of the free path; measured here as the wall time of the zram work on the victim's CPU over the time in free_swap_and_cache_nr",
  });

  // bea67dcc5eea: munmap of 1 GiB of 64 KiB mTHP, before (no swap_pte_batch: mainline 6.6) and after (6.12).
  const mseeds = seeds.slice(0, Math.min(2, seeds.length));
  const munmapMs = async (sets: string[]) =>
    ((await byPolicy(o, 'munmap-concurrent', [...MUNMAP_BASE, ...sets], ['sync'], mseeds)).get('sync') ?? []).map((r) => r.output.metrics.munmap_ms?.mean ?? NaN);
  const before = await munmapMs(['kernel.version="6.6"']);
  const after = await munmapMs(['kernel.version="6.12"']);
  const after4k = await munmapMs(['kernel.version="6.12"', 'mthp_kib=4']);
  const ratio = (a: number[], b: number[]) => a.map((x, i) => x / (b[i] ?? NaN));
  rows.push({
    figure: 'munmap 1 GiB 64 KiB mTHP: speed-up from batched freeing (6.6 path -> 6.12)',
    source: 'Barry Song, bea67dcc5eea',
    published: '~51 -> 16-17 ms (~3.1x)',
    publishedValue: 3.1,
    samples: ratio(before, after),
    unit: 'x',
    kind: 'predicted',
    band: { type: 'relative', tolerance: 0.25 },
  });
  rows.push({
    figure: 'same, time after (6.12), ms',
    source: 'Barry Song, bea67dcc5eea',
    published: '16-17',
    publishedValue: 16.5,
    samples: after,
    unit: '',
    kind: 'predicted',
    band: { type: 'relative', tolerance: 0.5 },
  });
  rows.push({
    figure: 'munmap 1 GiB on 6.12: 4 KiB pages vs 64 KiB mTHP',
    source: 'issue 10 reading of bea67dcc5eea',
    published: '~3x',
    publishedValue: 3,
    samples: ratio(after4k, after),
    unit: 'x',
    kind: 'predicted',
    band: { type: 'relative', tolerance: 0.25 },
  });

  rows.push(...(await cameraRows(o, seeds)));
  // 30 apps launched in turn, two rounds (16 GB phone): 240 simulated seconds a run, so two seeds.
  const cseeds = seeds.slice(0, Math.min(2, seeds.length));
  rows.push(...(await continuousRows(o, cseeds)));

  // Scaling of concurrent munmap (quad-equal, 256 MiB each), per preset: Kairui's "barely observable" on current kernels.
  const scaling = new Map<string, RunRecord[]>();
  for (const v of SCALING_PRESETS) {
    for (const n of SCALING_PROCESSES) {
      const r = (await byPolicy(o, 'munmap-concurrent', ['platform="quad-equal"', `kernel.version="${v}"`, `processes=${n}`, 'swap_mib=256'], ['sync'], seeds.slice(0, 1))).get('sync') ?? [];
      scaling.set(`${v}/${n}`, r);
    }
  }
  const scaleMs = (v: string, n: number) => meanOf((scaling.get(`${v}/${n}`) ?? []).map((r) => r.output.metrics.munmap_ms?.mean ?? NaN));
  rows.push({
    figure: '6.18: 4 concurrent munmaps on 4 equal cores, time / 1 munmap',
    source: 'Kairui Song review: contention barely observable at 96 threads',
    published: '~1 (barely observable)',
    publishedValue: 1,
    samples: [scaleMs('6.18', 4) / scaleMs('6.18', 1)],
    unit: 'x',
    kind: 'predicted',
    band: { type: 'at-most', hi: 1.2 },
  });
  rows.push({
    figure: 'swap table phase I: free latency change',
    source: 'Kairui Song, swap table phase I',
    published: '-24.9%',
    publishedValue: -24.9,
    samples: [],
    unit: '%',
    kind: 'predicted',
    band: { type: 'relative', tolerance: 0.5 },
    note: 'not simulated: phase I is already in the 6.18 preset (mm/swap_table.h) and no preset is 6.15-6.17 without it; the swap-table preset models what comes after phase I (docs/model.md, docs/answers.md Kairui section)',
  });

  const s = scoreSummary(rows);
  const out: string[] = [];
  out.push("# Validation: published figures beside the simulator's", '');
  out.push(`Regenerated by \`npm run validate\` (${o.seeds} seeds for exit-one and the camera launch, ${mseeds.length} for munmap, ${cseeds.length} for the 30-app test; mean [95% CI] over seeds).`);
  out.push(
    ...calibrationLines(),
    "a scenario's baseline may be anchored on its published baseline (rows marked anchored); every other row is a prediction.",
    "Changes between policies are per-seed paired changes (rare events such as exits over 500 ms: pooled over seeds, jackknife CI); camera-launch runs today's lmkd as Lei Liu's phone did, the 8 GB camera and 30-app rows the older lmkd (see below). A row misses when its mean falls outside the band; misses stay, with their explanation below.",
    '',
  );
  out.push(`**Summary: ${s.predictions} predictions made, ${s.within} within band, mean absolute error ${fmt(s.maePct, 0)}%** (over the predicted rows with a simulated value).`, '');
  out.push(...scoreTable(rows), '');
  const notes = rows.map((r, i) => (r.note ? `- Row ${i + 1}: ${r.note}.` : '')).filter(Boolean);
  if (notes.length) out.push(...notes, '');

  out.push('## Concurrent munmap scaling per preset', '');
  out.push(
    'Scenario `munmap-concurrent` on `quad-equal` (four equal cores, one L3; line transfer 20 ns, i7-6700K measurement), 256 MiB of 64 KiB mTHP per process, sync, seed 1.',
    'Eight processes on four cores time-share, so the 8-process column also contains waiting for a CPU.',
    '',
  );
  out.push(
    '| preset | 1 proc, ms | 2 procs | 4 procs | 8 procs | 4 procs: top lock waits, ms | 4 procs: line stall per process, ms | 4 procs: top line transfers (stall summed over CPUs, ms) |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const v of SCALING_PRESETS) {
    const four = (scaling.get(`${v}/4`) ?? [])[0]?.output.metrics;
    const waits = four
      ? Object.entries(four.lock_wait_ms)
          .filter(([, ms]) => ms >= 0.01)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 2)
          .map(([l, ms]) => `${l} ${fmt(ms, 2)}`)
          .join(', ')
      : '';
    const lines = four
      ? Object.entries(four.cacheline_transfers)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([l, n]) => `${l} ${n} (${fmt(four.cacheline_stall_ms[l] ?? 0, 2)})`)
          .join(', ')
      : '';
    const stallPerProc = four ? Object.values(four.cacheline_stall_ms).reduce((a, b) => a + b, 0) / 4 : NaN;
    out.push(`| ${v} | ${SCALING_PROCESSES.map((n) => fmt(scaleMs(v, n), 1)).join(' | ')} | ${waits || '-'} | ${fmt(stallPerProc, 2)} | ${lines || '-'} |`);
  }
  out.push('');
  out.push('## Where the model disagrees, and why', '');
  out.push(DISAGREEMENTS);
  return out.join('\n') + '\n';
}

// ---- Camera and continuous-launch rows (issue 11) ----

const CAMERA_POLICIES = ['sync', 'async-mmu-gather', 'async-global-list'];
/** Lei Liu's "exit latency (>500ms cases)". */
const LONG_EXIT_MS = 500;

/** Share of a run's exits that took longer than LONG_EXIT_MS, percent. */
function longExits(r: RunRecord): { long: number; all: number } {
  const ex = r.series?.exitLatenciesMs ?? [];
  return { long: ex.filter((ms) => ms > LONG_EXIT_MS).length, all: ex.length };
}

/** Share (%) of all CPU time in the launch window spent in `cats`. */
function cpuSharePct(r: RunRecord, cats: ReadonlyArray<keyof RunRecord['output']['metrics']['cpu_ms_by_category']>): number {
  const by = r.output.metrics.cpu_ms_by_category;
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  return total > 0 ? (100 * cats.reduce((a, c) => a + by[c], 0)) / total : NaN;
}

/** Janky frames plus late preview buffers: what a user sees as stutter. */
const stutterFrames = (r: RunRecord) => (r.output.metrics.janky_frames ?? 0) + (r.output.metrics.preview_stutter_frames ?? 0);

/**
 * Relative change (%) of a ratio pooled over seeds (sum of num / sum of den),
 * from the base policy's runs to the other's, for rare events whose per-seed
 * changes are mostly 0/0. The samples are jackknife pseudo-values over the
 * paired seeds, so their mean and t-interval are the jackknife estimate and
 * its 95% CI; [] when the base has no event at all.
 */
export function pooledChangePct(base: RunRecord[], other: RunRecord[], num: (r: RunRecord) => number, den: (r: RunRecord) => number): number[] {
  const pairs: Array<[RunRecord, RunRecord]> = [];
  for (const r of other) {
    const b = base.find((x) => x.output.seed === r.output.seed);
    if (b) pairs.push([b, r]);
  }
  const theta = (ps: Array<[RunRecord, RunRecord]>): number => {
    let nb = 0,
      db = 0,
      no = 0,
      dOther = 0;
    for (const [b, r] of ps) {
      nb += num(b);
      db += den(b);
      no += num(r);
      dOther += den(r);
    }
    const rb = nb / db;
    return rb > 0 && dOther > 0 ? (no / dOther / rb - 1) * 100 : NaN;
  };
  const all = theta(pairs);
  if (!Number.isFinite(all)) return [];
  const n = pairs.length;
  if (n < 2) return [all];
  const pseudo = pairs.map((_, i) => n * all - (n - 1) * theta(pairs.filter((__, j) => j !== i)));
  return pseudo.every(Number.isFinite) ? pseudo : [all];
}

/** A predicted row judged within a relative band. */
function predictedRow(figure: string, source: string, published: string, publishedValue: number, samples: number[], unit: string, tolerance = 0.5, note?: string): ScoreRow {
  return { figure, source, published, publishedValue, samples, unit, kind: 'predicted', band: { type: 'relative', tolerance }, ...(note ? { note } : {}) };
}

/** The async policies' predicted changes on one camera scenario, against the published figures. */
function cameraChangeRows(scenario: string, by: Map<string, RunRecord[]>): ScoreRow[] {
  const sync = by.get('sync') ?? [];
  const rows: ScoreRow[] = [];
  const zj = 'Zhiguo Jiang v3, seeds/004 (8 GB phone)';
  const ll = 'Lei Liu cover, seeds/003 (his patch)';
  const long = (r: RunRecord) => longExits(r).long;
  const exits = (r: RunRecord) => longExits(r).all;
  for (const policy of CAMERA_POLICIES.filter((p) => p !== 'sync')) {
    const other = by.get(policy) ?? [];
    const what = `${scenario}, ${policy}`;
    const change = (f: (r: RunRecord) => number | undefined) => pairedChangePct(sync, other, f);
    const longChange = pooledChangePct(sync, other, long, exits);
    const stutter = pooledChangePct(sync, other, stutterFrames, () => 1);
    rows.push(
      predictedRow(
        `camera cold start change (${what})`,
        zj,
        '1512 -> 1204 ms (-20%)',
        -20.4,
        change((r) => r.output.metrics.launch_ms),
        '%',
      ),
      predictedRow(
        `camera preview change (${what})`,
        zj,
        '352 -> 205 ms (-42%)',
        -41.8,
        change((r) => r.output.metrics.preview_ms),
        '%',
      ),
      predictedRow(
        `share of exits > ${LONG_EXIT_MS} ms, change (${what})`,
        ll,
        '-74%',
        -74,
        longChange,
        '%',
        0.5,
        longChange.length ? undefined : `${what}: no sync exit lasted over ${LONG_EXIT_MS} ms`,
      ),
      predictedRow(
        `stutter change: janky frames + late preview buffers (${what})`,
        ll,
        '-40% (preview stutter probability)',
        -40,
        stutter,
        '%',
        0.5,
        stutter.length ? undefined : `${what}: no sync run had a janky frame or a late preview buffer`,
      ),
      predictedRow(
        `free memory at preview, minus sync, MiB (${what})`,
        ll,
        '~70 MB more',
        67,
        pairedDiff(sync, other, (r) => r.output.metrics.free_mem_at_preview_mib),
        '',
      ),
      predictedRow(
        `CPU share of exiting tasks over the launch, change in points (${what})`,
        ll,
        '~4% lower peak CPU load',
        -4,
        pairedDiff(sync, other, (r) => cpuSharePct(r, ['exiting'])),
        '',
      ),
    );
  }
  return rows;
}

/** Both camera scenarios: each sync baseline as anchored, then the async policies' predictions. */
async function cameraRows(o: ValidationOptions, seeds: number[]): Promise<ScoreRow[]> {
  const rows: ScoreRow[] = [];
  // Zhiguo Jiang's 8 GB phone: today's lmkd for the anchor; the changes with the older lmkd his device
  // could have had (with today's, the reaper frees the entries and task_is_dying() is false there).
  const anchor8 = (await byPolicy(o, 'camera-launch-8gb', [], ['sync'], seeds)).get('sync') ?? [];
  const anchored8 = (what: string, published: number, f: (r: RunRecord) => number | undefined): ScoreRow => ({
    figure: `camera ${what}, sync, ms (camera-launch-8gb)`,
    source: 'Zhiguo Jiang v3, seeds/004',
    published: String(published),
    publishedValue: published,
    samples: anchor8.map((r) => f(r) ?? NaN),
    unit: '',
    kind: 'anchored',
    band: { type: 'relative', tolerance: 0.1 },
  });
  rows.push(
    anchored8('cold start', 1512, (r) => r.output.metrics.launch_ms),
    anchored8('preview', 352, (r) => r.output.metrics.preview_ms),
  );
  const cam8 = await byPolicy(o, 'camera-launch-8gb', ['lmkd.reaper="setprio"'], CAMERA_POLICIES, seeds);
  rows.push(...cameraChangeRows('camera-launch-8gb, older lmkd', cam8));

  // Lei Liu's 12 GB phone, today's lmkd (his lmkd_reaper) for the anchor and the changes alike.
  const cam12 = await byPolicy(o, 'camera-launch', [], CAMERA_POLICIES, seeds);
  const sync12 = cam12.get('sync') ?? [];
  rows.push(
    {
      figure: `share of exits > ${LONG_EXIT_MS} ms, sync, % (camera-launch)`,
      source: 'Lei Liu, seeds/002-003',
      published: 'present',
      publishedValue: NaN,
      samples: sync12.map((r) => {
        const e = longExits(r);
        return e.all > 0 ? (100 * e.long) / e.all : NaN;
      }),
      unit: '%',
      kind: 'anchored',
      band: { type: 'above', lo: 0 },
    },
    {
      figure: 'CPU share of exit work over the launch (exiting tasks + lmkd reaper), sync, % (camera-launch)',
      source: 'Lei Liu, seeds/002',
      published: '25%+',
      publishedValue: 25,
      samples: sync12.map((r) => cpuSharePct(r, ['exiting', 'lmkd'])),
      unit: '%',
      kind: 'anchored',
      band: { type: 'above', lo: 25 },
      note: `camera-launch: the lmkd reaper's process_mrelease() frees the victims' memory on their behalf; the exiting tasks alone take ${fmt(meanOf(sync12.map((r) => cpuSharePct(r, ['exiting']))), 1)}% over the window`,
    },
  );
  rows.push(...cameraChangeRows('camera-launch', cam12));
  return rows;
}

/** Zhiguo Jiang's 30-app test, sync and async-mmu-gather beside the published before and after. */
async function continuousRows(o: ValidationOptions, cseeds: number[]): Promise<ScoreRow[]> {
  const cont = await byPolicy(o, 'continuous-launch', ['lmkd.reaper="setprio"'], ['sync', 'async-mmu-gather'], cseeds);
  const cs = cont.get('sync') ?? [];
  const cz = cont.get('async-mmu-gather') ?? [];
  const totalS = (r: RunRecord) => (r.output.metrics.continuous_total_ms ?? NaN) / 1000;
  const drop = (r: RunRecord) => r.output.metrics.frame_drop_pct ?? NaN;
  const totalChange = pairedChangePct(cs, cz, (r) => r.output.metrics.continuous_total_ms);
  const zj = 'Zhiguo Jiang v3, seeds/004';
  const row = (figure: string, published: string, publishedValue: number, samples: number[], unit: string, tolerance: number, note?: string) =>
    predictedRow(figure, zj, published, publishedValue, samples, unit, tolerance, note);
  return [
    row(
      '30-app launch test total, sync, s',
      '230.76',
      230.76,
      cs.map(totalS),
      '',
      0.1,
      'the scenario is not anchored on this baseline; older lmkd (setprio) as for the 8 GB change rows; the total is mostly the 60 x dwell_ms of use, an input',
    ),
    row('30-app launch test total, async-mmu-gather, s', '225.23', 225.23, cz.map(totalS), '', 0.1),
    row(
      '30-app launch total change, async-mmu-gather',
      '230.76 -> 225.23 s (-2.4%)',
      -2.4,
      totalChange,
      '%',
      0.5,
      totalChange.every((x) => x === 0) ? 'exactly 0: no two exits overlap, and async-mmu-gather defers only while two or more processes exit (NR_MIN_EXITING_PROCESSES)' : undefined,
    ),
    row('frame drop rate, sync, %', '0.54%', 0.54, cs.map(drop), '', 0.5),
    row('frame drop rate, async-mmu-gather, %', '0.74%', 0.74, cz.map(drop), '', 0.5),
  ];
}

const DISAGREEMENTS = `- **Batched freeing (bea67dcc5eea).** With the free path split into per-entry, per-run, per-cluster and
  per-call operations (docs/model.md), batching a 16-entry mTHP run saves exactly the per-call work the kernel
  skips: 15 of 16 get_swap_device, lock_cluster, mem_cgroup_uncharge_swap, swap_range_free and
  clear_shadow_from_swap_cache calls, and on 6.12 the whole slot-cache round trip (free_swap_slot and
  swapcache_free_entries). With same-filled pages (no zsmalloc object) that is about 2.3x, not 3.1x: the model's
  unbatched path costs ~105 ns per entry (27.7 ms per GiB) where Barry's took ~195 ns (51 ms), while the batched
  path lands near his 16-17 ms. To reach 3.1x from the mechanism alone, the per-call operations the batch skips
  would have to cost ~78 ns more per call: the natural candidate is mem_cgroup_uncharge_swap (swap_cgroup_record
  under ctrl->lock with irqs off, page_counter_uncharge up the hierarchy), calibrated at 6 ns only because Lei
  Liu's profile lumps it into swap_entry_free's 3%. A per-function profile of Barry's benchmark would settle it.
  With compressible data, zs_free (per object, ~190 ns) dominates and batching gains only ~1.15x.
- **Camera launch, 8 GB.** On the anchored 8 GB scenario async-mmu-gather changes nothing at all: lmkd kills one
  victim at a time and waits for its death, and the patch defers only while two or more processes exit
  (NR_MIN_EXITING_PROCESSES, the threshold Barry Song called a workaround). The published -20% / -42% therefore
  needs overlapping exits (kills by several agents, or an lmkd that does not wait), which Zhiguo Jiang's test does
  not describe.
- **Camera launch, 12 GB.** camera-launch is anchored on Lei Liu's description, which does have overlapping exits:
  10+ kills with exits over 500 ms needed an lmkd that waits only 20 ms for each death (kill_timeout_ms), and then
  LMKD kills more than it must while the victims are still freeing (sync kills nearly all 20 cached apps). Both
  patches shorten the victims' own exits, so LMKD sees the deaths sooner and kills fewer apps: that is why free
  memory at preview comes out lower than sync, not ~70 MB higher, and why the launch moves by a few percent only
  (it is bound by its own CPU work and by direct reclaim; freeing a swap entry releases only zram memory, about
  1/2.8 of a page). Today's lmkd's reaper frees most of each victim in its own context, synchronously
  (task_is_dying() is false there), which the patches do not touch. Preview stutter cannot be compared: no sync run
  has a janky frame or a late preview buffer (with services at 0.7 the clusters keep their frequency).
- **async-global-list is worse than sync.** Once 32 records are parked, every further record kmallocs and queues a
  work item until a worker resets the count (seeds/003), so a burst of exits wakes many highpri kworkers that
  mostly find the list empty while the real ones free under si->lock beside the exits.
- **CPU load.** The published ~4% is a peak of the total load; every policy saturates all CPUs in some 50 ms bin of
  the launch, so the model reports instead the exiting tasks' share of all CPU time over the launch window
  (cpu_ms_by_category), which the async patches move to kworkers.
- **Concurrent munmap on 6.18.** No lock is shared, so the slowdown with more processes comes from the shared cache
  lines alone (zram->stats per entry, zsmalloc's migrate_lock reader count and class locks per object, and the
  per-call counters); on 6.6 and 6.12 the free path serializes on si->lock and the time grows with the process
  count. Swap table phase I (-24.9%) is inside the 6.18 preset; the swap-table preset models the phases after it.
`;
