// Policy comparison over seeds: per metric and policy, the mean with a 95%
// Student-t confidence interval, and the change against the first policy (the
// baseline), marked when Welch's t-test finds it significant (p < 0.05).
// `events` and `wall_ms` describe the runs, not the policies: they are
// summarised apart as run facts and never compared. Formatters target a
// terminal, GitHub, spreadsheets, scripts, and plain-text mailing-list email
// (LKML etiquette: < 72 columns, ASCII only); email and markdown end with the
// swaplab version and the command that reproduces them.
import type { RunOutput } from '../metrics/types.js';
import { flattenMetrics, orderedMetricKeys } from '../metrics/flatten.js';
import { confidenceInterval95 } from '../metrics/stats.js';
import { commandLine, wrapCommandLine } from './command-line.js';
import { SIGNIFICANCE_LEVEL, welchTTest } from './significance.js';

/** Who made a table and how to make it again. */
export interface Provenance {
  /** codeVersion(): swaplab@<version>+<model hash>. */
  version: string;
  /** The arguments after `swaplab`, as typed. */
  argv: string[];
}

export interface CompareResult {
  scenario: string;
  kernel: string;
  seeds: number[];
  /** Column order; the first is the baseline. */
  policies: string[];
  runs: RunOutput[];
  provenance?: Provenance;
}

/** One cell: a metric under one policy across seeds. NaN where n = 0 (and lo = hi = mean when n = 1). */
export interface PolicyStat {
  mean: number;
  lo: number;
  hi: number;
  n: number;
  /**
   * Two-sided p of Welch's t-test, this policy's seeds against the
   * baseline's; NaN for the baseline, for run facts, and below 2 seeds a side.
   */
  pVsBaseline: number;
}

export interface MetricSummary {
  metric: string;
  byPolicy: Record<string, PolicyStat>;
}

export interface CompareSummary {
  scenario: string;
  kernel: string;
  seeds: number[];
  policies: string[];
  /** Results, by flat metric key in contract order (see metrics/flatten.ts). */
  metrics: MetricSummary[];
  /** RUN_FACT_METRICS: summarised like results, never compared. */
  runFacts: MetricSummary[];
  provenance?: Provenance;
}

/** Facts about a run, not results of a policy: the event count follows the model's work, wall time the host. */
export const RUN_FACT_METRICS: readonly string[] = ['events', 'wall_ms'];

/** From this many seeds on a 95% CI is shown; below, t(0.975, 1) = 12.7 makes it wider than most means. */
export const MIN_SEEDS_FOR_CI = 3;

/** The marker after a change that is significant at SIGNIFICANCE_LEVEL. */
export const SIGNIFICANT_MARK = '*';

export type CompareFormat = 'table' | 'markdown' | 'csv' | 'json' | 'email';
export const COMPARE_FORMATS: readonly CompareFormat[] = ['table', 'markdown', 'csv', 'json', 'email'];

/** Lines of the email format are at most this long (strictly under 72). */
export const EMAIL_MAX_COLUMNS = 71;

export function summarizeCompare(result: CompareResult): CompareSummary {
  // Sort each policy's runs by seed so float sums, and so the printed digits,
  // do not depend on the order in which a parallel sweep finished.
  const flatByPolicy = new Map<string, Record<string, number>[]>();
  for (const policy of result.policies) {
    const runs = result.runs.filter((r) => r.policy === policy).sort((a, b) => a.seed - b.seed);
    flatByPolicy.set(
      policy,
      runs.map((r) => flattenMetrics(r.metrics)),
    );
  }
  const keys = orderedMetricKeys([...flatByPolicy.values()].flat());
  const baseline = result.policies[0];
  const summarize = (metric: string, compared: boolean): MetricSummary => {
    const samplesOf = (policy: string) =>
      flatByPolicy
        .get(policy)!
        .filter((flat) => metric in flat)
        .map((flat) => flat[metric]!);
    const baseSamples = baseline === undefined ? [] : samplesOf(baseline);
    const byPolicy: Record<string, PolicyStat> = {};
    for (const policy of result.policies) {
      const samples = samplesOf(policy);
      const ci = confidenceInterval95(samples);
      const pVsBaseline = compared && policy !== baseline ? welchTTest(samples, baseSamples).pValue : NaN;
      byPolicy[policy] = { mean: ci.mean, lo: ci.lo, hi: ci.hi, n: ci.n, pVsBaseline };
    }
    return { metric, byPolicy };
  };
  const isFact = (key: string) => RUN_FACT_METRICS.includes(key);
  return {
    scenario: result.scenario,
    kernel: result.kernel,
    seeds: [...result.seeds],
    policies: [...result.policies],
    metrics: keys.filter((k) => !isFact(k)).map((k) => summarize(k, true)),
    runFacts: keys.filter(isFact).map((k) => summarize(k, false)),
    ...(result.provenance ? { provenance: { version: result.provenance.version, argv: [...result.provenance.argv] } } : {}),
  };
}

