import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Metrics, RunOutput } from '../src/metrics/types.js';
import { compareMetricKeys, flattenMetrics, orderedMetricKeys } from '../src/metrics/flatten.js';
import { EMAIL_MAX_COLUMNS, formatCompare, formatNumber, formatPct, relativeChangePct, summarizeCompare, type CompareResult } from '../src/report/compare.js';

const dist = (m: number) => ({ count: 40, mean: m, p50: m * 0.9, p90: m * 1.5, p99: m * 2, max: m * 2.5 });

function metrics(scale: number, seed: number, locks: string[], launch = true): Metrics {
  const j = 1 + (seed % 3) * 0.1; // seed-to-seed spread
  const m: Metrics = {
    exit_latency_ms: dist(120 * scale * j),
    memory_release_ms: { ...dist(300 * scale * j), released: 38, censored: 2 },
    cpu_ms_by_category: { exiting: 120, kworker: 30, foreground: 900, system: 600, lmkd: 20, background: 50, idle: 280 },
    cpu_busy_mean_pct: 86,
    deferred_entries_peak: Math.round(123456 * scale),
    deferred_mib_peak: 482.3 * scale,
    held_after_exit_mib_ms: 1.23e6 * scale * j,
    unaccounted_cpu_ms: 0.0123 * j,
    lock_wait_ms: Object.fromEntries(locks.map((l, i) => [l, (i + 1) * 3.3 * scale * j])),
    cacheline_transfers: {},
    cacheline_stall_ms: {},
    swap_entries_freed: 500000,
    swap_entries_leaked: 0,
    swap_full_events: 0,
    swap_alloc_failures: 0,
    events: 1234567 + seed,
    wall_ms: 1500 + seed,
  };
  if (launch) m.launch_ms = 812 * scale * j;
  return m;
}

function run(policy: string, seed: number, scale: number, locks: string[]): RunOutput {
  return { scenario: 'camera', policy, seed, kernel: 'android15-6.6', fingerprint: 'f', metrics: metrics(scale, seed, locks), vmstat: {} };
}

const LONG_LOCKS = ['si->lock', 'swap_info_struct->cluster_info_lock_with_a_really_long_name_alpha', 'swap_info_struct->cluster_info_lock_with_a_really_long_name_beta', 'zram->table[index].lock'];

function result(policies: string[], seeds: number[], locks = ['si->lock']): CompareResult {
  return {
    scenario: 'camera',
    kernel: 'android15-6.6',
    seeds,
    policies,
    runs: policies.flatMap((p, i) => seeds.map((s) => run(p, s, 1 - 0.1 * i, locks))),
  };
}

