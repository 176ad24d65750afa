// The soak: the run matrix and the fuzzer's stages, in parallel under time
// and memory bounds, gathered into one summary (report.ts renders it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-probe.js';
import { checkInputs, runInputs, type FuzzInput } from './fuzz-inputs.js';
import type { JobResult, SoakJob } from './job.js';
import { reproduceRun, soakMatrix, type MatrixRun } from './matrix.js';
import { FAILING_OUTCOMES, OUTCOMES, type Outcome } from './outcome.js';
import { RunnerPool, type Bounds } from './runner-pool.js';
import { recreateFileCommand, shellQuote } from './shell.js';

export type Stage = 'matrix' | 'check' | 'check-cli' | 'run' | 'run-cli';

export interface SoakOptions {
  /** Matrix seeds (1..N is the rule; never a hand-picked list). */
  seeds: number[];
  /** Shipped scenarios in the matrix (default: all). */
  scenarios?: string[];
  checkInputs: number;
  cliCheckInputs: number;
  runInputs: number;
  cliRunInputs: number;
  /** Seed of the fuzzer's generators. */
  fuzzSeed: number;
  workers: number;
  matrixBounds: Bounds;
  checkBounds: Bounds;
  runBounds: Bounds;
  onProgress?: (stage: Stage, done: number, total: number) => void;
}

export interface SoakRecord {
  stage: Stage;
  /** Short description for tables. */
  label: string;
  /** Shell command that reproduces it from the project root after `npm run build`. */
  reproduce: string;
  result: JobResult & { stderrLines?: number };
}

export interface StageSummary {
  stage: Stage;
  inputs: number;
  counts: Record<Outcome, number>;
  wallMs: number;
}

export interface SoakSummary {
  options: Omit<SoakOptions, 'onProgress'>;
  stages: StageSummary[];
  failures: SoakRecord[];
  /** The fuzz input with the highest peak RSS, whatever its outcome. */
  worstRss?: SoakRecord;
  /** Run-fuzz inputs `check` accepted that `run` then rejected, or that hung or blew memory. */
  checkRunDisagreements: SoakRecord[];
  /** CLI rejections (exit 2) that printed more than one line (a stack trace). */
  multiLineRejections: SoakRecord[];
  wallMs: number;
}

const CLI = 'node dist/src/cli/main.js';

function reproduceFuzz(kind: 'check' | 'run', input: FuzzInput): string {
  const file = '/tmp/soak-input.yaml';
  const pre = input.text !== undefined ? `${recreateFileCommand(input.text, file)} && ` : '';
  const parts = [CLI, kind, input.text !== undefined ? file : shellQuote(input.name!)];
  if (input.policy !== undefined) parts.push('--policy', input.policy);
  if (input.seed !== undefined) parts.push('--seed', String(input.seed));
  for (const s of input.sets) parts.push('--set', shellQuote(s));
  return pre + parts.join(' ');
}

function labelOf(input: FuzzInput): string {
  const what = input.text !== undefined ? `doc(${input.text.length} B)` : input.name!;
  return [what, ...input.sets.map((s) => `--set ${s}`)].join(' ').slice(0, 160);
}

/** Run `items` through `work` with at most `concurrency` in flight, keeping input order. */
async function mapConcurrent<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>, onDone: (n: number) => void): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return out;
}

