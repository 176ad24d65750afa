// What a sweep command does when some of its runs failed: use the runs that
// finished (they are stored), then list each failure with the command that
// reproduces it and exit 70 (EX_SOFTWARE: a run that throws is a model bug).
import type { RunRecord } from '../metrics/types.js';
import { SweepFailedError, type SweepFailure } from '../sweep/errors.js';
import { shellQuote } from '../report/command-line.js';

export interface SweepOutcome {
  /** Finished runs, in (policy, seed) order. */
  records: RunRecord[];
  failures: SweepFailure[];
  total: number;
}

/** Exit status when some runs of a sweep failed. */
export const EXIT_RUNS_FAILED = 70;

/** Await a sweep, turning "some runs failed" into an outcome; any other rejection passes through. */
export async function settleSweep(sweep: Promise<RunRecord[]>): Promise<SweepOutcome> {
  try {
    const records = await sweep;
    return { records, failures: [], total: records.length };
  } catch (err) {
    if (err instanceof SweepFailedError) return { records: err.records, failures: err.failures, total: err.total };
    throw err;
  }
}

/** Print the failures (if any) to stderr and set the exit status. */
export function reportSweepFailures(outcome: SweepOutcome, reproduce: (failure: SweepFailure) => string): void {
  if (outcome.failures.length === 0) return;
  console.error(`swaplab: ${outcome.failures.length} of ${outcome.total} runs failed; this is a bug. The other runs finished and are stored.`);
  for (const f of outcome.failures) {
    console.error(`  ${f.policy} seed ${f.seed}: ${f.message}`);
    console.error(`    reproduce: ${reproduce(f)}`);
    if (f.stack && process.argv.includes('--debug')) console.error(f.stack.replace(/^/gm, '    '));
  }
  process.exitCode = EXIT_RUNS_FAILED;
}

/** `swaplab run` command line for one run of a sweep. */
export function runCommandLine(scenarioArg: string, sets: readonly string[], policy: string, seed: number): string {
  return `swaplab run ${quoteArg(scenarioArg)} --policy ${policy} --seed ${seed}${sets.map((s) => ` --set ${quoteArg(s)}`).join('')}`;
}

/** Shell-quote an argument for a command line shown to the user (one quoting rule: report/command-line.ts). */
export const quoteArg = shellQuote;
