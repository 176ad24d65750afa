// docs/answers.md: the reply the thread never got. One section per
// reviewer question (seeds/001, 002, 004): the question quoted with its
// source, the experiment as a command anyone can rerun, a table of means
// with 95% CIs over seeds, one plot, and a short answer that says what the
// model cannot tell. The caller runs the simulations (AnswersRunner, as
// validation.ts takes a runner): report/ runs none. Each section is also
// returned as plain text for out/answers/<slug>.txt.

import { confidenceInterval95, type ConfidenceInterval } from '../metrics/stats.js';
import type { RunRecord } from '../metrics/types.js';
import { ciBarsSvg } from './ci-bars-svg.js';

export interface AnswerFailure {
  policy: string;
  seed: number;
  message: string;
}

/** The runs of one scenario with `sets`, per policy x seed; failed runs are reported, not thrown. */
export interface AnswerRuns {
  records: RunRecord[];
  failures: AnswerFailure[];
}

export type AnswersRunner = (scenario: string, sets: string[], policies: string[], seeds: number[]) => Promise<AnswerRuns>;

export interface AnswersOptions {
  /** Seeds per phone-scenario cell. */
  seeds: number;
  /** Seeds per server cell (the shrunk server-exit). */
  serverSeeds: number;
  run: AnswersRunner;
  /** Kernel presets the build has (a 'swap-table' preset is used when present). */
  kernelVersions: readonly string[];
}

export interface AnswerSection {
  slug: string;
  title: string;
  markdown: string;
  text: string;
  svg: string;
}

// ---------------------------------------------------------------- runs

/** Remembers runs by scenario, sets, policy and seed, so sections share them. */
class RunCache {
  private readonly done = new Map<string, { rec?: RunRecord; failure?: AnswerFailure }>();
  constructor(private readonly runner: AnswersRunner) {}

  async get(scenario: string, sets: string[], policies: string[], seeds: number[]): Promise<Map<string, Cell>> {
    const key = (p: string, s: number) => `${scenario}|${sets.join(' ')}|${p}|${s}`;
    const missing = policies.filter((p) => seeds.some((s) => !this.done.has(key(p, s))));
    if (missing.length > 0) {
      const got = await this.runner(scenario, sets, missing, seeds);
      for (const r of got.records) this.done.set(key(r.output.policy, r.output.seed), { rec: r });
      for (const f of got.failures) this.done.set(key(f.policy, f.seed), { failure: f });
    }
    const out = new Map<string, Cell>();
    for (const p of policies) {
      const cell: Cell = { records: [], failures: [] };
      for (const s of seeds) {
        const d = this.done.get(key(p, s));
        if (d?.rec) cell.records.push(d.rec);
        if (d?.failure) cell.failures.push(d.failure);
      }
      out.set(p, cell);
    }
    return out;
  }
}

interface Cell {
  records: RunRecord[];
  failures: AnswerFailure[];
}

// ---------------------------------------------------------------- numbers

type Getter = (r: RunRecord) => number | undefined;

interface Column {
  label: string;
  get: Getter;
  digits?: number;
}

const m = {
  exit: (r: RunRecord) => (r.output.metrics.exit_latency_ms.count > 0 ? r.output.metrics.exit_latency_ms.mean : undefined),
  release: (r: RunRecord) => (r.output.metrics.memory_release_ms.count > 0 ? r.output.metrics.memory_release_ms.mean : undefined),
  released: (r: RunRecord) => r.output.metrics.memory_release_ms.count,
  cgroupKillWaitMs: (r: RunRecord) => (r.output.vmstat.lmkd_cgroup_kill_wait_us ?? 0) / 1000,
  held: (r: RunRecord) => r.output.metrics.held_after_exit_mib_ms,
  unaccounted: (r: RunRecord) => r.output.metrics.unaccounted_cpu_ms,
  launch: (r: RunRecord) => r.output.metrics.launch_ms,
  preview: (r: RunRecord) => r.output.metrics.preview_ms,
  freeAtPreview: (r: RunRecord) => r.output.metrics.free_mem_at_preview_mib,
  parkedPeakMib: (r: RunRecord) => r.output.metrics.deferred_mib_peak,
  freePathMs: (r: RunRecord) => (r.output.vmstat.free_swap_total_us ?? 0) / 1000,
  swapFullEvents: (r: RunRecord) => r.output.metrics.swap_full_events ?? 0,
  swapAllocFailures: (r: RunRecord) => r.output.metrics.swap_alloc_failures ?? 0,
  jank: (r: RunRecord) => r.output.metrics.jank_rate_pct,
  stutter: (r: RunRecord) => r.output.metrics.preview_stutter_pct,
  kills: (r: RunRecord) => r.output.vmstat.lmkd_kills,
  allocstall: (r: RunRecord) => r.output.vmstat.allocstall ?? 0,
  psiSomeMs: (r: RunRecord) => (r.output.vmstat.psi_memory_some_us ?? 0) / 1000,
  parkedAtEnd: (r: RunRecord) => r.output.vmstat.swap_entries_parked_at_end,
  lock: (name: string) => (r: RunRecord) => r.output.metrics.lock_wait_ms[name] ?? 0,
  lockTotal: (r: RunRecord) =>
    Object.entries(r.output.metrics.lock_wait_ms)
      .filter(([n]) => n !== 'cgroup_mutex')
      .reduce((a, [, v]) => a + v, 0),
};

function ciOf(records: readonly RunRecord[], get: Getter): ConfidenceInterval {
  const xs = records.map(get).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return confidenceInterval95(xs);
}

function num(x: number, d = 1): string {
  if (!Number.isFinite(x)) return 'n/a';
  const t = x.toFixed(d);
  return /^-0(\.0*)?$/.test(t) ? t.slice(1) : t;
}

function ciText(c: ConfidenceInterval, d = 1): string {
  if (c.n === 0) return 'n/a';
  return c.n > 1 ? `${num(c.mean, d)} [${num(c.lo, d)}, ${num(c.hi, d)}]` : num(c.mean, d);
}

/** "12% lower than sync (CIs apart)" style comparison of `b` against the baseline `a`. */
function versus(a: ConfidenceInterval, b: ConfidenceInterval, baseline: string): string {
  if (a.n === 0 || b.n === 0 || !Number.isFinite(a.mean) || !Number.isFinite(b.mean)) return 'not measurable';
  const pct = a.mean !== 0 ? ((b.mean - a.mean) / Math.abs(a.mean)) * 100 : NaN;
  const dir = b.mean > a.mean ? 'higher' : b.mean < a.mean ? 'lower' : 'the same';
  const sep = apart(a, b) ? 'the 95% CIs do not overlap' : 'the 95% CIs overlap';
  const size = !Number.isFinite(pct) ? '' : Math.abs(pct) >= 1000 ? `${num(b.mean / a.mean, 0)}x ` : `${Math.abs(pct).toFixed(0)}% `;
  const what = size.endsWith('x ') ? `${size}that of ${baseline}` : `${size}${dir} than ${baseline}`;
  return dir === 'the same' ? `the same as ${baseline}` : `${what} (${sep})`;
}

/** The two 95% CIs do not overlap. */
function apart(a: ConfidenceInterval, b: ConfidenceInterval): boolean {
  return a.n > 1 && b.n > 1 && (a.hi < b.lo || b.hi < a.lo);
}