export function formatCompare(summary: CompareSummary, format: CompareFormat): string {
  switch (format) {
    case 'table':
      return formatTable(summary);
    case 'markdown':
      return formatMarkdown(summary);
    case 'csv':
      return formatCsv(summary);
    case 'json':
      return formatJson(summary);
    case 'email':
      return formatEmail(summary);
    default:
      throw new Error(`unknown compare format: ${String(format satisfies never)}`);
  }
}

// ---------------------------------------------------------------------------
// Numbers

/**
 * About 3 significant digits; integers print whole (counts read better
 * exact), huge or tiny values in short exponent form so columns stay narrow.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (Number.isInteger(x) && a < 1e12) return String(x === 0 ? 0 : x);
  if (a >= 1e7 || a < 1e-3) return x.toPrecision(3).replace('e+', 'e');
  // Thresholds sit just under each decade so that 99.99 prints "100", not "100.0".
  if (a >= 99.95) return x.toFixed(0);
  if (a >= 9.995) return x.toFixed(1);
  if (a >= 0.9995) return x.toFixed(2);
  return x.toPrecision(3);
}

/** Relative change of `value` vs `base` in percent; NaN when undefined (base 0 and value not 0). */
export function relativeChangePct(base: number, value: number): number {
  if (Number.isNaN(base) || Number.isNaN(value)) return NaN;
  if (base === 0) return value === 0 ? 0 : NaN;
  return ((value - base) / Math.abs(base)) * 100;
}

/** "-20.3%", "+4.0%", "0.0%", "+312%"; 'n/a' when undefined. */
export function formatPct(pct: number): string {
  if (Number.isNaN(pct)) return 'n/a';
  const a = Math.abs(pct);
  const body = a >= 1e4 ? a.toPrecision(2).replace('e+', 'e') : a >= 100 ? a.toFixed(0) : a.toFixed(1);
  if (/^0(\.0)?$/.test(body)) return '0.0%';
  return `${pct < 0 ? '-' : '+'}${body}%`;
}

/** p < 0.05 in Welch's t-test against the baseline. */
export function isSignificant(s: PolicyStat): boolean {
  return s.pVsBaseline < SIGNIFICANCE_LEVEL;
}

/** "-20.3%*" when significant, "-20.3% " when not (the space keeps % signs aligned). */
function deltaCell(summary: CompareSummary, m: MetricSummary, policy: string, mark = SIGNIFICANT_MARK): string {
  const base = m.byPolicy[summary.policies[0]!]!;
  const cur = m.byPolicy[policy]!;
  if (base.n === 0 || cur.n === 0) return '-';
  return formatPct(relativeChangePct(base.mean, cur.mean)) + (isSignificant(cur) ? mark : ' '.repeat(mark.length));
}

/** "mean ± half-width", or the mean alone below MIN_SEEDS_FOR_CI seeds. */
function halfWidthCell(s: PolicyStat, pm: string): string {
  if (s.n === 0) return '-';
  if (s.n < MIN_SEEDS_FOR_CI) return formatNumber(s.mean);
  return `${formatNumber(s.mean)} ${pm} ${formatNumber((s.hi - s.lo) / 2)}`;
}

/** Whether any cell has enough seeds to show a CI. */
function showsCis(summary: CompareSummary): boolean {
  return summary.metrics.some((m) => Object.values(m.byPolicy).some((s) => s.n >= MIN_SEEDS_FOR_CI));
}

