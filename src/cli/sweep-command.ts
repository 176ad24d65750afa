// `swaplab sweep <scenario> --grid path=v1,v2 [--grid ...]`: every grid point
// × policy × seed, run in one worker pool and stored like compare's runs; a
// table per metric on stdout and an HTML page of each metric against each
// swept parameter. main.ts calls registerSweepCommand(program).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RunRecord } from '../metrics/types.js';
import { DEFAULT_SWEEP_METRICS, formatSweepTables, isMetricKey, summarizeSweep } from '../report/sweep-summary.js';
import { loadScenario } from '../scenario/loader.js';
import { DEFAULT_RESULTS_DB } from '../store/results-db.js';
import { gridPoints, parseGridAxis, pointSets, type GridAxis } from '../sweep/grid.js';
import { overriddenParams } from '../sweep/params.js';
import { SweepFailedError, type SweepFailure } from '../sweep/errors.js';
import type { SweepPoint } from '../sweep/pool.js';
import { codeVersion, scenarioKey } from '../sweep/scenario-key.js';
import { parsePolicies, parseSeeds } from './arg-parsers.js';
import { quoteArg, reportSweepFailures, runCommandLine } from './sweep-outcome.js';

interface SweepOpts {
  grid: GridAxis[];
  policies: string[];
  seeds: number[];
  set: string[];
  metrics?: string[];
  out?: string;
  db: string | false;
  redis?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function collectAxis(value: string, previous: GridAxis[]): GridAxis[] {
  try {
    return [...previous, parseGridAxis(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function parseMetrics(text: string): string[] {
  const list = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const bad = list.filter((m) => !isMetricKey(m));
  if (list.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(`unknown metric ${bad.join(', ') || '(none given)'} (e.g. exit_latency_ms.mean, memory_release_ms.p99, launch_ms, held_after_exit_mib_ms, lock_wait_ms[si->lock])`);
  }
  return list;
}

export function registerSweepCommand(program: Command): void {
  program
    .command('sweep')
    .description('run a parameter sweep (grid × policies × seeds): a table per metric and an HTML page of each metric against each parameter')
    .argument('<scenario>', 'shipped scenario name or YAML file')
    .requiredOption('--grid <path=v1,v2,...>', 'a swept scenario field and its values (repeatable: the sweep is the product)', collectAxis, [])
    .requiredOption('--policies <list>', 'comma-separated policies', parsePolicies)
    .addOption(new Option('--seeds <n>', 'seeds per point and policy: N (1..N), a list 3,7,9 or a range 5..8').argParser(parseSeeds).default(parseSeeds('5'), '5'))
    .option('--set <path=value>', 'override a scenario field at every point (repeatable)', collect, [])
    .option('--metrics <list>', `metrics to tabulate and plot (default: ${DEFAULT_SWEEP_METRICS.join(',')})`, parseMetrics)
    .option('--out <file.html>', 'where to write the HTML page (default: out/<scenario>-sweep.html)')
    .option('--db <file>', 'results store shared with compare and report: finished runs are reused', DEFAULT_RESULTS_DB)
    .option('--no-db', 'do not read or write the results store')
    .option('--redis <url>', 'queue the runs on this Redis (redis://host:port) for `swaplab worker` processes instead of running them here')
    .action(async (name: string, o: SweepOpts) => {
      // The worker pool, the progress bar and the page renderer load only for this command (start-up of the others).
      const [{ runGridSweep }, { Progress }, { renderSweepHtml }] = await Promise.all([import('../sweep/pool.js'), import('./progress.js'), import('../report/sweep-html.js')]);
      const gridPaths = new Set(o.grid.map((a) => a.path));
      const clash = o.set.map((s) => s.slice(0, s.indexOf('=')).trim()).find((p) => gridPaths.has(p));
      if (clash) throw new InvalidArgumentError(`${clash} is both swept (--grid) and fixed (--set)`);
      let points;
      try {
        points = gridPoints(o.grid);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
      // Every point is loaded (and so validated) before any run starts.
      const sweepPoints: SweepPoint[] = points.map((pt) => {
        const sets = [...o.set, ...pointSets(pt)];
        const scenario = loadScenario(name, sets);
        return { scenario, scenarioKey: scenarioKey(scenario), params: overriddenParams(scenario, sets) };
      });
      const out = o.out ?? `out/${sweepPoints[0]!.scenario.name}-sweep.html`;
      mkdirSync(dirname(resolve(out)), { recursive: true });

      const progress = new Progress(`sweep ${sweepPoints[0]!.scenario.name}`);
      const ac = new AbortController();
      const onSig = () => ac.abort();
      process.once('SIGINT', onSig);
      let byPoint: RunRecord[][];
      let failures: SweepFailure[] = [];
      let total = points.length * o.policies.length * o.seeds.length;
      try {
        byPoint = await runGridSweep({
          points: sweepPoints,
          policies: o.policies,
          seeds: o.seeds,
          dbPath: o.db === false ? undefined : o.db,
          ...(o.redis !== undefined ? { redisUrl: o.redis } : {}),
          onProgress: (done, n) => progress.update(done, n),
          signal: ac.signal,
        });
      } catch (err) {
        if (!(err instanceof SweepFailedError)) throw err;
        ({ byPoint, failures, total } = err);
      } finally {
        progress.stop();
        process.off('SIGINT', onSig);
      }

      const metrics = o.metrics ?? DEFAULT_SWEEP_METRICS.filter((m) => byPoint.some((recs) => recs.some((r) => m.split('.')[0]! in r.output.metrics)));
      const summary = summarizeSweep({ scenario: sweepPoints[0]!.scenario.name, axes: o.grid, points, policies: o.policies, seeds: o.seeds, metrics, recordsByPoint: byPoint });
      process.stdout.write(formatSweepTables(summary));
      const command = `swaplab sweep ${quoteArg(name)}${o.grid.map((a) => ` --grid ${quoteArg(`${a.path}=${a.values.join(',')}`)}`).join('')} --policies ${o.policies.join(',')} --seeds ${o.seeds.length}${o.set.map((s) => ` --set ${quoteArg(s)}`).join('')}`;
      writeFileSync(out, renderSweepHtml(summary, `${codeVersion()}: ${command}`));
      console.error(`wrote ${out} (${points.length} points × ${o.policies.length} policies × ${o.seeds.length} seeds)`);
      reportSweepFailures({ records: byPoint.flat(), failures, total }, (f) => runCommandLine(name, [...o.set, ...pointSets(points[f.point]!)], f.policy, f.seed));
    });
}