/** "shorter" / "longer" / "not measurably different" for `b` against `a`. */
function moved(a: ConfidenceInterval, b: ConfidenceInterval, lower = 'lower', higher = 'higher'): string {
  if (!apart(a, b)) return 'not measurably different';
  return b.mean < a.mean ? lower : higher;
}

interface Row {
  label: string;
  cell: Cell;
}

function tables(rows: readonly Row[], cols: readonly Column[]): { md: string; text: string } {
  const head = ['', ...cols.map((c) => c.label)];
  const body = rows.map((r) => {
    const failed = r.cell.failures.length > 0 ? ` (${r.cell.failures.length} failed)` : '';
    return [`${r.label}${failed}`, ...cols.map((c) => ciText(ciOf(r.cell.records, c.get), c.digits ?? 1))];
  });
  const md = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n');
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const text = [line(head), ...body.map(line)].join('\n');
  return { md, text };
}

// ---------------------------------------------------------------- sections

interface SectionSpec {
  slug: string;
  title: string;
  /** The question, quoted. */
  quote: string;
  source: string;
  commands: string[];
  setup: string;
  rows: Row[];
  cols: Column[];
  plot: { title: string; get: Getter };
  answer: string[];
}

function wrap(text: string, width = 72): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join('\n');
}

function section(s: SectionSpec, seedsNote: string): AnswerSection {
  const t = tables(s.rows, s.cols);
  const svg = ciBarsSvg(
    s.plot.title,
    s.rows.map((r) => ({ label: r.label, ci: ciOf(r.cell.records, s.plot.get) })),
  );
  const quoteMd = s.quote
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const md = [
    `## ${s.title}`,
    '',
    quoteMd,
    '',
    `— ${s.source}`,
    '',
    `**Experiment.** ${s.setup} ${seedsNote}`,
    '',
    '```sh',
    ...s.commands,
    '```',
    '',
    t.md,
    '',
    `![${s.plot.title}](answers/${s.slug}.svg)`,
    '',
    ...s.answer.flatMap((p) => [p, '']),
  ].join('\n');
  const text = [
    `Subject: Re: ${s.title}`,
    '',
    s.quote
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n'),
    '',
    `(${s.source})`,
    '',
    wrap(`Experiment: ${s.setup} ${seedsNote}`),
    '',
    ...s.commands.map((c) => `  $ ${c}`),
    '',
    'Mean [95% CI] over seeds:',
    '',
    t.text,
    '',
    ...s.answer.map((p) => `${wrap(p)}\n`),
  ].join('\n');
  return { slug: s.slug, title: s.title, markdown: md, text, svg };
}

const POLICY_LABEL: Record<string, string> = {
  sync: 'sync (today)',
  'async-mmu-gather': 'async-mmu-gather (Zhiguo v3)',
  'async-global-list': 'async-global-list (Lei v0)',
  'async-scaled-workers': 'async-scaled-workers',
  'async-per-node': 'async-per-node',
  'fork-and-free': 'fork-and-free (Morton)',
  'deferred-zs-free': 'deferred-zs-free (Barry)',
  'oom-reaper-parallel': 'oom-reaper-parallel (Shakeel)',
};
const label = (p: string) => POLICY_LABEL[p] ?? p;

const cmd = (scenario: string, policies: readonly string[], seeds: number, sets: readonly string[] = []) =>
  `swaplab compare ${scenario} --policies ${policies.join(',')} --seeds ${seeds}${sets.map((s) => ` --set ${s}`).join('')} --format email`;

// ---------------------------------------------------------------- the report

const THREAD_002 = 'Re: [PATCH v0 0/2] mm: swap: Gather swap entries and batch async release, linux-mm, Sep 2025 (seeds/002)';
const THREAD_001 = 'Andrew Morton, Re: [PATCH v2 0/3] mm: tlb swap entries batch async release, 31 Jul 2024 (seeds/001)';
const THREAD_004 = 'Barry Song, Re: [PATCH v3 2/2] mm: tlb: add tlb swap entries batch async release, 10 Sep 2024 (seeds/004)';

