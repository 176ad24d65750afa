// `swaplab report` (a sweep rendered as one self-contained HTML file) and
// `swaplab serve` (the dashboard). The CLI main file calls
// registerReportCommands(program).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadCalibration } from '../calibration/calibration.js';
import { renderHtmlReport } from '../report/html.js';
import { loadScenario } from '../scenario/loader.js';
import { didYouMean } from '../scenario/nearest-name.js';
import { isPolicyFile, POLICY_NAMES } from '../policies/registry.js';
import { overriddenParams } from '../sweep/params.js';
import { runSweep } from '../sweep/pool.js';
import { codeVersion, scenarioKey } from '../sweep/scenario-key.js';
import { DEFAULT_RESULTS_DB } from '../store/results-db.js';
import { Progress } from './progress.js';
import { quoteArg, reportSweepFailures, runCommandLine, settleSweep } from './sweep-outcome.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--policies a,b`: known names, in the given order (the first is the baseline). */
export function parsePolicies(text: string): string[] {
  const list = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = list.filter((p) => !POLICY_NAMES.includes(p) && !isPolicyFile(p));
  if (list.length === 0 || unknown.length > 0) {
    const hints = unknown
      .map((p) => didYouMean(p, POLICY_NAMES))
      .filter(Boolean)
      .join('');
    throw new InvalidArgumentError(`unknown polic${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ') || '(none given)'}${hints} (known: ${POLICY_NAMES.join(', ')})`);
  }
  return list;
}

/** `--seeds N` is seeds 1..N; `--seeds 3,7,9` and `--seeds 5..8` name them. */
export function parseSeeds(text: string): number[] {
  const t = text.trim();
  const range = /^(\d+)\.\.(\d+)$/.exec(t);
  let seeds: number[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    seeds = b >= a && b - a < 100_000 ? Array.from({ length: b - a + 1 }, (_, i) => a + i) : [];
  } else if (t.includes(',')) {
    seeds = t.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  } else {
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    seeds = n >= 1 && n <= 100_000 ? Array.from({ length: n }, (_, i) => i + 1) : [NaN];
  }
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new InvalidArgumentError(`expected a count N (seeds 1..N), a list 3,7,9 or a range 5..8, got ${JSON.stringify(text)}`);
  }
  return seeds;
}

/** `--jobs N`: at most N worker threads (the pool also caps them at the CPU count). */
export function parseJobs(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 1024)) throw new InvalidArgumentError(`expected a number of parallel runs 1..1024, got ${JSON.stringify(text)}`);
  return n;
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port 0..65535, got ${JSON.stringify(text)}`);
  return n;
}

interface ReportOpts {
  policies: string[];
  seeds: number[];
  out: string;
  set: string[];
  jobs?: number;
  db: string | false;
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('run a policy comparison and write it as one self-contained HTML file (charts, metrics table, scenario)')
    .argument('<scenario>', 'shipped scenario name or path to a scenario file')
    .addOption(new Option('--policies <list>', 'comma-separated policies; the first is the baseline').argParser(parsePolicies).default([...POLICY_NAMES], POLICY_NAMES.join(',')))
    .addOption(new Option('--seeds <n>', 'seeds per policy: N (1..N), a list 3,7,9 or a range 5..8').argParser(parseSeeds).default(parseSeeds('10'), '10'))
    .requiredOption('--out <file.html>', 'where to write the report')
    .option('--set <path=value>', 'override a scenario field (repeatable), e.g. --set apps.count=20', collect, [])
    .option('--jobs <n>', 'parallel runs (default: one per CPU)', parseJobs)
    .option('--db <file>', 'results store shared with compare and sweep: finished runs are reused', DEFAULT_RESULTS_DB)
    .option('--no-db', 'do not read or write the results store')
    .action(async (name: string, o: ReportOpts) => {
      const scenario = loadScenario(name, o.set);
      // Checked up front, so a bad --out or calibration fails before minutes of sweep.
      mkdirSync(dirname(resolve(o.out)), { recursive: true });
      const calibration = loadCalibration(scenario.kernel.calibration);
      const progress = new Progress(`report ${scenario.name}`);
      const outcome = await settleSweep(
        runSweep({
          scenario,
          scenarioKey: scenarioKey(scenario),
          policies: o.policies,
          seeds: o.seeds,
          dbPath: o.db === false ? undefined : o.db,
          params: overriddenParams(scenario, o.set),
          onProgress: (done, total) => progress.update(done, total),
          maxThreads: o.jobs,
        }),
      ).finally(() => progress.stop());
      const { records } = outcome;
      const sets = o.set.map((s) => ` --set ${quoteArg(s)}`).join('');
      const html = renderHtmlReport({
        scenario,
        // The costs the runs used, so the report alone reproduces them.
        calibration,
        policies: o.policies,
        seeds: o.seeds,
        records,
        generatedBy: `${codeVersion()}: swaplab report ${quoteArg(name)} --policies ${o.policies.join(',')} --seeds ${seedsArg(o.seeds)}${sets}`,
      });
      writeFileSync(o.out, html);
      console.log(`wrote ${o.out} (${o.policies.length} policies × ${o.seeds.length} seeds${outcome.failures.length ? `, ${outcome.failures.length} failed runs left out` : ''})`);
      reportSweepFailures(outcome, (f) => runCommandLine(name, o.set, f.policy, f.seed));
    });

  program
    .command('serve')
    .description('start the interactive dashboard (loopback only unless --allow-remote)')
    .option('--port <n>', 'port (0 picks a free one)', parsePort, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow a non-loopback --host: anyone who can reach it can start simulations', false)
    .action(async (o: { port: number; host: string; allowRemote: boolean }) => {
      // The dashboard (fastify) loads only for `serve`.
      const { startServer } = await import('../web/server.js');
      const server = await startServer({ port: o.port, host: o.host, allowNonLoopback: o.allowRemote });
      console.log(`swaplab dashboard: ${server.url}  (Ctrl-C to stop)`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/** The shortest --seeds text that gives back `seeds`. */
function seedsArg(seeds: number[]): string {
  const contiguous = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  if (contiguous && seeds[0] === 1) return String(seeds.length);
  if (contiguous && seeds.length > 2) return `${seeds[0]}..${seeds[seeds.length - 1]}`;
  return seeds.join(',');
}