/** Minimal RFC 4180 parser: enough to check the CSV round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Cells of a markdown table row, honouring escaped pipes. */
function mdCells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Rows of the results table (the run facts table follows after a blank line). */
function firstMdTable(md: string): string[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

describe('flattenMetrics', () => {
  it('flattens in contract order with per-lock keys', () => {
    const m = metrics(1, 0, ['zz', 'si->lock']);
    const keys = Object.keys(flattenMetrics(m));
    expect(keys.slice(0, 7)).toEqual([
      'exit_latency_ms.mean',
      'exit_latency_ms.p50',
      'exit_latency_ms.p90',
      'exit_latency_ms.p99',
      'exit_latency_ms.max',
      'exit_latency_ms.count',
      'memory_release_ms.mean',
    ]);
    expect(keys).toContain('launch_ms');
    expect(keys).not.toContain('preview_ms'); // optional and absent
    expect(keys.indexOf('lock_wait_ms[si->lock]')).toBe(keys.indexOf('unaccounted_cpu_ms') + 1);
    expect(keys.indexOf('lock_wait_ms[zz]')).toBe(keys.indexOf('lock_wait_ms[si->lock]') + 1);
    expect(keys.slice(-6)).toEqual(['swap_entries_freed', 'swap_entries_leaked', 'swap_full_events', 'swap_alloc_failures', 'events', 'wall_ms']);
    expect(flattenMetrics(m)['exit_latency_ms.p99']).toBe(240);
  });
  it('orders the union of keys of several runs', () => {
    const a = flattenMetrics(metrics(1, 0, ['b'], false));
    const b = flattenMetrics(metrics(1, 0, ['a'], true));
    const keys = orderedMetricKeys([a, b]);
    expect(keys.indexOf('launch_ms')).toBeLessThan(keys.indexOf('cpu_busy_mean_pct'));
    expect(keys.indexOf('lock_wait_ms[a]')).toBe(keys.indexOf('lock_wait_ms[b]') - 1);
    expect(compareMetricKeys('some_future_metric', 'wall_ms')).toBeGreaterThan(0);
  });
});

describe('number formatting', () => {
  it('3 significant-ish digits, integers whole', () => {
    expect(formatNumber(123456)).toBe('123456');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(132.4)).toBe('132');
    expect(formatNumber(99.99)).toBe('100');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(NaN)).toBe('n/a');
    expect(formatNumber(1.5e9 + 0.5)).toBe('1.50e9');
  });
  it('relative change', () => {
    expect(formatPct(relativeChangePct(100, 79.7))).toBe('-20.3%');
    expect(formatPct(relativeChangePct(100, 104))).toBe('+4.0%');
    expect(formatPct(relativeChangePct(0, 0))).toBe('0.0%');
    expect(formatPct(relativeChangePct(0, 5))).toBe('n/a');
    expect(formatPct(relativeChangePct(10, 50))).toBe('+400%');
  });
});

describe('summarizeCompare', () => {
  it('computes per-policy 95% CIs over seeds', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const s = summarizeCompare(result(['base', 'new'], seeds));
    const exitMean = s.metrics.find((m) => m.metric === 'exit_latency_ms.mean')!;
    const samples = seeds.map((seed) => 120 * (1 + (seed % 3) * 0.1));
    const mu = samples.reduce((a, b) => a + b) / samples.length;
    const sd = Math.sqrt(samples.reduce((a, x) => a + (x - mu) ** 2, 0) / (samples.length - 1));
    const half = (2.262157163 * sd) / Math.sqrt(samples.length);
    const base = exitMean.byPolicy['base']!;
    expect(base.n).toBe(10);
    expect(base.mean).toBeCloseTo(mu, 10);
    expect(base.lo).toBeCloseTo(mu - half, 8);
    expect(base.hi).toBeCloseTo(mu + half, 8);
    expect(exitMean.byPolicy['new']!.mean).toBeCloseTo(mu * 0.9, 10);
    expect(s.metrics[0]!.metric).toBe('exit_latency_ms.mean');
  });
  it('does not depend on run order', () => {
    const r = result(['base', 'new'], [1, 2, 3, 4, 5]);
    const shuffled = { ...r, runs: [...r.runs].reverse() };
    expect(formatCompare(summarizeCompare(shuffled), 'csv')).toBe(formatCompare(summarizeCompare(r), 'csv'));
  });
  it('handles a single seed and a policy without runs', () => {
    const r = result(['base', 'new'], [1]);
    r.policies.push('missing');
    const s = summarizeCompare(r);
    const cell = s.metrics[0]!.byPolicy;
    expect(cell['base']).toMatchObject({ n: 1, lo: cell['base']!.mean, hi: cell['base']!.mean });
    expect(cell['missing']!.n).toBe(0);
    const table = formatCompare(s, 'table');
    // One seed: the mean alone, and the reason there is no CI.
    expect(table).not.toContain('±');
    expect(table).toContain('a 95% CI is not meaningful from 2 seeds or fewer');
    expect(formatCompare(s, 'email')).not.toContain('+-');
    expect(JSON.parse(formatCompare(s, 'json')).metrics[0].byPolicy.missing.mean).toBeNull();
  });
});

