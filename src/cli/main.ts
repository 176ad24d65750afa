#!/usr/bin/env node
// The swaplab command line: run, compare, list, check, trace export, report,
// serve, demo. User errors become one line on stderr and exit 2; bugs a short
// report and exit 70 (failures.ts).

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { RunOutput } from '../metrics/types.js';
import { findPolicy, isPolicyFile, loadPolicyFile, POLICY_NAMES, SHIPPED_POLICIES } from '../policies/registry.js';
import { COMPARE_FORMATS, formatCompare, summarizeCompare, type CompareFormat } from '../report/compare.js';
import { UserError } from '../scenario/errors.js';
import { MAX_SEED } from '../scenario/limits.js';
import { didYouMean } from '../scenario/nearest-name.js';
import { listShippedScenarios, loadScenario } from '../scenario/loader.js';
import { DEFAULT_RESULTS_DB } from '../store/results-db.js';
import { parseJobs, parsePolicies, parseSeeds } from './arg-parsers.js';
import { registerAnswersCommand } from './answers-command.js';
import { isEntryPoint } from './entry-point.js';
import { classifyFailure, describeUserError, EXIT_BUG, EXIT_USER_ERROR, type RunContext } from './failures.js';
import { prepareOutputFile, writeOutputFile } from './output-files.js';
import { markPhase } from './phase-timing.js';
import { registerReportCommands } from './report-command.js';
import { registerStoreCommands } from './store-commands.js';
import { registerSweepCommand } from './sweep-command.js';
import { packageVersion } from './version.js';
import { registerWorkerCommand } from './worker-command.js';

// Start-up: every command is registered, but what only some commands use
// (the simulator, the worker pool, the trace writer and protobufjs, the HTML
// report, the progress bar, the demo) is imported in those commands' actions,
// so `list` or `run` do not compile and evaluate modules they never call.

// Every static import above is evaluated by now.
markPhase('modules');

const collect = (value: string, previous: string[]) => [...previous, value];

function parsePolicy(p: string): string {
  if (!findPolicy(p) && !isPolicyFile(p)) throw new InvalidArgumentError(`unknown policy '${p}'${didYouMean(p, POLICY_NAMES)} (known: ${POLICY_NAMES.join(', ')})`);
  return p;
}

/** Seeds are 32-bit; a larger one would silently alias a smaller one, so it is refused. */
export function parseSeed(s: string): number {
  if (!/^\d+$/.test(s.trim()) || Number(s) > MAX_SEED) throw new InvalidArgumentError(`seed must be an integer 0..${MAX_SEED}, got '${s}'`);
  return Number(s);
}

function parseSeedCount(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 1000)) throw new InvalidArgumentError(`expected a number of seeds 1..1000, got '${text}'`);
  return n;
}

function parseSeedList(text: string): number[] {
  const seeds = parseSeeds(text);
  const bad = seeds.find((s) => s > MAX_SEED);
  if (bad !== undefined) throw new InvalidArgumentError(`seeds must be integers 0..${MAX_SEED}, got ${bad}`);
  return seeds;
}

/**
 * Output options of every command, checked before its action: a bad path
 * fails before minutes of runs, and the directories exist before anything
 * else (results-db, report) would call Node's mkdir -p, which loops under
 * /proc. A trace goes into an existing directory (as before); the others
 * create theirs. Also bounds the seeds of every command (report's included).
 */
function checkOutputsAndSeeds(_root: Command, cmd: Command): void {
  const o = cmd.opts() as Record<string, unknown>;
  const outputs: Array<[key: string, option: string, createDirs: boolean]> = [
    ['trace', '--trace', false],
    ['report', '--report', true],
    ['out', '--out', true],
    ['db', '--db', true],
  ];
  for (const [key, option, createDirs] of outputs) {
    const path = o[key];
    if (typeof path === 'string') prepareOutputFile(path, option, createDirs);
  }
  const seeds = o['seeds'];
  if (Array.isArray(seeds)) {
    const bad = seeds.find((s) => typeof s === 'number' && s > MAX_SEED);
    if (bad !== undefined) throw new UserError(`--seeds: seeds must be integers 0..${MAX_SEED}, got ${bad}`);
  }
}

