// `swaplab report` (a sweep rendered as one self-contained HTML file) and
// `swaplab serve` (the dashboard). The CLI main file calls
// registerReportCommands(program).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { POLICY_NAMES } from '../policies/registry.js';
import { DEFAULT_RESULTS_DB } from '../store/results-db.js';
import { parseJobs, parsePolicies, parseSeeds } from './arg-parsers.js';

// The parsers moved to arg-parsers.ts; kept importable from here.
export { parseJobs, parsePolicies, parseSeeds } from './arg-parsers.js';

const collect = (value: string, previous: string[]) => [...previous, value];

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
      // The sweep, the store and the report load only for this command (main.ts: start-up).
      const [
        { loadScenario },
        { loadCalibration },
        { runSweep },
        { overriddenParams },
        { codeVersion, scenarioKey },
        { renderHtmlReport },
        { Progress },
        { quoteArg, reportSweepFailures, runCommandLine, settleSweep },
      ] = await Promise.all([
        import('../scenario/loader.js'),
        import('../calibration/calibration.js'),
        import('../sweep/pool.js'),
        import('../sweep/params.js'),
        import('../sweep/scenario-key.js'),
        import('../report/html.js'),
        import('./progress.js'),
        import('./sweep-outcome.js'),
      ]);
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