/** What the cells and markers mean: one sentence per item, shared by the formats. */
function cellNotes(summary: CompareSummary, pm: string, delta: string, mark: string): string[] {
  const [baseline, ...others] = summary.policies;
  const notes = [
    showsCis(summary)
      ? `cells: mean ${pm} half-width of its 95% CI over seeds (Student t)`
      : `cells: mean over seeds (a 95% CI is not meaningful from ${MIN_SEEDS_FOR_CI - 1} seeds or fewer; use --seeds ${MIN_SEEDS_FOR_CI} or more)`,
  ];
  if (others.length > 0) {
    notes.push(`${delta}: change of mean vs the baseline, policy ${baseline}`);
    notes.push(`${mark}: significant (Welch's t-test vs the baseline, p < ${SIGNIFICANCE_LEVEL})`);
  }
  return notes;
}

/** The mean of each run fact per policy, "baseline 1234, other 1250". */
function runFactLine(summary: CompareSummary, m: MetricSummary): string {
  return summary.policies.map((p) => `${p} ${m.byPolicy[p]!.n === 0 ? '-' : formatNumber(m.byPolicy[p]!.mean)}`).join(', ');
}

const RUN_FACTS_TITLE = 'run facts (mean over seeds; about the runs, not compared):';

/** "10 seeds (1..10)", or the list when short, or just the count. */
function describeSeeds(seeds: readonly number[]): string {
  const n = seeds.length;
  const head = `${n} seed${n === 1 ? '' : 's'}`;
  if (n === 0) return head;
  const sorted = [...seeds].sort((a, b) => a - b);
  const contiguous = sorted.every((s, i) => i === 0 || s === sorted[i - 1]! + 1);
  if (contiguous && n > 2) return `${head} (${sorted[0]}..${sorted[n - 1]})`;
  const list = seeds.join(', ');
  return list.length <= 30 ? `${head} (${list})` : head;
}

// ---------------------------------------------------------------------------
// Aligned grids (terminal table and email)

type Align = 'l' | 'r';

interface Column {
  /** Header lines, bottom-aligned: long names may wrap over several. */
  header: string[];
  cells: string[];
  align: Align;
}

function pad(s: string, w: number, align: Align): string {
  return align === 'l' ? s.padEnd(w) : s.padStart(w);
}

function columnWidth(c: Column): number {
  return Math.max(...c.header.map((h) => h.length), ...c.cells.map((s) => s.length));
}

function renderGrid(cols: Column[], sep: string): string[] {
  const widths = cols.map(columnWidth);
  const headerRows = Math.max(...cols.map((c) => c.header.length));
  const lines: string[] = [];
  const line = (parts: string[]) => lines.push(parts.join(sep).trimEnd());
  for (let r = 0; r < headerRows; r++) {
    line(cols.map((c, i) => pad(c.header[r - (headerRows - c.header.length)] ?? '', widths[i]!, c.align)));
  }
  line(widths.map((w) => '-'.repeat(w)));
  const rows = cols[0]?.cells.length ?? 0;
  for (let r = 0; r < rows; r++) line(cols.map((c, i) => pad(c.cells[r]!, widths[i]!, c.align)));
  return lines;
}

function gridWidth(cols: Column[], sep: string): number {
  return cols.reduce((sum, c) => sum + columnWidth(c), 0) + sep.length * Math.max(0, cols.length - 1);
}

// ---------------------------------------------------------------------------
// table