describe('formatCompare', () => {
  const policies = ['baseline', 'deferred-swap-free-kworker', 'batch-free-64', 'async-exit-mm-with-oom-reaper', 'p5'];
  const r = result(policies, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], LONG_LOCKS);
  const s = summarizeCompare(r);

  it('email: every line under 72 columns, ASCII, no tabs, with the header facts', () => {
    const text = formatCompare(s, 'email');
    for (const line of text.split('\n')) {
      expect(line.length, line).toBeLessThan(72);
      expect(line.length).toBeLessThanOrEqual(EMAIL_MAX_COLUMNS);
      expect(line).not.toMatch(/\t/);
      expect(line).toMatch(/^[\x20-\x7e]*$/);
    }
    expect(text).toMatch(/scenario: camera/);
    expect(text).toMatch(/kernel: +android15-6\.6/);
    expect(text).toMatch(/10 seeds/);
    expect(text).toContain('mean +- half-width of its 95% CI');
    expect(text).toMatch(/\d +\+- \d/);
    // Every policy appears (long names may wrap at '-'), each with its delta.
    for (const p of policies) for (const part of p.split('-')) expect(text).toContain(part);
    expect(text).toContain('-40.0%');
    // Each block repeats the baseline next to the policy it is compared with.
    const headers = text.split('\n').filter((l) => l.startsWith('metric '));
    expect(headers).toHaveLength(policies.length - 1);
    for (const h of headers) expect(h).toMatch(/^metric +baseline +.* delta$/);
    // Long lock names are cut but explained, and stay distinct.
    const legend = text.slice(text.indexOf('abbreviations:'));
    expect(legend.replace(/\n {4}/g, '')).toContain('wait_ms[swap_i~_alpha] =lock_wait_ms[swap_info_struct->cluster_info_lock_with_a_really_long_name_alpha]');
    expect(legend).toContain('wait_ms[zram->~].lock] = lock_wait_ms[zram->table[index].lock]');
    const firstBlock = text.split('\n\n')[1]!.split('\n');
    const labels = firstBlock.slice(2).map((l) => l.split(/\s{2,}/)[0]);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('email: two policies share one block with the names unwrapped', () => {
    const text = formatCompare(summarizeCompare(result(['baseline', 'deferred-swap-free'], [1, 2, 3], LONG_LOCKS)), 'email');
    const headers = text.split('\n').filter((l) => l.startsWith('metric '));
    expect(headers).toEqual([expect.stringMatching(/^metric +baseline +deferred-swap-free +delta$/)]);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThan(72);
  });

  it('email: stays under 72 columns with absurd names and huge numbers', () => {
    const nasty = result(['a'.repeat(90), 'b'.repeat(40) + '\tx', 'c'], [1, 2, 3], ['x'.repeat(100) + '1', 'x'.repeat(100) + '2']);
    nasty.scenario = 's'.repeat(150);
    for (const run of nasty.runs) run.metrics.events = 123456789012345 + run.seed;
    const text = formatCompare(summarizeCompare(nasty), 'email');
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThan(72);
    expect(text).not.toMatch(/\t/);
  });

  it('markdown: header, separator and rows have the same, right column count', () => {
    const md = formatCompare(s, 'markdown');
    const rows = firstMdTable(md);
    const want = 1 + policies.length + (policies.length - 1);
    expect(rows.length).toBe(2 + s.metrics.length);
    for (const row of rows) expect(mdCells(row)).toHaveLength(want);
    expect(mdCells(rows[1]!).every((c) => /^:?-{3,}:?$/.test(c))).toBe(true);
  });

  it('markdown escapes pipes in names', () => {
    const md = formatCompare(summarizeCompare(result(['a|b', 'c'], [1, 2], ['l|k'])), 'markdown');
    for (const row of firstMdTable(md)) expect(mdCells(row)).toHaveLength(4);
  });

  it('csv: long form that parses back', () => {
    const csv = formatCompare(summarizeCompare(result(['a,b', 'c"d'], [1, 2, 3], ['x,y'])), 'csv');
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['metric', 'policy', 'mean', 'ci95_lo', 'ci95_hi', 'n', 'p_vs_baseline']);
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(7);
      expect(Number.isFinite(Number(row[2]))).toBe(true);
      expect(Number(row[3])).toBeLessThanOrEqual(Number(row[2]));
      expect(Number(row[4])).toBeGreaterThanOrEqual(Number(row[2]));
      expect(row[5]).toBe('3');
    }
    expect(rows.some((r) => r[0] === 'lock_wait_ms[x,y]' && r[1] === 'c"d')).toBe(true);
  });

  it('json: is the summary', () => {
    const back = JSON.parse(formatCompare(s, 'json'));
    expect(back.policies).toEqual(policies);
    expect(back.metrics.length).toBe(s.metrics.length);
    expect(back.metrics[0].byPolicy.baseline.mean).toBeCloseTo(s.metrics[0]!.byPolicy['baseline']!.mean, 12);
  });

  it('table: aligned rows, ± half-widths and deltas vs the baseline', () => {
    const table = formatCompare(s, 'table');
    const lines = table.trimEnd().split('\n');
    const dash = lines.findIndex((l) => /^-+ {2}-/.test(l));
    expect(dash).toBeGreaterThan(0);
    expect(lines[dash - 1]).toContain('deferred-swap-free-kworker');
    expect(table).toMatch(/\d ± \d/);
    expect(table).toContain('-10.0%');
    // Right-aligned numeric columns: in every data row of the results grid
    // (up to the blank line before the run facts) the last % sits at one column.
    const grid = lines.slice(dash + 1, lines.indexOf('', dash));
    expect(grid.length).toBe(s.metrics.length);
    expect(new Set(grid.map((l) => l.lastIndexOf('%'))).size).toBe(1);
  });
});