export async function runSoak(opts: SoakOptions): Promise<SoakSummary> {
  const t0 = Date.now();
  const records: SoakRecord[] = [];
  const stages: StageSummary[] = [];
  const progress = (stage: Stage, total: number) => (n: number) => opts.onProgress?.(stage, n, total);

  const stage = async (name: Stage, produce: () => Promise<SoakRecord[]>) => {
    const s0 = Date.now();
    const recs = await produce();
    const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
    for (const r of recs) counts[r.result.outcome]++;
    stages.push({ stage: name, inputs: recs.length, counts, wallMs: Date.now() - s0 });
    records.push(...recs);
  };

  let id = 0;
  const viaPool = async (name: Stage, bounds: Bounds, jobs: { job: Omit<SoakJob, 'id'>; label: string; reproduce: string }[]) => {
    const pool = new RunnerPool(opts.workers, bounds);
    try {
      return await mapConcurrent(
        jobs,
        opts.workers,
        async (j) => ({ stage: name, label: j.label, reproduce: j.reproduce, result: await pool.run({ ...j.job, id: id++ }) }),
        progress(name, jobs.length),
      );
    } finally {
      await pool.close();
    }
  };

  // 1. Every shipped scenario x policy x preset x reaper x seed.
  const matrix: MatrixRun[] = soakMatrix(opts.seeds, opts.scenarios);
  await stage('matrix', () =>
    viaPool(
      'matrix',
      opts.matrixBounds,
      matrix.map((m) => ({
        job: { kind: 'run', name: m.scenario, sets: m.sets, policy: m.policy, seed: m.seed },
        label: `${m.scenario} ${m.variant} seed ${m.seed}`,
        reproduce: reproduceRun(m),
      })),
    ),
  );

  // 2. check, in-process: the loader and validation on many inputs.
  const fuzzCheck = checkInputs(opts.checkInputs, opts.fuzzSeed);
  await stage('check', () =>
    viaPool(
      'check',
      opts.checkBounds,
      fuzzCheck.map((input) => ({ job: { kind: 'check', ...input }, label: labelOf(input), reproduce: reproduceFuzz('check', input) })),
    ),
  );

  // 3. check through the binary: exit codes and one-line messages. The first
  //    inputs of the same fuzz stream, plus paths that are not scenario files.
  const dir = mkdtempSync(join(tmpdir(), 'swaplab-soak-'));
  try {
    const specialPaths = ['/dev/zero', '/dev/null', '/', '/nonexistent/scenario.yaml'];
    const cliCheck: { args: string[]; label: string; reproduce: string }[] = specialPaths
      .slice(0, Math.max(0, Math.min(specialPaths.length, opts.cliCheckInputs)))
      .map((p) => ({ args: ['check', p], label: `check ${p}`, reproduce: `${CLI} check ${p}` }));
    for (const [i, input] of checkInputs(Math.max(0, opts.cliCheckInputs - cliCheck.length), opts.fuzzSeed).entries()) {
      const file = join(dir, `check-${i}.yaml`);
      if (input.text !== undefined) writeFileSync(file, input.text);
      cliCheck.push({ args: ['check', input.text !== undefined ? file : input.name!, ...input.sets.flatMap((s) => ['--set', s])], label: labelOf(input), reproduce: reproduceFuzz('check', input) });
    }
    await stage('check-cli', () =>
      mapConcurrent(
        cliCheck,
        opts.workers,
        async (c) => ({ stage: 'check-cli' as const, label: c.label, reproduce: c.reproduce, result: await runCli(c.args, opts.checkBounds) }),
        progress('check-cli', cliCheck.length),
      ),
    );

    // 4. run, in-process under the bounds.
    const fuzzRun = runInputs(opts.runInputs, opts.fuzzSeed + 1);
    await stage('run', () =>
      viaPool(
        'run',
        opts.runBounds,
        fuzzRun.map((input) => ({ job: { kind: 'run', ...input }, label: `${labelOf(input)} --policy ${input.policy} --seed ${input.seed}`, reproduce: reproduceFuzz('run', input) })),
      ),
    );

    // 5. run through the binary: exit codes of the run path.
    const cliRun = fuzzRun.slice(0, opts.cliRunInputs).map((input, i) => {
      const file = join(dir, `run-${i}.yaml`);
      if (input.text !== undefined) writeFileSync(file, input.text);
      const args = ['run', input.text !== undefined ? file : input.name!, '--json', '--policy', input.policy!, '--seed', String(input.seed), ...input.sets.flatMap((s) => ['--set', s])];
      return { args, label: labelOf(input), reproduce: reproduceFuzz('run', input) };
    });
    await stage('run-cli', () =>
      mapConcurrent(
        cliRun,
        opts.workers,
        async (c) => ({ stage: 'run-cli' as const, label: c.label, reproduce: c.reproduce, result: await runCli(c.args, opts.runBounds) }),
        progress('run-cli', cliRun.length),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const fuzz = records.filter((r) => r.stage !== 'matrix');
  const worstRss = fuzz.reduce<SoakRecord | undefined>((w, r) => (!w || r.result.peakRssMib > w.result.peakRssMib ? r : w), undefined);
  const { onProgress: _ignored, ...options } = opts;
  return {
    options,
    stages,
    failures: records.filter((r) => FAILING_OUTCOMES.has(r.result.outcome)),
    worstRss,
    checkRunDisagreements: records.filter((r) => r.stage === 'run' && r.result.checkAccepted && r.result.outcome !== 'accepted' && r.result.outcome !== 'crash'),
    multiLineRejections: records.filter((r) => r.result.outcome === 'rejected' && (r.result.stderrLines ?? 0) > 1),
    wallMs: Date.now() - t0,
  };
}