export async function buildAnswers(o: AnswersOptions): Promise<{ markdown: string; sections: AnswerSection[] }> {
  const cache = new RunCache(o.run);
  const seeds = Array.from({ length: o.seeds }, (_, i) => i + 1);
  const serverSeeds = Array.from({ length: o.serverSeeds }, (_, i) => i + 1);
  const seedsNote = `Seeds 1..${o.seeds}; mean [95% CI] over seeds (Student's t).`;
  const sections: AnswerSection[] = [];
  const rowsOf = (cells: Map<string, Cell>, order: readonly string[], lab = label): Row[] => order.map((p) => ({ label: lab(p), cell: cells.get(p)! }));

  // The shared camera-launch runs: every policy, today's lmkd.
  const ALL = ['sync', 'async-mmu-gather', 'async-global-list', 'async-scaled-workers', 'fork-and-free', 'deferred-zs-free', 'oom-reaper-parallel'];
  const cam = await cache.get('camera-launch', [], ALL, seeds);
  const ci = (p: string, g: Getter) => ciOf(cam.get(p)!.records, g);

  // 1. Morton: userspace.
  {
    const order = ['sync', 'async-mmu-gather', 'fork-and-free'];
    const sync = (g: Getter) => ci('sync', g);
    const ff = (g: Getter) => ci('fork-and-free', g);
    sections.push(
      section(
        {
          slug: 'morton-userspace',
          title: "Morton: why can't this be done in userspace (fork/exit, the child frees)?",
          quote: "Dumb question: why can't this be done in userspace? The exiting\nprocess does fork/exit and lets the child do all this asynchronous freeing?",
          source: THREAD_001,
          setup:
            'camera-launch (12 GB phone, 18 cached apps, LMKD with process_mrelease, kernel 6.6-android). fork-and-free: a helper child sharing the mm (pre-forked with CLONE_VM, outside the process group, nice 10) runs exit_mmap after the parent dies.',
          commands: [cmd('camera-launch', order, o.seeds)],
          rows: rowsOf(cam, order),
          cols: [
            { label: 'exit latency, ms', get: m.exit },
            { label: 'memory release, ms', get: m.release },
            { label: 'held after exit, MiB·ms', get: m.held, digits: 0 },
            { label: 'unaccounted CPU, ms', get: m.unaccounted },
            { label: 'LMKD kills', get: m.kills },
            { label: 'camera launch, ms', get: m.launch },
          ],
          plot: { title: 'memory release after SIGKILL, ms', get: m.release },
          answer: [
            `It can be done, and it does what you said it would: the process is gone sooner (exit latency ${versus(sync(m.exit), ff(m.exit), 'sync')}) and the freeing stays in the app's own accounting (unaccounted CPU ${ciText(ff(m.unaccounted))} ms against ${ciText(sync(m.unaccounted))} ms for today's LMKD, whose process_mrelease() work is charged to lmkd). ` +
              `${ff(m.release).mean > sync(m.release).mean ? 'But the memory comes back later, not sooner' : 'But look at what is held once the process is reported dead'}: memory release is ${versus(sync(m.release), ff(m.release), 'sync')}, and memory held after the process is reported dead is ${versus(sync(m.held), ff(m.held), 'sync')}. ` +
              `Two mechanisms do that in the model. A SIGKILLed process runs no userspace code, so the child has to exist before the kill and share the mm; then task_will_free_mem() is false and LMKD's process_mrelease() cannot reap it. And LMKD sees the pidfd fire early and kills again (${ciText(ff(m.kills))} kills against ${ciText(sync(m.kills))}): your first objection applies to the userspace version too.`,
            "What the model cannot tell: the cost of keeping a pre-forked helper per app (memory, a pid, zygote changes), the helper being frozen by the cgroup freezer with its app, or whether Android would accept a helper that outlives the kill. The helper is modeled at nice 10 in the app's cpuset; another nice level is one --set away (kernel.policy_options.fork-and-free.nice).",
          ],
        },
        seedsNote,
      ),
    );
  }

  // 2. Morton: why would lock contention drop?
  {
    const order = ['sync', 'async-mmu-gather', 'async-global-list', 'async-scaled-workers', 'deferred-zs-free'];
    const s = (p: string) => ci(p, m.lockTotal);
    sections.push(
      section(
        {
          slug: 'morton-lock-contention',
          title: 'Morton: why is lock contention reduced? The same amount of work needs to be done',
          quote:
            '> 2. Reduce lock competition in swap entry free path by an asynchronous\n> kworker instead of multiple exiting processes parallel execution.\n\nWhy is lock contention reduced? The same amount of work needs to be\ndone.',
          source: THREAD_001,
          setup: 'camera-launch as above; time spent waiting for the swap-free locks (si->lock, ci->lock, the zsmalloc lock), summed over all tasks, per run.',
          commands: [cmd('camera-launch', order, o.seeds)],
          rows: rowsOf(cam, order),
          cols: [
            { label: 'si->lock wait, ms', get: m.lock('si->lock') },
            { label: 'zs_pool->lock wait, ms', get: m.lock('zs_pool->lock') },
            { label: 'mmap_lock wait, ms', get: m.lock('mmap_lock') },
            { label: 'all lock waits, ms', get: m.lockTotal },
            { label: 'exit latency, ms', get: m.exit },
          ],
          plot: { title: 'lock wait, all swap-free locks, ms', get: m.lockTotal },
          answer: [
            `${['async-mmu-gather', 'async-global-list', 'async-scaled-workers'].some((p) => apart(s('sync'), s(p))) ? 'In this scenario who frees changes the contention' : 'In this scenario the contention barely depends on who frees'}: total lock wait is ${ciText(s('sync'))} ms with sync, ${versus(s('sync'), s('async-mmu-gather'), 'sync')} with Zhiguo Jiang's single worker, ${versus(s('sync'), s('async-global-list'), 'sync')} with Lei Liu's kworkers, ${versus(s('sync'), s('async-scaled-workers'), 'sync')} with a worker per 8 exits. ` +
              "The reason in the model: LMKD's reaper runs process_mrelease() on each victim and frees what it zaps synchronously (task_is_dying() is false there), and LMKD kills one app at a time, so there are rarely several exits contending for the async patches to serialize. " +
              `Where work moves, contention moves with it rather than vanishing: deferring only zs_free takes si->lock wait from ${ciText(ci('sync', m.lock('si->lock')))} to ${ciText(ci('deferred-zs-free', m.lock('si->lock')))} ms, but the per-CPU drain workers then wait ${ciText(ci('deferred-zs-free', m.lock('zs_pool->lock')))} ms on the zsmalloc pool lock (${ciText(ci('sync', m.lock('zs_pool->lock')))} with sync). Your point stands: the same work, done by as many CPUs at once, contends as much.`,
            "What the model cannot tell: cache-line bouncing and the cost of the lock's own cacheline beyond the modeled wait, and lock hold times it was not calibrated for (only the single-exit profile is calibrated; see docs/validation.md). On 6.18 the si->lock on this path is gone altogether (see Kairui's section).",
          ],
        },
        seedsNote,
      ),
    );
  }

  // 3. Morton objection 1: peak resource use.
  {
    const order = ['sync', 'async-mmu-gather', 'async-global-list', 'async-scaled-workers', 'fork-and-free', 'deferred-zs-free', 'oom-reaper-parallel'];
    sections.push(
      section(
        {
          slug: 'morton-peak-resources',
          title: 'Morton objection 1: the process exits while its resources are still allocated',
          quote:
            '- The process will exit while its resources are still allocated. But\nits parent process assumes those resources are now all freed and the\nparent process then proceeds to allocate resources. This results in\na time period where peak resource consumption is higher than it was\nbefore such a change.',
          source: THREAD_001,
          setup: "camera-launch as above. 'held after exit' integrates the memory a killed process still holds after its death is reported (MiB x ms); LMKD, the 'parent' here, reacts to the pidfd.",
          commands: [cmd('camera-launch', order, o.seeds)],
          rows: rowsOf(cam, order),
          cols: [
            { label: 'held after exit, MiB·ms', get: m.held, digits: 0 },
            { label: 'parked peak, MiB', get: m.parkedPeakMib },
            { label: 'free at preview, MiB', get: m.freeAtPreview, digits: 0 },
            { label: 'LMKD kills', get: m.kills },
          ],
          plot: { title: 'memory held after the death is reported, MiB·ms', get: m.held },
          answer: [
            `Memory held after exit is ${versus(ci('sync', m.held), ci('async-global-list', m.held), 'sync')} for Lei Liu's patch, ${versus(ci('sync', m.held), ci('async-mmu-gather', m.held), 'sync')} for Zhiguo Jiang's, and ${versus(ci('sync', m.held), ci('fork-and-free', m.held), 'sync')} for the userspace fork/exit. ` +
              `LMKD is the parent that proceeds on the pidfd: kills per launch are ${ciText(ci('sync', m.kills))} today against ${ciText(ci('async-global-list', m.kills))} (Lei), ${ciText(ci('async-mmu-gather', m.kills))} (Zhiguo) and ${ciText(ci('fork-and-free', m.kills))} (fork-and-free, whose parent dies at once). ` +
              `Deferring only zs_free keeps the swap side synchronous and holds ${ciText(ci('deferred-zs-free', m.held), 0)} MiB·ms.`,
            'What the model cannot tell: the compressed memory a parked entry holds is drawn from a compression-ratio distribution, not from real app data, so the MiB figures scale with that assumption; and "free at preview" depends on when LMKD stops killing, which follows PSI thresholds tuned on real devices, not on this model.',
          ],
        },
        seedsNote,
      ),
    );
  }

  // 4. Morton objection 2: SCHED_FIFO starves the kworker.
  {
    const micro = ['processes=4', 'swap_mib=100', 'load.class=fifo', 'load.share=1', 'load.threads=8'];
    const microOff = [...micro, 'kernel.rt_throttling=false'];
    const order = ['sync', 'async-mmu-gather', 'async-global-list'];
    const on = await cache.get('exit-one', micro, order, seeds);
    const off = await cache.get('exit-one', microOff, order, seeds);
    const rows: Row[] = [...order.map((p) => ({ label: `${label(p)}, RT throttling on`, cell: on.get(p)! })), ...order.map((p) => ({ label: `${label(p)}, RT throttling off`, cell: off.get(p)! }))];
    const alive = (r: RunRecord) => 4 - r.output.metrics.exit_latency_ms.count;
    const c = (cells: Map<string, Cell>, p: string, g: Getter) => ciOf(cells.get(p)!.records, g);
    sections.push(
      section(
        {
          slug: 'morton-sched-fifo',
          title: 'Morton objection 2: with every CPU running SCHED_FIFO userspace, the kworker never runs',
          quote: '- If all CPUs are running in userspace with realtime policy\n(SCHED_FIFO, for example) then the kworker thread will not run,\nindefinitely.',
          source: THREAD_001,
          setup:
            'exit-one with 4 processes of 100 MiB in zram killed at t=0 while 8 SCHED_FIFO threads keep all 8 CPUs busy (load.class=fifo, load.share=1), with RT throttling (95% per CPU: the default up to 6.11, the fair deadline server after) and without it. A 2 s run.',
          commands: [cmd('exit-one', order, o.seeds, micro), cmd('exit-one', order, o.seeds, microOff)],
          rows,
          cols: [
            { label: 'killed, still alive at the end', get: alive, digits: 0 },
            { label: 'exit latency, ms', get: m.exit },
            { label: 'parked peak, MiB', get: m.parkedPeakMib, digits: 2 },
            { label: 'processes whose memory came back', get: m.released, digits: 0 },
            { label: 'memory release, ms', get: m.release },
          ],
          plot: { title: 'exit latency under SCHED_FIFO load, ms', get: m.exit },
          answer: [
            `Not only the kworker: the dying task is SCHED_OTHER too. Without RT throttling ${ciText(c(off, 'sync', alive), 0)} of the 4 killed processes are still alive at the end with sync and ${ciText(c(off, 'async-global-list', alive), 0)} with Lei Liu's patch: nothing fair runs, so the exit never reaches the point where a patch could park anything (and LMKD, also SCHED_OTHER, would not run to kill). ` +
              `With throttling, fair tasks share the 5% left: exits take ${ciText(c(on, 'sync', m.exit), 0)} ms with sync, ${ciText(c(on, 'async-mmu-gather', m.exit), 0)} ms with Zhiguo Jiang's patch and ${ciText(c(on, 'async-global-list', m.exit), 0)} ms with Lei Liu's; all the memory is back within the 2 s run in ${ciText(c(on, 'sync', m.released), 0)} of 4 processes with sync, ${ciText(c(on, 'async-mmu-gather', m.released), 0)} (Zhiguo) and ${ciText(c(on, 'async-global-list', m.released), 0)} (Lei), the parked peak being ${ciText(c(on, 'async-mmu-gather', m.parkedPeakMib), 1)} and ${ciText(c(on, 'async-global-list', m.parkedPeakMib), 1)} MiB. ` +
              "'Indefinitely' needs throttling off, and then the exit itself starves as much as the kworker; with throttling, what a patch parks waits for the kworker's share after the process is reported dead.",
            'What the model cannot tell: whether any shipping configuration runs every CPU in SCHED_FIFO userspace (Android does not by default), and the details of the 6.12+ deadline server; the model gives fair tasks the same 5% per CPU in both.',
          ],
        },
        seedsNote,
      ),
    );
  }

  // 5. Morton objection 3: unaccounted work.
  {
    const order = ALL;
    sections.push(
      section(
        {
          slug: 'morton-unaccounted',
          title: 'Morton objection 3: work that should be accounted to the exiting process goes unaccounted',
          quote: '- Work which should have been accounted to the exiting process will\ninstead go unaccounted.',
          source: THREAD_001,
          setup:
            "camera-launch as above. 'Unaccounted' is CPU spent freeing a process's memory by a task outside that process (kworkers, LMKD's reaper, an oom reaper, a slot-cache batch freeing other processes' entries).",
          commands: [cmd('camera-launch', order, o.seeds)],
          rows: rowsOf(cam, order),
          cols: [
            { label: 'unaccounted CPU, ms', get: m.unaccounted },
            { label: 'exit latency, ms', get: m.exit },
          ],
          plot: { title: 'freeing CPU charged to nobody in the app, ms', get: m.unaccounted },
          answer: [
            `Today's kernel already leaves some freeing unaccounted, because LMKD's reaper thread runs process_mrelease() on the victim (${ciText(ci('sync', m.unaccounted))} ms per launch). ` +
              `The async patches add to it (Lei Liu: ${versus(ci('sync', m.unaccounted), ci('async-global-list', m.unaccounted), 'sync')}; Zhiguo Jiang: ${versus(ci('sync', m.unaccounted), ci('async-mmu-gather', m.unaccounted), 'sync')}), as does a parallel oom reaper (${ciText(ci('oom-reaper-parallel', m.unaccounted))} ms). ` +
              `The userspace fork/exit is the only variant that keeps the work in the app: ${ciText(ci('fork-and-free', m.unaccounted))} ms.`,
            'What the model cannot tell: how the unaccounted time shows up in cgroup CPU controllers, schedstats or power attribution on a device; the model only attributes CPU to the task that burned it.',
          ],
        },
        seedsNote,
      ),
    );
  }

  // 6. Barry: where does the gain come from? (ablation)
  {
    const k618 = await cache.get('camera-launch', ['kernel.version=6.18'], ['sync', 'async-global-list'], seeds);
    // The swap share can only rise to 95% with fewer apps (the swap device must hold them): compare at 11 apps.
    const eleven = ['apps.count=11'];
    const noPresent = ['apps.count=11', 'apps.swap_ratio=0.95'];
    const el = await cache.get('camera-launch', eleven, ['sync', 'async-global-list'], seeds);
    const np = await cache.get('camera-launch', noPresent, ['sync', 'async-global-list'], seeds);
    const gain = (cells: Map<string, Cell>, a: string, b: string, g: Getter) => ciOf(cells.get(a)!.records, g).mean - ciOf(cells.get(b)!.records, g).mean;
    const rows: Row[] = [
      { label: 'sync, 6.6', cell: cam.get('sync')! },
      { label: 'Lei v0, 6.6 (full patch)', cell: cam.get('async-global-list')! },
      { label: 'only zs_free deferred, 6.6', cell: cam.get('deferred-zs-free')! },
      { label: 'sync, 6.18 (no si->lock)', cell: k618.get('sync')! },
      { label: 'Lei v0, 6.18', cell: k618.get('async-global-list')! },
      { label: 'sync, 11 apps 60% swapped', cell: el.get('sync')! },
      { label: 'Lei v0, 11 apps 60% swapped', cell: el.get('async-global-list')! },
      { label: 'sync, 11 apps 95% swapped', cell: np.get('sync')! },
      { label: 'Lei v0, 11 apps 95% swapped', cell: np.get('async-global-list')! },
    ];
    const relOf = (cells: Map<string, Cell>, p: string) => ciOf(cells.get(p)!.records, m.release);
    const full = gain(cam, 'sync', 'async-global-list', m.exit);
    const noLock = gain(k618, 'sync', 'async-global-list', m.exit);
    const zsOnly = gain(cam, 'sync', 'deferred-zs-free', m.exit);
    const elevenFull = gain(el, 'sync', 'async-global-list', m.exit);
    const fewPresent = gain(np, 'sync', 'async-global-list', m.exit);
    sections.push(
      section(
        {
          slug: 'barry-where-gain',
          title: 'Barry: where does the gain come from, lock contention or zapping present PTEs sooner?',
          quote:
            'For example, is this due to lock contention (in which case we would\nneed performance data to see how much CPU time is spent waiting for\nlocks), or simply because we can simultaneously zap present and\nnon-present PTEs?',
          source: `Barry Song, ${THREAD_002}`,
          setup:
            "Ablation on camera-launch, exit latency of the killed apps: the full difference sync -> Lei Liu's patch on 6.6; the same with si->lock contention neutralised (6.18 frees under per-cluster ci->lock only); the same with present PTEs mostly gone (11 apps 95% swapped against 11 apps 60% swapped, since 18 apps at 95% do not fit in zram); and only the zram allocator's work deferred (deferred-zs-free).",
          commands: [
            cmd('camera-launch', ['sync', 'async-global-list', 'deferred-zs-free'], o.seeds),
            cmd('camera-launch', ['sync', 'async-global-list'], o.seeds, ['kernel.version=6.18']),
            cmd('camera-launch', ['sync', 'async-global-list'], o.seeds, eleven),
            cmd('camera-launch', ['sync', 'async-global-list'], o.seeds, noPresent),
          ],
          rows,
          cols: [
            { label: 'exit latency, ms', get: m.exit },
            { label: 'si->lock wait, ms', get: m.lock('si->lock') },
            { label: 'memory release, ms', get: m.release },
            { label: 'camera launch, ms', get: m.launch },
          ],
          plot: { title: 'exit latency of killed apps, ms', get: m.exit },
          answer: [
            `Exit latency first. On 6.6 the patch changes it by ${num(full)} ms (sync ${ciText(ci('sync', m.exit))}, patch ${ciText(ci('async-global-list', m.exit))}: ${moved(ci('sync', m.exit), ci('async-global-list', m.exit), 'shorter', 'longer')}), so in this scenario there is little to apportion: LMKD's reaper zaps most of each victim synchronously alongside the exit. ` +
              `The ablations, as differences sync minus patch: with si->lock contention neutralised (6.18) ${num(noLock)} ms; with 11 apps ${num(elevenFull)} ms at 60% swapped and ${num(fewPresent)} ms at 95% swapped (few present PTEs); deferring only zs_free ${num(zsOnly)} ms, ${moved(ci('sync', m.exit), ci('deferred-zs-free', m.exit), 'shorter', 'longer')} than sync. ` +
              `Memory release with the patch: ${versus(ci('sync', m.release), ci('async-global-list', m.release), 'sync')} on 6.6; ${versus(relOf(k618, 'sync'), relOf(k618, 'async-global-list'), 'sync')} on 6.18; ${versus(relOf(np, 'sync'), relOf(np, 'async-global-list'), 'sync')} with 11 apps 95% swapped. ` +
              (apart(ci('sync', m.release), ci('async-global-list', m.release)) &&
              !apart(relOf(k618, 'sync'), relOf(k618, 'async-global-list')) &&
              apart(relOf(np, 'sync'), relOf(np, 'async-global-list'))
                ? 'In the model that gain goes away with the si->lock contention and stays when there are few present PTEs: it is the lock the patch works around, not present PTEs being zapped sooner. '
                : 'The model does not single out one mechanism here: read the rows against each other. ') +
              `The lock waits are in the table as you asked: si->lock wait per launch ${ciText(ci('sync', m.lock('si->lock')))} ms with sync, ${ciText(ci('async-global-list', m.lock('si->lock')))} with the patch.`,
            'What the model cannot tell: the ablations are not independent (6.18 also removes the slot cache; fewer present pages also means more swap to free), so the shares do not add up to 100%; and the split of zram_free_page into zram metadata versus zs_free is an estimate, not a profile.',
          ],
        },
        seedsNote,
      ),
    );
  }

  // 7. Barry: one worker on a 100-CPU NUMA machine.
  {
    const sets = ['processes=64', 'swap_mib=64', 'duration_ms=6000'];
    const order = ['sync', 'async-mmu-gather', 'async-scaled-workers', 'async-per-node', 'async-global-list'];
    const srv = await cache.get('server-exit', sets, order, serverSeeds);
    const c = (p: string, g: Getter) => ciOf(srv.get(p)!.records, g);
    const maxRelease = (r: RunRecord) => r.output.metrics.memory_release_ms.max;
    sections.push(
      section(
        {
          slug: 'barry-numa',
          title: 'Barry: one async thread on a 100-CPU NUMA machine',
          quote:
            'Many kernel threads are per-node, like kswapd. For instance, if we have 100\nthreads running on 100 CPUs executing zap_pte_range(), your approach, which\nrelies on a single async thread to reclaim swap entries, might lead to\nperformance regressions.',
          source: THREAD_004,
          setup: `server-exit (2 nodes, 128 CPUs, kernel 6.18) shrunk to fit the time budget: 64 processes with 64 MiB each in zram (64 KiB mTHP) killed at once. Seeds 1..${o.serverSeeds}.`,
          commands: [cmd('server-exit', order, o.serverSeeds, sets)],
          rows: rowsOf(srv, order),
          cols: [
            { label: 'exit latency, ms', get: m.exit },
            { label: 'memory release, mean, ms', get: m.release },
            { label: 'memory release, last, ms', get: maxRelease },
            { label: 'parked peak, MiB', get: m.parkedPeakMib },
          ],
          plot: { title: 'time until the last process memory is released, ms', get: maxRelease },
          answer: [
            `Time until the last process's memory is back: sync ${ciText(c('sync', maxRelease))} ms; one worker (Zhiguo Jiang v3) ${versus(c('sync', maxRelease), c('async-mmu-gather', maxRelease), 'sync')}; one worker per 8 exiting processes ${versus(c('sync', maxRelease), c('async-scaled-workers', maxRelease), 'sync')}; one per node ${versus(c('sync', maxRelease), c('async-per-node', maxRelease), 'sync')}; Lei Liu's default-max_active kworkers ${versus(c('sync', maxRelease), c('async-global-list', maxRelease), 'sync')}. ` +
              `The exits themselves are short in every async variant (exit latency ${ciText(c('async-mmu-gather', m.exit))} ms against ${ciText(c('sync', m.exit))} ms for sync): 64 CPUs' worth of freeing funnels through as many workers as the policy allows, and on 6.18 the 64 exits free in parallel under per-cluster locks, so there is no contention for a worker to save. ` +
              `Scaling the workers with the exiting processes helps less than its rule suggests: the count is of processes still exiting, and once they park their entries they are gone within ${ciText(c('async-scaled-workers', m.exit))} ms, so the rule falls back to one worker while the parked work is still there.`,
            `What the model cannot tell: the shrunk run (64 x 64 MiB instead of 64 x 8 GiB) scales the absolute times down; memory bandwidth, remote-node access costs and cross-node lock cacheline transfer are not modeled, so per-node workers get no locality benefit here beyond running on their node's CPUs. ${o.serverSeeds} seeds: the server scenario varies little from seed to seed.`,
          ],
        },
        `Mean [95% CI] over ${o.serverSeeds} seeds.`,
      ),
    );
  }

  // 8. Chris Li: parked entries and the swap allocator.
  {
    const sets = ['apps.count=10', 'apps.anon_mib=500', 'apps.swap_ratio=0.75'];
    const order = ['sync', 'async-mmu-gather', 'async-global-list'];
    const full = await cache.get('camera-launch-8gb', sets, order, seeds);
    // The same phone with LMKD off: nothing is killed, reclaim alone meets the launch and runs the device full (3 seeds: slow, and the same every seed).
    const offSeeds = seeds.slice(0, 3);
    const off = (await cache.get('camera-launch-8gb', [...sets, 'lmkd.enabled=false'], ['sync'], offSeeds)).get('sync')!;
    const failed = (p: string) => full.get(p)!.failures.filter((f) => /swap-full|swap device full/.test(f.message)).length;
    const swapFullRow = order.map((p) => `${label(p)}: ${failed(p)} of ${o.seeds}`).join('; ');
    const cf = (p: string, g: Getter) => ciOf(full.get(p)!.records, g);
    sections.push(
      section(
        {
          slug: 'chris-parked-entries',
          title: 'Chris Li: parked entries the swap allocator cannot see, with a nearly full swap device',
          quote:
            'The swap entry is a resource best managed by the swap\nallocator. [...] The allocator has no internal knowledge of this batch\nbehavior and it is interfering with the global view of swap entry\nallocator.',
          source: `Chris Li, ${THREAD_002}`,
          setup:
            'camera-launch-8gb (zram 4 GiB) with 10 apps of 500 MiB, 75% swapped: 3750 MiB of the 4096 MiB swap device in use when the camera starts, and reclaim keeps swapping out. When reclaim finds no free slot (get_swap_pages() fails: can_reclaim_anon_pages() / folio_alloc_swap()), the anon pages it wanted stay resident: each such pass is a swap-full event, its pages are swap allocation failures (metrics swap_full_events, swap_alloc_failures). A run that cannot place even its initial swap contents fails with swap-full and is counted apart.',
          commands: [cmd('camera-launch-8gb', order, o.seeds, sets), cmd('camera-launch-8gb', ['sync'], offSeeds.length, [...sets, 'lmkd.enabled=false'])],
          rows: [...rowsOf(full, order), { label: `sync, LMKD off (${offSeeds.length} seeds)`, cell: off }],
          cols: [
            { label: 'parked peak, MiB', get: m.parkedPeakMib },
            { label: 'swap-full events', get: m.swapFullEvents, digits: 0 },
            { label: 'swap alloc failures, pages', get: m.swapAllocFailures, digits: 0 },
            { label: 'memory release, ms', get: m.release },
            { label: 'camera launch, ms', get: m.launch },
            { label: 'LMKD kills', get: m.kills },
          ],
          plot: { title: 'reclaim passes that found the swap device full', get: m.swapFullEvents },
          answer: [
            `Swap-full events (reclaim passes that found no free slot) with LMKD: sync ${ciText(cf('sync', m.swapFullEvents))}, Zhiguo Jiang's patch ${ciText(cf('async-mmu-gather', m.swapFullEvents))}, Lei Liu's ${ciText(cf('async-global-list', m.swapFullEvents))}; failed swap allocations ${ciText(cf('sync', m.swapAllocFailures))}, ${ciText(cf('async-mmu-gather', m.swapAllocFailures))} and ${ciText(cf('async-global-list', m.swapAllocFailures))} pages. With LMKD off the same phone runs the device full: ${ciText(ciOf(off.records, m.swapFullEvents))} swap-full events and ${ciText(ciOf(off.records, m.swapAllocFailures))} failed page allocations (every reclaim pass retries the same pages), and the camera ${off.records.some((r) => r.output.metrics.launch_ms === undefined) ? 'does not finish launching within the run' : `launches in ${ciText(ciOf(off.records, m.launch))} ms`}; nothing exits there, so no policy parks anything. Runs that could not even place their initial swap contents: ${swapFullRow}. ` +
              `Parked entries are slots the allocator counts as used: at peak ${ciText(cf('async-global-list', m.parkedPeakMib))} MiB of zram for Lei Liu's patch and ${ciText(cf('async-mmu-gather', m.parkedPeakMib))} MiB for Zhiguo Jiang's, none for sync (or for deferring only zs_free, whose swap slots are freed synchronously). ` +
              "So the device fills only when nothing is killed, and then nothing is parked either. With LMKD the kills free swap faster than reclaim fills it (and LMKD's swap_free_low_percentage kill, not modeled, would act earlier still); parking stays small because LMKD's process_mrelease() frees most entries synchronously in its reaper and LMKD kills one app at a time, so Zhiguo Jiang's patch (which needs two processes exiting at once) rarely engages. Where parking did coincide with a full device, the cost would be the one you describe: reclaim failing on slots the parked entries hold.",
            "What the model cannot tell: what follows a failed allocation beyond keeping the pages resident (swap_full() making reclaim drop swap cache sooner, mTHP swap-out falling back to order 0, the OOM path); the failures above are counted, not followed. Lei Liu's second patch (forced release from __alloc_pages_may_oom) is modeled and on by default.",
          ],
        },
        seedsNote,
      ),
    );
  }

  // 9. Chris Li: would process_mrelease() do better?
  {
    const order = ['sync', 'async-global-list', 'async-mmu-gather'];
    const setprio = await cache.get('camera-launch', ['lmkd.reaper=setprio'], order, seeds);
    const rows: Row[] = [
      ...order.map((p) => ({ label: `${label(p)}, LMKD process_mrelease`, cell: cam.get(p)! })),
      ...order.map((p) => ({ label: `${label(p)}, LMKD without it`, cell: setprio.get(p)! })),
    ];
    const c2 = (cells: Map<string, Cell>, p: string, g: Getter) => ciOf(cells.get(p)!.records, g);
    sections.push(
      section(
        {
          slug: 'chris-process-mrelease',
          title: 'Chris Li: would process_mrelease() from userspace do better?',
          quote:
            'We are basically optimizing the exit() system call, I feel there\nshould be something we can do in the userspace before exit() to help\nus without the kernel putting too much complexity into exit().\nprocess_mrelease() souds fit the bill pretty well.',
          source: `Chris Li, ${THREAD_002}`,
          setup:
            "camera-launch with today's LMKD (a reaper thread kills and calls process_mrelease()) and with the older LMKD (kill, then raise the victim to nice -20 in the foreground cpuset; no process_mrelease), each with sync and the two async patches.",
          commands: [cmd('camera-launch', order, o.seeds), cmd('camera-launch', order, o.seeds, ['lmkd.reaper=setprio'])],
          rows,
          cols: [
            { label: 'memory release, ms', get: m.release },
            { label: 'exit latency, ms', get: m.exit },
            { label: 'camera launch, ms', get: m.launch },
            { label: 'unaccounted CPU, ms', get: m.unaccounted },
          ],
          plot: { title: 'memory release after SIGKILL, ms', get: m.release },
          answer: [
            `LMKD already calls process_mrelease() (Suren's reply). With sync, memory release is ${ciText(c2(cam, 'sync', m.release))} ms with it and ${ciText(c2(setprio, 'sync', m.release))} ms without (${moved(c2(setprio, 'sync', m.release), c2(cam, 'sync', m.release), 'shorter with it', 'longer with it')}); exit latency ${ciText(c2(cam, 'sync', m.exit))} against ${ciText(c2(setprio, 'sync', m.exit))} ms (${moved(c2(setprio, 'sync', m.exit), c2(cam, 'sync', m.exit), 'shorter with it', 'longer with it')}). ` +
              `On top of process_mrelease(), Lei Liu's patch gives ${versus(c2(cam, 'sync', m.release), c2(cam, 'async-global-list', m.release), 'sync')} for memory release and Zhiguo Jiang's ${versus(c2(cam, 'sync', m.release), c2(cam, 'async-mmu-gather', m.release), 'sync')}: what the reaper frees it frees synchronously (task_is_dying() is false in the reaper), so the patches act only on what the dying task zaps itself. The price of process_mrelease() is the reaper's CPU, charged to lmkd (unaccounted ${ciText(c2(cam, 'sync', m.unaccounted))} ms against ${ciText(c2(setprio, 'sync', m.unaccounted))}).`,
            "What the model cannot tell: Lei Liu's report that lmkd_reaper's load becomes 'very heavy' with many kills concerns power and lag on their devices; the model has two reaper threads at nice -20 as in AOSP and reports their CPU as unaccounted, but its energy model is not calibrated against a device.",
          ],
        },
        seedsNote,
      ),
    );
  }

  // 10. Kairui: the latest kernel, and the swap table beyond it.
  {
    const versions = ['6.6-android', '6.12', '6.18', ...o.kernelVersions.filter((v) => v === 'swap-table')];
    const order = ['sync', 'async-global-list'];
    const byVersion = new Map<string, Map<string, Cell>>();
    for (const v of versions) byVersion.set(v, v === '6.6-android' ? cam : await cache.get('camera-launch', [`kernel.version=${v}`], order, seeds));
    const rows: Row[] = versions.flatMap((v) => order.map((p) => ({ label: `${v}, ${p}`, cell: byVersion.get(v)!.get(p)! })));
    const at = (v: string, p: string, g: Getter) => ciOf(byVersion.get(v)!.get(p)!.records, g);
    const exitOf = (v: string, p: string) => at(v, p, m.exit);
    const relOf = (v: string, p: string) => at(v, p, m.release);
    const hasSwapTable = versions.includes('swap-table');
    sections.push(
      section(
        {
          slug: 'kairui-latest-kernel',
          title: 'Kairui: have you tested the latest kernel, and the swap table?',
          quote:
            'One problem is that now the free_swap_slot function no longer exists\nafter 0ff67f990bd4. Have you tested the latest kernel? [...]\nAnd another series is further reducing the contention and the overall\noverhead (24% faster freeing for phase 1)',
          source: `Kairui Song, ${THREAD_002}`,
          setup: `camera-launch on each kernel preset: 6.6-android (android15-6.6: swap slot cache, swap_pte_batch and the free_swap_and_cache_nr fast path backported, si->lock), 6.12 (zsmalloc class locks), 6.18 (no slot cache, frees under ci->lock, swap table phase I: the swap cache in ci->table)${hasSwapTable ? ', and swap-table (beyond 6.18: swap table phases II-III, e1c5c6be3ca7 and 0d6af9bcf383, the swap count in ci->table and one table write per freed entry; docs/model.md says what is assumed)' : ''}; sync against Lei Liu's patch. "free path" is the time spent in free_swap_and_cache_nr over the run.`,
          commands: versions.map((v) => cmd('camera-launch', order, o.seeds, v === '6.6-android' ? [] : [`kernel.version=${v}`])),
          rows,
          cols: [
            { label: 'exit latency, ms', get: m.exit },
            { label: 'free path, ms', get: m.freePathMs },
            { label: 'si->lock wait, ms', get: m.lock('si->lock') },
            { label: 'ci->lock wait, ms', get: m.lock('ci->lock') },
            { label: 'memory release, ms', get: m.release },
            { label: 'camera launch, ms', get: m.launch },
          ],
          plot: { title: 'exit latency of killed apps, ms', get: m.exit },
          answer: [
            `On 6.18, sync exit latency is ${versus(exitOf('6.6-android', 'sync'), exitOf('6.18', 'sync'), '6.6-android')}, and memory release ${versus(relOf('6.6-android', 'sync'), relOf('6.18', 'sync'), '6.6-android')}; si->lock wait is gone from this path, as you said. ` +
              `The patch's effect on exit latency (sync minus patch) goes from ${num(exitOf('6.6-android', 'sync').mean - exitOf('6.6-android', 'async-global-list').mean)} ms on 6.6 (${moved(exitOf('6.6-android', 'sync'), exitOf('6.6-android', 'async-global-list'), 'shorter', 'longer')}) to ${num(exitOf('6.18', 'sync').mean - exitOf('6.18', 'async-global-list').mean)} ms on 6.18 (${moved(exitOf('6.18', 'sync'), exitOf('6.18', 'async-global-list'), 'shorter', 'longer')} than sync there); its memory-release gain goes from ${versus(relOf('6.6-android', 'sync'), relOf('6.6-android', 'async-global-list'), 'sync')} on 6.6 to ${versus(relOf('6.18', 'sync'), relOf('6.18', 'async-global-list'), 'sync')} on 6.18.` +
              (apart(relOf('6.6-android', 'sync'), relOf('6.6-android', 'async-global-list')) && !apart(relOf('6.18', 'sync'), relOf('6.18', 'async-global-list'))
                ? ' In the model, the latest kernel removes the contention the patch was working around.'
                : ''),
            hasSwapTable
              ? `Swap table: phase I is in 6.18 (mm/swap_table.h), so its 24% is already inside the 6.18 rows; the model does not reproduce that figure because its 6.18 costs are the 6.6 per-entry costs rearranged by lock structure, and the xarray-versus-table difference is a 4 ns per-cluster shadow clear in it. Beyond 6.18, with the swap count in the table (phases II-III, preset swap-table), the model predicts free-path time ${versus(at('6.18', 'sync', m.freePathMs), at('swap-table', 'sync', m.freePathMs), '6.18')} for sync, exit latency ${versus(exitOf('6.18', 'sync'), exitOf('swap-table', 'sync'), '6.18')} and memory release ${versus(relOf('6.18', 'sync'), relOf('swap-table', 'sync'), '6.18')}: it saves one swap_map clear per entry and one shadow pass per cluster, out of a per-entry cost dominated by zram_free_page and zs_free. That is a prediction from the operations the series removes, not a fit to any figure.`
              : 'The swap-table preset is not in this build.',
            "What the model cannot tell: the 6.18 and swap-table costs are per-operation costs fitted on android15-6.6 and rearranged by each version's loops and locks, not measured on those kernels; cache effects of a denser per-cluster table (fewer lines touched per entry) are not modeled, and they are where most of a real table's gain would come from.",
          ],
        },
        seedsNote,
      ),
    );
  }

  // 11. Shakeel: async freeing competes with the camera in reclaim.
  {
    const order = ['sync', 'async-mmu-gather', 'async-global-list', 'deferred-zs-free', 'oom-reaper-parallel'];
    sections.push(
      section(
        {
          slug: 'shakeel-reclaim',
          title: 'Shakeel: the camera gets into global reclaim and competes with the async freeing',
          quote:
            'Since the exit/kill is due to low memory situation, punting the memory\nfreeing to a low priority async mechanism will help in improving user\nexperience. Most probably the application (camera preview here) will get\ninto global reclaim and will compete for CPU with the async memory\nfreeing.',
          source: `Shakeel Butt, ${THREAD_002}`,
          setup: 'camera-launch as above: direct reclaim stalls (allocstall), memory PSI "some" time, and what the camera sees.',
          commands: [cmd('camera-launch', order, o.seeds)],
          rows: rowsOf(cam, order),
          cols: [
            { label: 'allocstall', get: m.allocstall, digits: 0 },
            { label: 'PSI some, ms', get: m.psiSomeMs },
            { label: 'camera launch, ms', get: m.launch },
            { label: 'preview, ms', get: m.preview },
            { label: 'free at preview, MiB', get: m.freeAtPreview, digits: 0 },
          ],
          plot: { title: 'camera launch, ms', get: m.launch },
          answer: [
            `Direct reclaim during the launch: ${ciText(ci('sync', m.allocstall), 0)} allocstalls with sync, ${ciText(ci('async-global-list', m.allocstall), 0)} with Lei Liu's patch, ${ciText(ci('async-mmu-gather', m.allocstall), 0)} with Zhiguo Jiang's, ${ciText(ci('deferred-zs-free', m.allocstall), 0)} deferring only zs_free: the spread across seeds is wide, and camera launch time is ${versus(ci('sync', m.launch), ci('async-global-list', m.launch), 'sync')} (Lei) and ${versus(ci('sync', m.launch), ci('async-mmu-gather', m.launch), 'sync')} (Zhiguo). ` +
              (!apart(ci('sync', m.launch), ci('async-global-list', m.launch)) && !apart(ci('sync', m.launch), ci('async-mmu-gather', m.launch))
                ? `In the model, on this phone, the camera's launch does not measurably change with either patch over ${o.seeds} seeds. `
                : "The camera's launch does change with a patch (see the table). ") +
              'Both patches queue their work on WQ_HIGHPRI kworkers (nice -20), so in the model the async freeing is not the low-priority mechanism your mail describes: it takes the CPU ahead of normal-priority tasks, and what the camera meets in reclaim is the same freeing at a different time.',
            "What the model cannot tell: the camera's real allocation pattern (it is a fixed per-frame and per-launch allocation here) and reclaim's LRU behaviour beyond what the model's reclaim does (no MGLRU, no workingset refaults).",
          ],
        },
        seedsNote,
      ),
    );
  }

  // 12. Shakeel / T.J.: parallel reaping, cgroup.kill.
  {
    const one = await cache.get('camera-launch', ['kernel.policy_options.oom-reaper-parallel.reapers=1'], ['oom-reaper-parallel'], seeds);
    const migr = ['lmkd.cgroup_mutex_holds_per_s=100'];
    const sig = await cache.get('camera-launch', migr, ['sync'], seeds);
    const cgk = await cache.get('camera-launch', [...migr, 'lmkd.kill_method=cgroup-kill'], ['sync', 'oom-reaper-parallel'], seeds);
    const rows: Row[] = [
      { label: 'sync, SIGKILL + process_mrelease (today)', cell: cam.get('sync')! },
      { label: 'oom reaper, 1 kthread', cell: one.get('oom-reaper-parallel')! },
      { label: 'oom reaper, 4 kthreads', cell: cam.get('oom-reaper-parallel')! },
      { label: 'SIGKILL, cgroup migrations 100/s', cell: sig.get('sync')! },
      { label: 'cgroup.kill, migrations 100/s', cell: cgk.get('sync')! },
      { label: 'cgroup.kill + 4 reapers, migrations 100/s', cell: cgk.get('oom-reaper-parallel')! },
    ];
    const c = (cells: Map<string, Cell>, p: string, g: Getter) => ciOf(cells.get(p)!.records, g);
    sections.push(
      section(
        {
          slug: 'shakeel-parallel-reaping',
          title: 'Shakeel and T.J.: a parallel oom reaper, and killing through cgroup.kill',
          quote:
            'I am actually looking into cgroup.kill, beside\nsending SIGKILL, putting the processes of the target cgroup in the oom\nreaper list. In addition, making oom reaper able to reap processes in\nparallel.\n\n(T.J. Mercier:) One potential downside of cgroup.kill is that it requires taking the\ncgroup_mutex, which is one of our most heavily contended locks.',
          source: `Shakeel Butt and T.J. Mercier, ${THREAD_002}`,
          setup:
            "camera-launch: the victim also goes on an oom reaper list at the kill, reaped by 1 or 4 kthreads (in addition to LMKD's own process_mrelease); and LMKD killing through cgroup.kill while system services migrate tasks between cgroups under cgroup_mutex (100 holds/s of 1 ms each, an estimate).",
          commands: [
            cmd('camera-launch', ['sync', 'oom-reaper-parallel'], o.seeds),
            cmd('camera-launch', ['oom-reaper-parallel'], o.seeds, ['kernel.policy_options.oom-reaper-parallel.reapers=1']),
            cmd('camera-launch', ['sync'], o.seeds, migr),
            cmd('camera-launch', ['sync', 'oom-reaper-parallel'], o.seeds, [...migr, 'lmkd.kill_method=cgroup-kill']),
          ],
          rows,
          cols: [
            { label: 'memory release, ms', get: m.release },
            { label: 'exit latency, ms', get: m.exit },
            { label: "LMKD's cgroup_mutex wait, ms", get: m.cgroupKillWaitMs, digits: 2 },
            { label: 'cgroup_mutex wait (all), ms', get: m.lock('cgroup_mutex') },
            { label: 'camera launch, ms', get: m.launch },
            { label: 'unaccounted CPU, ms', get: m.unaccounted },
          ],
          plot: { title: 'memory release after SIGKILL, ms', get: m.release },
          answer: [
            `Reaping in parallel: memory release is ${versus(c(cam, 'sync', m.release), c(cam, 'oom-reaper-parallel', m.release), "today's LMKD")} with 4 reaper kthreads and ${versus(c(cam, 'sync', m.release), c(one, 'oom-reaper-parallel', m.release), "today's LMKD")} with one. ` +
              "LMKD kills one victim at a time and waits for its death, so on this phone there are rarely two victims to reap at once: in the model the kthreads mostly race LMKD's own reaper for the same mm, PMD by PMD (the micro test reaps two victims at once when two are killed together). " +
              `cgroup.kill: with system services migrating tasks 100 times a second, LMKD's kills wait ${ciText(c(cgk, 'sync', m.cgroupKillWaitMs), 2)} ms per launch in all for cgroup_mutex (the migrations wait ${ciText(c(sig, 'sync', m.lock('cgroup_mutex')))} ms among themselves with SIGKILL), and memory release is ${versus(c(sig, 'sync', m.release), c(cgk, 'sync', m.release), 'SIGKILL')}.`,
            'What the model cannot tell: how contended cgroup_mutex really is on a device (the migration rate and hold time are estimates; T.J. would know), and the oom reaper on kill(SIGKILL) is a proposal without code, so its mmap_lock handling (trylock and retries) is simplified to a blocking read lock.',
          ],
        },
        seedsNote,
      ),
    );
  }

  const header = [
    '# Answers to the reviewers',
    '',
    'The reply the thread never got: each reviewer question from seeds/001, 002 and 004 answered with the model, on the same scenarios, seeds and metrics as the two patches.',
    `Regenerated by \`npm run answers\` (phone cells: ${o.seeds} seeds; server cells: ${o.serverSeeds}). Every table is mean [95% CI] over seeds; every command reruns its table with \`swaplab compare\`.`,
    'Each section is also in out/answers/<section>.txt as plain text, ready to paste into a reply.',
    '',
    'The model is calibrated on single-exit figures only (docs/validation.md); everything else here is a prediction of mechanisms, and each section says what it cannot tell.',
    '',
    ...sections.map((s, i) => `${i + 1}. [${s.title}](#${anchor(s.title)})`),
    '',
  ].join('\n');
  return { markdown: [header, ...sections.map((s) => s.markdown)].join('\n'), sections };
}

/** GitHub's heading anchor for `title`. */
function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}