describe('run facts, significance, provenance', () => {
  /** Three seeds per policy with the given exit-latency means; everything else equal. */
  function exitLatencyResult(values: Record<string, number[]>): CompareResult {
    const policies = Object.keys(values);
    return {
      scenario: 'camera',
      kernel: 'k',
      seeds: [1, 2, 3],
      policies,
      runs: policies.flatMap((p) =>
        values[p]!.map((v, i) => {
          const r = run(p, i + 1, 1, ['si->lock']);
          r.metrics.exit_latency_ms.mean = v;
          return r;
        }),
      ),
    };
  }
  const res = exitLatencyResult({ base: [100, 110, 120], same: [110, 120, 100], slower: [200, 210, 220] });
  const sum = summarizeCompare(res);
  const exitMean = sum.metrics.find((m) => m.metric === 'exit_latency_ms.mean')!;

  it('events and wall_ms are run facts, apart from the results and never compared', () => {
    expect(sum.metrics.map((m) => m.metric)).not.toContain('events');
    expect(sum.metrics.map((m) => m.metric)).not.toContain('wall_ms');
    expect(sum.runFacts.map((m) => m.metric)).toEqual(['events', 'wall_ms']);
    expect(sum.runFacts[1]!.byPolicy['base']!.mean).toBe(1502); // wall_ms 1500 + seeds 1..3
    for (const m of sum.runFacts) for (const st of Object.values(m.byPolicy)) expect(st.pVsBaseline).toBeNaN();
    const table = formatCompare(sum, 'table');
    const facts = table.slice(table.indexOf('run facts'));
    expect(facts).toMatch(/^events +\d+ +\d+ +\d+$/m);
    expect(facts).not.toMatch(/Δ|%/);
    expect(table.indexOf('run facts')).toBeGreaterThan(table.indexOf('swap_entries_leaked'));
    expect(formatCompare(sum, 'email')).toMatch(/^ {2}wall_ms: base 1502, same 1502, slower 1502$/m);
  });

  it("Welch's t-test against the baseline marks only the real difference", () => {
    expect(exitMean.byPolicy['base']!.pVsBaseline).toBeNaN();
    expect(exitMean.byPolicy['same']!.pVsBaseline).toBeCloseTo(1, 12);
    expect(exitMean.byPolicy['slower']!.pVsBaseline).toBeLessThan(0.001);
    const row = (text: string) => text.split('\n').find((l) => /^\|? *`?exit_latency_ms\.mean/.test(l))!;
    expect(row(formatCompare(sum, 'table'))).toMatch(/ 0\.0% +\S.* \+90\.9%\*$/);
    expect(row(formatCompare(sum, 'markdown'))).toMatch(/\| 0\.0% \|.*\| \+90\.9%\\\* \|$/);
    expect(formatCompare(sum, 'email')).toContain('+90.9%*');
    expect(formatCompare(sum, 'email')).toMatch(/^\*: +significant \(Welch's t-test vs the baseline, p < 0\.05\)$/m);
    const csv = parseCsv(formatCompare(sum, 'csv'));
    const p = (policy: string) => csv.find((r) => r[0] === 'exit_latency_ms.mean' && r[1] === policy)![6]!;
    expect(p('base')).toBe('');
    expect(Number(p('slower'))).toBeLessThan(0.001);
  });

  it('email and markdown end with the version and the command that reproduces them', () => {
    const argv = ['compare', 'camera', '--policies', 'base,same,slower', '--seeds', '3', '--set', 'apps.name=it is', '--format', 'email'];
    const withProv = summarizeCompare({ ...res, provenance: { version: 'swaplab@9.9.9+abc', argv } });
    const email = formatCompare(withProv, 'email').trimEnd().split('\n');
    const start = email.indexOf('generated by swaplab@9.9.9+abc; to reproduce:');
    expect(start).toBeGreaterThan(0);
    const shown = email.slice(start + 1);
    for (const l of shown) expect(l.length).toBeLessThan(72);
    const script = `swaplab() { printf '%s\\0' "$@"; }\n${shown.join('\n')}\n`;
    expect(execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1)).toEqual(argv);
    const md = formatCompare(withProv, 'markdown').trimEnd().split('\n');
    expect(md.slice(-4)).toEqual(
      ['Generated by `swaplab@9.9.9+abc` with:', '', '```sh', "swaplab compare camera --policies base,same,slower --seeds 3 --set 'apps.name=it is' --format email", '```'].slice(-4),
    );
    expect(md).toContain('Generated by `swaplab@9.9.9+abc` with:');
    expect(JSON.parse(formatCompare(withProv, 'json')).provenance).toEqual({ version: 'swaplab@9.9.9+abc', argv });
    // Without provenance (the HTML report embeds the markdown and says it itself) there is no footer.
    expect(formatCompare(sum, 'email')).not.toContain('generated by');
  });

  it('email: every shortened metric label is in the legend', () => {
    const text = formatCompare(summarizeCompare(result(['base', 'p'], [1, 2, 3], LONG_LOCKS)), 'email');
    const legend = text
      .slice(text.indexOf('abbreviations:'))
      .split('\n')
      .slice(1)
      .filter((l) => l.includes(' = '))
      .map((l) => l.trim().split(' = ')[0]!);
    const firstGrid = text.split('\n\n')[1]!.split('\n').slice(2);
    const labels = firstGrid.map((l) => l.split(/\s{2,}/)[0]!);
    const full = new Set(summarizeCompare(result(['base', 'p'], [1, 2, 3], LONG_LOCKS)).metrics.map((m) => m.metric));
    for (const label of labels) {
      if (full.has(label)) continue;
      const base = label.split('.')[0]!;
      const explained = legend.includes(label) || legend.includes(base) || (label.startsWith('wait_ms[') && legend.includes('wait_ms[...]'));
      expect(explained, label).toBe(true);
    }
    expect(legend).toContain('exit_lat_ms');
    expect(text).toContain('  exit_lat_ms = exit_latency_ms\n');
  });
});