function formatTable(summary: CompareSummary): string {
  const [baseline] = summary.policies;
  const cols: Column[] = [{ header: ['metric'], cells: summary.metrics.map((m) => m.metric), align: 'l' }];
  for (const p of summary.policies) {
    cols.push({ header: [p], cells: summary.metrics.map((m) => halfWidthCell(m.byPolicy[p]!, '±')), align: 'r' });
    if (p !== baseline) cols.push({ header: ['Δ'], cells: summary.metrics.map((m) => deltaCell(summary, m, p)), align: 'r' });
  }
  const lines = [`scenario: ${summary.scenario}   kernel: ${summary.kernel}   ${describeSeeds(summary.seeds)}`, ...cellNotes(summary, '±', 'Δ', SIGNIFICANT_MARK), '', ...renderGrid(cols, '  ')];
  if (summary.runFacts.length > 0) {
    const factCols: Column[] = [{ header: ['run fact'], cells: summary.runFacts.map((m) => m.metric), align: 'l' }];
    for (const p of summary.policies) {
      factCols.push({ header: [p], cells: summary.runFacts.map((m) => (m.byPolicy[p]!.n === 0 ? '-' : formatNumber(m.byPolicy[p]!.mean))), align: 'r' });
    }
    lines.push('', RUN_FACTS_TITLE, ...renderGrid(factCols, '  '));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// markdown

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A fenced code block whose fence no backtick run in `text` can close. */
function mdCodeBlock(text: string, lang: string): string[] {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [fence + lang, text, fence];
}

function formatMarkdown(summary: CompareSummary): string {
  const [baseline] = summary.policies;
  const mdMark = '\\' + SIGNIFICANT_MARK;
  const header = ['metric'];
  const aligns = [':---'];
  for (const p of summary.policies) {
    header.push(`\`${mdEscape(p)}\``);
    aligns.push('---:');
    if (p !== baseline) {
      header.push('Δ');
      aligns.push('---:');
    }
  }
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const notes = cellNotes(summary, '±', 'Δ', mdMark).map((n) => mdEscape(n.charAt(0).toUpperCase() + n.slice(1)));
  const lines = [`Scenario \`${mdEscape(summary.scenario)}\`, kernel \`${mdEscape(summary.kernel)}\`, ${describeSeeds(summary.seeds)}. ${notes.join('. ')}.`, '', row(header), row(aligns)];
  for (const m of summary.metrics) {
    const cells = [`\`${mdEscape(m.metric)}\``];
    for (const p of summary.policies) {
      cells.push(halfWidthCell(m.byPolicy[p]!, '±'));
      if (p !== baseline) cells.push(deltaCell(summary, m, p, mdMark).trimEnd());
    }
    lines.push(row(cells));
  }
  if (summary.runFacts.length > 0) {
    lines.push('', RUN_FACTS_TITLE.charAt(0).toUpperCase() + RUN_FACTS_TITLE.slice(1), '');
    lines.push(row(['run fact', ...summary.policies.map((p) => `\`${mdEscape(p)}\``)]), row([':---', ...summary.policies.map(() => '---:')]));
    for (const m of summary.runFacts) {
      lines.push(row([`\`${mdEscape(m.metric)}\``, ...summary.policies.map((p) => (m.byPolicy[p]!.n === 0 ? '-' : formatNumber(m.byPolicy[p]!.mean)))]));
    }
  }
  if (summary.provenance) {
    lines.push('', `Generated by \`${mdEscape(summary.provenance.version)}\` with:`, '', ...mdCodeBlock(commandLine(summary.provenance.argv), 'sh'));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// csv (long form, full precision: for spreadsheets and scripts)

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

/** Results, then run facts (whose p_vs_baseline is empty: they are not compared). */
function formatCsv(summary: CompareSummary): string {
  const lines = ['metric,policy,mean,ci95_lo,ci95_hi,n,p_vs_baseline'];
  for (const m of [...summary.metrics, ...summary.runFacts]) {
    for (const p of summary.policies) {
      const s = m.byPolicy[p]!;
      lines.push([csvField(m.metric), csvField(p), csvNumber(s.mean), csvNumber(s.lo), csvNumber(s.hi), String(s.n), csvNumber(s.pVsBaseline)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// json

function formatJson(summary: CompareSummary): string {
  // JSON has no NaN: undefined statistics become null.
  return JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

// ---------------------------------------------------------------------------
// email
//
// Cells are "mean +- half-width" rather than "mean [lo, hi]": half as wide,
// so a baseline and a policy with its delta fit side by side in 71 columns.

// 22 leaves room for labels + baseline + one policy + its delta in 71 columns.
const EMAIL_LABEL_MAX = 22;
/** Policy names wrap to no less than this, and the baseline's to this. */
const EMAIL_HEADER_MIN = 10;
const EMAIL_HEADER_MAX = 24;
const EMAIL_SEP = '  ';

// Fixed, one-to-one abbreviations of the contract's long names. Every
// shortened label, from here or cut to fit, is spelled out in the legend.
const ABBREV: Record<string, string> = {
  exit_latency_ms: 'exit_lat_ms',
  memory_release_ms: 'mem_release_ms',
  cpu_ms_by_category: 'cpu_ms',
  cpu_busy_mean_pct: 'cpu_busy_pct',
  free_mem_at_preview_mib: 'free_at_preview_mib',
  deferred_entries_peak: 'defer_ent_peak',
  deferred_mib_peak: 'defer_mib_peak',
  held_after_exit_mib_ms: 'held_mib_ms',
  unaccounted_cpu_ms: 'unacct_cpu_ms',
  swap_entries_freed: 'swp_ent_freed',
  swap_entries_leaked: 'swp_ent_leaked',
  swap_full_events: 'swp_full_events',
  swap_alloc_failures: 'swp_alloc_fail',
};

/** Plain ASCII for email: no tabs or control characters. */
function asciiSafe(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\t\r\n\v\f]/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '?');
}

function middleCut(s: string, max: number): string {
  if (s.length <= max) return s;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${s.slice(0, head)}~${s.slice(s.length - (keep - head))}`;
}

/** The label with dictionary abbreviations only (nothing cut). */
function dictLabel(key: string): string {
  const lock = /^lock_wait_ms\[(.*)\]$/s.exec(key);
  if (lock) return asciiSafe(`wait_ms[${lock[1]!}]`);
  const dot = key.indexOf('.');
  const base = dot < 0 ? key : key.slice(0, dot);
  return asciiSafe((ABBREV[base] ?? base) + (dot < 0 ? '' : key.slice(dot)));
}

function abbreviateMetric(key: string): string {
  const lock = /^lock_wait_ms\[(.*)\]$/s.exec(key);
  // Cut inside the brackets: the lock name is what must stay recognisable.
  if (lock) return `wait_ms[${middleCut(asciiSafe(lock[1]!), EMAIL_LABEL_MAX - 'wait_ms[]'.length)}]`;
  return middleCut(dictLabel(key), EMAIL_LABEL_MAX);
}

/**
 * Unique labels for the email, plus a legend: each dictionary abbreviation
 * once (exit_lat_ms = exit_latency_ms), and every label cut to fit in full.
 */
function emailLabels(keys: readonly string[]): { labels: string[]; legend: Array<[string, string]> } {
  const first = keys.map(abbreviateMetric);
  const used = new Set<string>();
  const labels = first.map((base) => {
    // Two long names may cut to the same label: number the later ones.
    let l = base;
    for (let k = 2; used.has(l); k++) {
      const suffix = `~${k}`;
      const cand = base.slice(0, EMAIL_LABEL_MAX - suffix.length) + suffix;
      if (!first.includes(cand)) l = cand;
    }
    used.add(l);
    return l;
  });
  const legend: Array<[string, string]> = [];
  const seen = new Set<string>();
  const add = (short: string, full: string) => {
    if (!seen.has(short)) legend.push([short, full]);
    seen.add(short);
  };
  keys.forEach((key, i) => {
    if (/^lock_wait_ms\[/.test(key)) add('wait_ms[...]', 'lock_wait_ms[...]');
    const base = key.split('.')[0]!;
    if (ABBREV[base] !== undefined) add(ABBREV[base], base);
    if (labels[i] !== dictLabel(key)) add(labels[i]!, key);
  });
  return { labels, legend };
}

/** Hard-wrap a line to the email width, continuing with an indent. */
function wrapLine(s: string, max = EMAIL_MAX_COLUMNS, indent = '    '): string[] {
  const out: string[] = [];
  let rest = asciiSafe(s);
  let first = true;
  while (rest.length > 0) {
    const room = first ? max : max - indent.length;
    let cut = rest.length;
    if (cut > room) {
      const space = rest.lastIndexOf(' ', room);
      cut = space > room / 2 ? space : room;
    }
    out.push((first ? '' : indent) + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    first = false;
  }
  return out.length > 0 ? out : [''];
}

/**
 * Split a long column header (a policy name) over lines of at most `width`,
 * preferring to break after '-', '_', '.' or '/'.
 */
function wrapHeader(name: string, width: number): string[] {
  let rest = asciiSafe(name);
  const out: string[] = [];
  while (rest.length > width) {
    let cut = width;
    for (let i = width; i > width / 2; i--) {
      if ('-_./'.includes(rest[i - 1]!)) {
        cut = i;
        break;
      }
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

/**
 * Pack policy columns into blocks that fit the width. Each block starts with
 * the metric labels and, when there is room, the baseline again so every
 * delta sits next to what it is relative to.
 */
function packBlocks(label: Column, base: Column, groups: Column[][]): Column[][] {
  const fits = (cols: Column[]) => gridWidth([label, ...cols], EMAIL_SEP) <= EMAIL_MAX_COLUMNS;
  const blocks: Column[][] = [];
  let cur: Column[] = [base];
  let curHasNew = true; // the first block introduces the baseline itself
  for (const g of groups) {
    if (fits([...cur, ...g])) {
      cur.push(...g);
      curHasNew = true;
      continue;
    }
    if (curHasNew) blocks.push(cur);
    cur = fits([base, ...g]) ? [base] : [];
    curHasNew = false;
    for (const col of g) {
      if (cur.length > 0 && !fits([...cur, col])) {
        blocks.push(cur);
        cur = [];
      }
      cur.push(col);
      curHasNew = true;
    }
  }
  if (curHasNew) blocks.push(cur);
  return blocks;
}

function formatEmail(summary: CompareSummary): string {
  const [baseline, ...others] = summary.policies;
  const keys = summary.metrics.map((m) => m.metric);
  const { labels, legend } = emailLabels(keys);
  const label: Column = { header: ['metric'], cells: labels, align: 'l' };
  const deltaCol = (p: string): Column => ({ header: ['delta'], cells: summary.metrics.map((m) => deltaCell(summary, m, p)), align: 'r' });
  const cellsOf = (p: string) => summary.metrics.map((m) => halfWidthCell(m.byPolicy[p]!, '+-'));
  const baseCol: Column = { header: wrapHeader(baseline, EMAIL_HEADER_MAX), cells: cellsOf(baseline), align: 'r' };
  const valueCol = (p: string): Column => {
    const cells = cellsOf(p);
    // A long policy name wraps (at '-', '_' ...) rather than push its column
    // out of the block next to the baseline; if the numbers alone do not fit
    // there, it gets a block of its own and may use that width.
    const cellWidth = Math.max(...cells.map((c) => c.length));
    const sep = EMAIL_SEP.length;
    const fixed = columnWidth(label) + columnWidth(deltaCol(p));
    const besideBase = EMAIL_MAX_COLUMNS - fixed - columnWidth(baseCol) - 3 * sep;
    const room = cellWidth <= besideBase ? besideBase : EMAIL_MAX_COLUMNS - fixed - 2 * sep;
    const width = Math.max(cellWidth, Math.min(p.length, Math.max(room, EMAIL_HEADER_MIN)));
    return { header: wrapHeader(p, width), cells, align: 'r' };
  };
  const lines: string[] = [];
  const push = (s: string) => lines.push(...wrapLine(s));
  push(`scenario: ${summary.scenario}`);
  push(`kernel:   ${summary.kernel}`);
  push(`seeds:    ${describeSeeds(summary.seeds)}`);
  for (const note of cellNotes(summary, '+-', 'delta', SIGNIFICANT_MARK)) {
    const colon = note.indexOf(':');
    push(`${note.slice(0, colon + 1).padEnd(10)}${note.slice(colon + 1).trimStart()}`);
  }
  if (baseline !== undefined) {
    const groups = others.map((p): Column[] => [valueCol(p), deltaCol(p)]);
    for (const block of packBlocks(label, baseCol, groups)) {
      lines.push('');
      lines.push(...renderGrid([label, ...block], EMAIL_SEP));
    }
  }
  if (summary.runFacts.length > 0) {
    lines.push('');
    push(RUN_FACTS_TITLE);
    for (const m of summary.runFacts) push(`  ${m.metric}: ${runFactLine(summary, m)}`);
  }
  if (legend.length > 0) {
    lines.push('', 'abbreviations:');
    for (const [short, full] of legend) {
      const one = `  ${short} = ${asciiSafe(full)}`;
      if (one.length <= EMAIL_MAX_COLUMNS) lines.push(one);
      else {
        // Hard-split, same indent on every piece, so the name can be pasted back together.
        const name = asciiSafe(full);
        const w = EMAIL_MAX_COLUMNS - 4;
        lines.push(`  ${short} =`);
        for (let i = 0; i < name.length; i += w) lines.push(`    ${name.slice(i, i + w)}`);
      }
    }
  }
  if (summary.provenance) {
    lines.push('');
    push(`generated by ${summary.provenance.version}; to reproduce:`);
    // Not indented: a long argument is cut with backslash-newlines, and an indent would split it.
    lines.push(...wrapCommandLine(summary.provenance.argv.map(asciiSafe), EMAIL_MAX_COLUMNS));
  }
  return lines.join('\n') + '\n';
}
