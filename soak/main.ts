// `npm run soak` / `npm run soak:slice`: run the soak, print the failure
// table, write the report. Exit 0 when nothing crashed, hung or blew memory,
// 1 otherwise.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { codeVersion } from '../src/sweep/scenario-key.js';
import { consoleReport, markdownReport } from './report.js';
import { runSoak, type SoakOptions, type SoakSummary } from './soak.js';

/** The CI slice: a fixed rule (seed 1 of every matrix variant, the first inputs of the fuzz streams), never picked around failures. */
export const SLICE = { seeds: 1, scenarios: ['camera-launch', 'exit-one', 'munmap-concurrent', 'quiet'], checkInputs: 300, cliCheckInputs: 12, runInputs: 40, cliRunInputs: 4 };
export const FULL: { seeds: number; scenarios?: string[]; checkInputs: number; cliCheckInputs: number; runInputs: number; cliRunInputs: number } = {
  seeds: 23,
  checkInputs: 10_000,
  cliCheckInputs: 300,
  runInputs: 1000,
  cliRunInputs: 40,
};

const USAGE = `usage: node dist/soak/main.js [--slice] [--seeds N] [--first-seed N] [--scenarios a,b]
       [--check-inputs N] [--cli-check-inputs N] [--run-inputs N] [--cli-run-inputs N] [--fuzz-seed N]
       [--workers N] [--max-rss-mib N] [--out docs/reliability.md | --no-out] [--json FILE]
       node dist/soak/main.js --render FILE.json [--out docs/reliability.md]`;

function int(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} needs a non-negative integer, got '${v}'`);
  return Number(v);
}

export function optionsFromArgs(argv: string[]): { soak: Omit<SoakOptions, 'onProgress'>; out?: string; json?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      slice: { type: 'boolean' },
      seeds: { type: 'string' },
      'first-seed': { type: 'string' },
      scenarios: { type: 'string' },
      'check-inputs': { type: 'string' },
      'cli-check-inputs': { type: 'string' },
      'run-inputs': { type: 'string' },
      'cli-run-inputs': { type: 'string' },
      'fuzz-seed': { type: 'string' },
      workers: { type: 'string' },
      'max-rss-mib': { type: 'string' },
      out: { type: 'string' },
      'no-out': { type: 'boolean' },
      json: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const preset: typeof FULL = values.slice ? SLICE : FULL;
  const seeds = int(values.seeds, preset.seeds, 'seeds');
  const maxRssMib = int(values['max-rss-mib'], 2048, 'max-rss-mib');
  const soak: Omit<SoakOptions, 'onProgress'> = {
    // Always a contiguous range, first..first+N-1: a slice is never picked around failures.
    seeds: Array.from({ length: seeds }, (_, i) => i + int(values['first-seed'], 1, 'first-seed')),
    ...(values.scenarios ? { scenarios: values.scenarios.split(',') } : preset.scenarios ? { scenarios: preset.scenarios } : {}),
    checkInputs: int(values['check-inputs'], preset.checkInputs, 'check-inputs'),
    cliCheckInputs: int(values['cli-check-inputs'], preset.cliCheckInputs, 'cli-check-inputs'),
    runInputs: int(values['run-inputs'], preset.runInputs, 'run-inputs'),
    cliRunInputs: int(values['cli-run-inputs'], preset.cliRunInputs, 'cli-run-inputs'),
    fuzzSeed: int(values['fuzz-seed'], 1, 'fuzz-seed'),
    workers: Math.max(1, int(values.workers, 2, 'workers')),
    // Shipped runs take ~1-3 s; 60 s is a hang, not a slow machine.
    matrixBounds: { timeoutMs: 60_000, maxRssMib },
    // Validation takes milliseconds; seconds mean it is building something huge.
    checkBounds: { timeoutMs: 3_000, maxRssMib },
    runBounds: { timeoutMs: 20_000, maxRssMib },
  };
  // The full soak writes the report; the slice only when asked.
  const out = values['no-out'] ? undefined : (values.out ?? (values.slice ? undefined : 'docs/reliability.md'));
  return { soak, out, json: values.json };
}

export interface ReportMeta {
  command: string;
  codeVersion: string;
  date: string;
}

/** `--render FILE.json`: write the report again from a saved summary (`--json`), without rerunning. */
function render(file: string, out: string): void {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as SoakSummary & { meta: ReportMeta };
  writeFileSync(out, markdownReport(saved, saved.meta));
  console.log(`wrote ${out} from ${file}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const renderAt = argv.indexOf('--render');
  if (renderAt >= 0) return render(argv[renderAt + 1] ?? '', argv.includes('--out') ? argv[argv.indexOf('--out') + 1]! : 'docs/reliability.md');
  const { soak, out, json } = optionsFromArgs(argv);
  let last = 0;
  const summary = await runSoak({
    ...soak,
    onProgress: (stage, done, total) => {
      const now = Date.now();
      if (done === total || now - last > 5000) {
        last = now;
        process.stderr.write(`soak ${stage}: ${done}/${total}\n`);
      }
    },
  });
  console.log(consoleReport(summary));
  const meta: ReportMeta = {
    command: `node dist/soak/main.js${argv.length ? ` ${argv.join(' ')}` : ''}`,
    codeVersion: codeVersion(),
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  };
  if (out) {
    writeFileSync(out, markdownReport(summary, meta));
    console.log(`wrote ${out}`);
  }
  if (json) writeFileSync(json, JSON.stringify({ ...summary, meta }));
  process.exitCode = summary.failures.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error && /^--/.test(e.message) ? `soak: ${e.message}` : e);
    process.exit(e instanceof Error && /^--|Unknown option/.test(e.message) ? 2 : 70);
  });
}
