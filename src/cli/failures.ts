// The CLI's one error path. A user mistake (UserError and its kin) is one
// line on stderr and exit 2. Anything else is a bug in swaplab: a short report
// with what was being run and the command that reproduces it, exit 70
// (EX_SOFTWARE), and the stack only with --debug.
import { CalibrationError } from '../calibration/calibration.js';
import { SimulationError } from '../engine/engine.js';
import { UserError } from '../scenario/errors.js';
import { BUDGET_MESSAGE_PREFIX } from '../sim/budget.js';
import { ResultsStoreError } from '../store/results-db.js';
import { SweepAbortedError } from '../sweep/errors.js';
import { errnoReason } from './output-files.js';

export const EXIT_USER_ERROR = 2;
/** sysexits.h EX_SOFTWARE: an internal software error. */
export const EXIT_BUG = 70;

/** What the command was doing, for the bug report. Set by each command as it learns it. */
export interface RunContext {
  command?: string;
  scenario?: string;
  policy?: string;
  seed?: number;
  sets?: string[];
}

export type Failure = { kind: 'user'; message: string } | { kind: 'bug'; report: string };

/** The errors in `e`'s cause chain, outermost first (a sweep wraps the run's error). */
function causes(e: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let c = e; c !== undefined && chain.length < 10; c = (c as { cause?: unknown } | null)?.cause) chain.push(c);
  return chain;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One line for a user mistake, or null when `e` is not one. */
export function describeUserError(e: unknown): string | null {
  if (e instanceof UserError) return e.message;
  if (e instanceof CalibrationError) return e.message;
  if (e instanceof ResultsStoreError) return e.message;
  if (e instanceof SweepAbortedError) return 'interrupted; finished runs are saved and will be reused';
  // A run stopped by its budget in a worker thread arrives as a plain Error: recognise its message.
  if (causes(e).some((c) => messageOf(c).startsWith(BUDGET_MESSAGE_PREFIX))) return messageOf(e);
  if (e instanceof SimulationError) return null;
  // A file the user named cannot be read or written (ENOENT, EACCES, EISDIR...).
  const fsErr = e as { code?: unknown; path?: unknown; syscall?: unknown };
  if (e instanceof Error && typeof fsErr.code === 'string' && typeof fsErr.path === 'string') {
    return `cannot ${typeof fsErr.syscall === 'string' ? fsErr.syscall : 'use'} ${fsErr.path}: ${errnoReason(e)}`;
  }
  return null;
}

export function classifyFailure(e: unknown, ctx: RunContext, argv: readonly string[], debug: boolean): Failure {
  const user = describeUserError(e);
  if (user !== null) return { kind: 'user', message: user };
  return { kind: 'bug', report: bugReport(e, ctx, argv, debug) };
}

/** A sweep's error names its job ("sweep job policy=sync seed=19 failed: ..."): the run to reproduce. */
function failedJob(e: unknown): { policy: string; seed: number } | undefined {
  const m = /sweep job policy=(\S+) seed=(\d+) failed/.exec(messageOf(e));
  return m ? { policy: m[1]!, seed: Number(m[2]) } : undefined;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function bugReport(e: unknown, ctx: RunContext, argv: readonly string[], debug: boolean): string {
  const job = failedJob(e);
  const policy = job?.policy ?? ctx.policy;
  const seed = job?.seed ?? ctx.seed;
  const lines = [`swaplab: internal error: ${messageOf(e).split('\n')[0]}`];
  lines.push('  this is a bug in swaplab, not a mistake in your input; please report it with this output');
  const what = [ctx.scenario !== undefined ? `scenario ${ctx.scenario}` : undefined, policy !== undefined ? `policy ${policy}` : undefined, seed !== undefined ? `seed ${seed}` : undefined].filter(
    Boolean,
  );
  if (what.length) lines.push(`  ${what.join(', ')}`);
  const repro =
    ctx.scenario !== undefined && policy !== undefined && seed !== undefined
      ? ['swaplab', 'run', ctx.scenario, '--policy', policy, '--seed', String(seed), ...(ctx.sets ?? []).flatMap((s) => ['--set', s])]
      : ['swaplab', ...argv];
  lines.push(`  reproduce: ${repro.map(shellQuote).join(' ')}`);
  if (debug) {
    for (const c of causes(e)) lines.push(c instanceof Error && c.stack ? c.stack : String(c));
  } else {
    lines.push('  (add --debug for the stack)');
  }
  return lines.join('\n');
}