/** What the running command is doing, for a bug report. */
const context: RunContext = {};

export function buildProgram(): Command {
  const program = new Command('swaplab')
    .description('Deterministic simulator of Linux process exit with swap on zram, and of swap-free policies')
    .version(packageVersion(), '-V, --version', 'print the swaplab version')
    .option('--debug', 'on an internal error, print the stack')
    // Usage errors come back as CommanderError so they exit 2 like every other user mistake.
    .exitOverride()
    .hook('preAction', checkOutputsAndSeeds);

  program
    .command('run')
    .description('run one scenario with one policy and seed')
    .argument('<scenario>', 'shipped scenario name or YAML file')
    .option('--policy <name>', "swap-free policy (default: the scenario's)", parsePolicy)
    .option('--seed <n>', "random seed (default: the scenario's)", parseSeed)
    .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
    .option('--json', 'print the output contract as one JSON object')
    .option('--trace <file>', 'write a timeline trace of the run')
    .addOption(new Option('--trace-format <fmt>', 'trace format').choices(['perfetto', 'json']).default('perfetto'))
    .action(async (name: string, o: { policy?: string; seed?: number; set: string[]; json?: boolean; trace?: string; traceFormat: 'perfetto' | 'json' }) => {
      Object.assign(context, { command: 'run', scenario: name, sets: o.set });
      markPhase('parsed');
      const sc = loadScenario(name, o.set);
      markPhase('scenario');
      const policy = o.policy ?? sc.kernel.policy;
      const seed = o.seed ?? sc.seed;
      Object.assign(context, { policy, seed });
      if (isPolicyFile(policy)) await loadPolicyFile(policy);
      let output: RunOutput;
      if (o.trace !== undefined) {
        const { recordTrace } = await import('./record-trace.js');
        const r = recordTrace(sc, { policy, seed }, o.traceFormat);
        writeOutputFile(o.trace, r.trace, '--trace', false);
        output = r.record.output;
        if (!o.json) console.error(`trace written to ${o.trace} (${o.traceFormat}); open it at ui.perfetto.dev`);
      } else {
        const { runScenario } = await import('../sim/run.js');
        markPhase('simulator_modules');
        output = runScenario(sc, { policy, seed }).output;
        markPhase('simulation');
      }
      if (o.json) {
        console.log(JSON.stringify(output));
        return;
      }
      const m = output.metrics;
      const d = (x: { mean: number; p50: number; p99: number; max: number; count: number }) =>
        `n=${x.count} mean ${x.mean.toFixed(1)} p50 ${x.p50.toFixed(1)} p99 ${x.p99.toFixed(1)} max ${x.max.toFixed(1)}`;
      console.log(`${output.scenario} on ${output.kernel}, policy ${output.policy}, seed ${output.seed}, fingerprint ${output.fingerprint}`);
      console.log(`  exit latency (ms)        ${d(m.exit_latency_ms)}`);
      console.log(`  memory release (ms)      ${d(m.memory_release_ms)}`);
      if (m.launch_ms !== undefined)
        console.log(
          `  launch ${m.launch_ms.toFixed(1)} ms, preview ${m.preview_ms?.toFixed(1)} ms, ${m.janky_frames}/${m.frames} janky frames, free at preview ${m.free_mem_at_preview_mib?.toFixed(0)} MiB`,
        );
      console.log(
        `  CPU busy ${m.cpu_busy_mean_pct.toFixed(1)}% (mean over the launch window), release censored ${m.memory_release_ms.censored}/${m.memory_release_ms.count}, parked peak ${m.deferred_entries_peak} entries (${m.deferred_mib_peak.toFixed(1)} MiB), held after exit ${m.held_after_exit_mib_ms.toFixed(0)} MiB*ms, unaccounted CPU ${m.unaccounted_cpu_ms.toFixed(1)} ms`,
      );
      console.log(
        `  lock wait (ms): ${Object.entries(m.lock_wait_ms)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
      );
      console.log(`  swap entries freed ${m.swap_entries_freed}, leaked ${m.swap_entries_leaked}; ${m.events} events in ${m.wall_ms} ms`);
    });

  program
    .command('compare')
    .description('run several policies over several seeds; mean and 95% CI per metric')
    .argument('<scenario>', 'shipped scenario name or YAML file')
    .requiredOption('--policies <list>', 'comma-separated policies; the first is the baseline', parsePolicies)
    .option('--seeds <n>', 'seeds 1..N, or a list "3,7,9", or a range "5..8"', parseSeedList, parseSeeds('5'))
    .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
    .addOption(new Option('--format <fmt>', 'output format').choices([...COMPARE_FORMATS]).default('table'))
    .option('--db <file>', 'results store: finished runs persist here and are reused (resume)', DEFAULT_RESULTS_DB)
    .option('--no-db', 'do not read or write the results store')
    .option('--report <file.html>', 'also write the self-contained HTML report of these runs')
    .option('--jobs <n>', 'parallel runs (default: one per CPU)', parseJobs)
    .option('--redis <url>', 'queue the runs on this Redis (redis://host:port) for `swaplab worker` processes')
    .action(async (name: string, o: { policies: string[]; seeds: number[]; set: string[]; format: CompareFormat; db: string | false; report?: string; jobs?: number; redis?: string }) => {
      Object.assign(context, { command: 'compare', scenario: name, sets: o.set });
      const dbPath = o.db === false ? undefined : o.db;
      const [{ loadCalibration }, { runSweep }, { overriddenParams }, { codeVersion, scenarioKey }, { renderHtmlReport }, { Progress }, { reportSweepFailures, runCommandLine, settleSweep }] =
        await Promise.all([
          import('../calibration/calibration.js'),
          import('../sweep/pool.js'),
          import('../sweep/params.js'),
          import('../sweep/scenario-key.js'),
          import('../report/html.js'),
          import('./progress.js'),
          import('./sweep-outcome.js'),
        ]);
      const sc = loadScenario(name, o.set);
      const calibration = loadCalibration(sc.kernel.calibration);
      const progress = new Progress(`compare ${sc.name}`);
      const ac = new AbortController();
      const onSig = () => ac.abort();
      process.once('SIGINT', onSig);
      try {
        const outcome = await settleSweep(
          runSweep({
            scenario: sc,
            scenarioKey: scenarioKey(sc),
            policies: o.policies,
            seeds: o.seeds,
            dbPath,
            params: overriddenParams(sc, o.set),
            ...(o.redis !== undefined ? { redisUrl: o.redis } : {}),
            onProgress: (done, total) => progress.update(done, total),
            signal: ac.signal,
            maxThreads: o.jobs,
          }),
        );
        const { records } = outcome;
        progress.stop();
        const provenance = { version: codeVersion(), argv: process.argv.slice(2) };
        const summary = summarizeCompare({ scenario: sc.name, kernel: sc.kernel.version, seeds: o.seeds, policies: o.policies, runs: records.map((r) => r.output), provenance });
        process.stdout.write(formatCompare(summary, o.format) + (o.format === 'json' ? '\n' : ''));
        // A report of no finished run would claim something was measured: none is written.
        if (o.report !== undefined && records.length > 0) {
          writeOutputFile(
            o.report,
            renderHtmlReport({
              scenario: sc,
              calibration,
              policies: o.policies,
              seeds: o.seeds,
              records,
              generatedBy: `${codeVersion()}: swaplab compare ${name} --policies ${o.policies.join(',')} --seeds ${o.seeds.length}${o.set.map((x) => ` --set ${x}`).join('')}`,
            }),
            '--report',
          );
          console.error(`report written to ${o.report}`);
        }
        reportSweepFailures(outcome, (f) => runCommandLine(name, o.set, f.policy, f.seed));
      } finally {
        progress.stop();
        process.off('SIGINT', onSig);
      }
    });

  program
    .command('list')
    .description('list shipped scenarios, platforms, kernel presets and policies')
    .action(async () => {
      const [{ PLATFORMS }, { KERNEL_PRESETS }, { LMKD_VARIANTS }] = await Promise.all([import('../scenario/platforms.js'), import('../kernel/presets/presets.js'), import('../android/lmkd.js')]);
      console.log('scenarios:');
      for (const s of listShippedScenarios()) console.log(`  ${s.name.padEnd(20)} ${s.description}`);
      console.log('platforms:');
      for (const name of Object.keys(PLATFORMS)) {
        const p = PLATFORMS[name]!();
        console.log(`  ${name.padEnd(20)} ${p.cpus.length} CPUs, ${p.ramMib / 1024} GiB RAM, zram ${p.zramMib / 1024} GiB`);
      }
      console.log('kernel presets:');
      for (const p of Object.values(KERNEL_PRESETS)) {
        console.log(`  ${p.version.padEnd(20)} ${p.summary}`);
      }
      console.log('policies:');
      for (const p of SHIPPED_POLICIES) console.log(`  ${p.name.padEnd(20)} ${p.summary}`);
      console.log('lmkd variants:');
      for (const [name, what] of LMKD_VARIANTS) console.log(`  ${name.padEnd(24)} ${what}`);
    });

  program
    .command('check')
    .description('validate a scenario file')
    .argument('<file>', 'scenario name or YAML file')
    .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
    .action((file: string, o: { set: string[] }) => {
      Object.assign(context, { command: 'check', scenario: file, sets: o.set });
      // The same loading and checks as run: schema, bounds, calibration, swap and RAM (scenario/preflight.ts).
      const sc = loadScenario(file, o.set);
      console.log(`${file}: ok (${sc.name}: ${sc.kernel.version}, policy ${sc.kernel.policy}, ${sc.apps.count} apps, duration ${sc.duration_ms} ms)`);
    });

  program
    .command('demo')
    .description('a small demonstration of the simulation core')
    .option('--seed <n>', 'random seed', parseSeed, 1)
    .action(async (o: { seed: number }) => {
      const { runDemo } = await import('./demo.js');
      console.log(runDemo(o.seed));
    });

  program
    .command('validate')
    .description('regenerate docs/validation.md: published figures beside the simulated ones')
    .option('--seeds <n>', 'seeds per figure (1..1000)', parseSeedCount, 3)
    .option('--out <file>', 'where to write', 'docs/validation.md')
    .option('--db <file>', 'results store (resume)', DEFAULT_RESULTS_DB)
    .action(async (o: { seeds: number; out: string; db: string }) => {
      const [{ buildValidationReport }, { runSweep }, { scenarioKey }, { Progress }] = await Promise.all([
        import('../report/validation.js'),
        import('../sweep/pool.js'),
        import('../sweep/scenario-key.js'),
        import('./progress.js'),
      ]);
      const progress = new Progress('validate');
      const text = await buildValidationReport({
        seeds: o.seeds,
        run: async (name, sets, policies, seeds) => {
          const sc = loadScenario(name, sets);
          return runSweep({ scenario: sc, scenarioKey: scenarioKey(sc), policies, seeds, dbPath: o.db, onProgress: (d, t) => progress.update(d, t) });
        },
      });
      progress.stop();
      writeOutputFile(o.out, text, '--out');
      console.log(`wrote ${o.out}`);
    });

  registerReportCommands(program);
  registerAnswersCommand(program);
  registerStoreCommands(program);
  registerSweepCommand(program);
  registerWorkerCommand(program);
  return program;
}

/** One line for a user mistake, or null for a bug (kept for callers of the old name). */
export const describeError = describeUserError;

/** Print a failure the one way: one line and exit 2, or the bug report and exit 70. */
function fail(e: unknown, argv: readonly string[]): never {
  if (e instanceof CommanderError) {
    // Commander has printed its message (or the help) already.
    process.exit(e.exitCode === 0 ? 0 : EXIT_USER_ERROR);
  }
  const debug = argv.includes('--debug');
  const f = classifyFailure(
    e,
    context,
    argv.filter((a) => a !== '--debug'),
    debug,
  );
  if (f.kind === 'user') {
    console.error(`swaplab: ${f.message}`);
    process.exit(EXIT_USER_ERROR);
  }
  console.error(f.report);
  process.exit(EXIT_BUG);
}

if (isEntryPoint(import.meta.url)) {
  const argv = process.argv.slice(2);
  // A throw from a timer or stream callback escapes the promise chain; it gets the same treatment.
  process.on('uncaughtException', (e) => fail(e, argv));
  process.on('unhandledRejection', (e) => fail(e, argv));
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => fail(e, argv));
}
