// `swaplab answers`: regenerates docs/answers.md (one section per reviewer
// question, src/report/answers.ts formats them), an SVG plot per section
// under docs/answers/, and each section as plain text under out/answers/.
// The runs happen here, in the worker pool (report/ runs no simulation).
// main.ts calls registerAnswersCommand(program).
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { KERNEL_PRESETS } from '../kernel/presets/presets.js';
import type { AnswerRuns } from '../report/answers.js';
import { loadScenario } from '../scenario/loader.js';
import { SweepFailedError } from '../sweep/errors.js';
import { scenarioKey } from '../sweep/scenario-key.js';
import { writeOutputFile } from './output-files.js';
import { parseJobs } from './arg-parsers.js';

interface AnswersOpts {
  seeds: number;
  serverSeeds: number;
  out: string;
  text: string;
  db: string | false;
  jobs?: number;
}

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2 || n > 100) throw new InvalidArgumentError(`expected an integer 2..100 (a 95% CI needs two seeds), got '${v}'`);
  return n;
}

export function registerAnswersCommand(program: Command): void {
  program
    .command('answers')
    .description("regenerate docs/answers.md: the reviewers' questions answered with the model, one section each")
    .option('--seeds <n>', 'seeds per phone cell (2..100)', parseCount, 5)
    .option('--server-seeds <n>', 'seeds per server cell (2..100)', parseCount, 2)
    .option('--out <file>', 'where to write the Markdown', 'docs/answers.md')
    .option('--text <dir>', 'where to write each section as plain text', 'out/answers')
    .option('--db <file>', 'results store: finished runs are reused (off by default, so the answers are computed fresh)')
    .option('--jobs <n>', 'parallel runs (default: one per CPU)', parseJobs)
    .action(async (o: AnswersOpts) => {
      // The worker pool, the progress bar and the answers' formatting (the largest report module) load only for this command.
      const [{ runSweep }, { Progress }, { buildAnswers }] = await Promise.all([import('../sweep/pool.js'), import('./progress.js'), import('../report/answers.js')]);
      const t0 = performance.now();
      const progress = new Progress('answers');
      let done = 0;
      const { markdown, sections } = await buildAnswers({
        seeds: o.seeds,
        serverSeeds: o.serverSeeds,
        kernelVersions: Object.keys(KERNEL_PRESETS),
        run: async (name, sets, policies, seeds): Promise<AnswerRuns> => {
          const sc = loadScenario(name, sets);
          const base = done;
          try {
            const records = await runSweep({
              scenario: sc,
              scenarioKey: scenarioKey(sc),
              policies,
              seeds,
              ...(typeof o.db === 'string' ? { dbPath: o.db } : {}),
              ...(o.jobs !== undefined ? { maxThreads: o.jobs } : {}),
              onProgress: (d) => {
                done = base + d;
                progress.update(done, done);
              },
            });
            return { records, failures: [] };
          } catch (e) {
            // Failed runs are part of an answer (a full swap device), not the end of it.
            if (e instanceof SweepFailedError) return { records: e.byPoint.flat(), failures: e.failures.map((f) => ({ policy: f.policy, seed: f.seed, message: f.message })) };
            throw e;
          }
        },
      });
      progress.stop();
      writeOutputFile(o.out, markdown, '--out');
      const svgDir = join(dirname(o.out), 'answers');
      for (const s of sections) {
        writeOutputFile(join(svgDir, `${s.slug}.svg`), s.svg, '--out');
        writeOutputFile(join(o.text, `${s.slug}.txt`), s.text, '--text');
      }
      const secs = (performance.now() - t0) / 1000;
      console.log(`wrote ${o.out}, ${sections.length} plots under ${svgDir}/ and ${sections.length} sections under ${o.text}/ (${done} runs, ${secs.toFixed(0)} s)`);
    });
}
