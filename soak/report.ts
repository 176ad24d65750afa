// Render a soak summary: a console table of failures with reproduce commands,
// and docs/reliability.md.
import { FAILING_OUTCOMES, firstLine, messageKey, OUTCOMES } from './outcome.js';
import type { SoakRecord, SoakSummary, Stage } from './soak.js';

const STAGE_TITLES: Record<Stage, string> = {
  matrix: 'matrix runs (shipped scenarios x policies x presets x reapers x seeds), in-process',
  check: 'fuzz `check`, in-process (loader + validation)',
  'check-cli': 'fuzz `check` through the CLI binary (exit codes)',
  run: 'fuzz `run`, in-process under the time and memory bound',
  'run-cli': 'fuzz `run` through the CLI binary (exit codes)',
};

export interface FailureGroup {
  stage: Stage;
  outcome: string;
  message: string;
  count: number;
  examples: SoakRecord[];
}

/** Failures grouped by stage, outcome and message with numbers blanked: one bug, one row. */
export function groupFailures(failures: SoakRecord[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const f of failures) {
    const key = `${f.stage}\0${f.result.outcome}\0${messageKey(f.result.message)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { stage: f.stage, outcome: f.result.outcome, message: firstLine(f.result.message), count: 0, examples: [] }));
    g.count++;
    g.examples.push(f);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

const totals = (s: SoakSummary) => {
  const sum = (pred: (st: Stage) => boolean, o?: string) => s.stages.filter((x) => pred(x.stage)).reduce((n, x) => n + (o ? x.counts[o as keyof typeof x.counts] : x.inputs), 0);
  const fuzz = (st: Stage) => st !== 'matrix';
  const matrix = (st: Stage) => st === 'matrix';
  return {
    runs: sum(matrix),
    runFailures: [...FAILING_OUTCOMES].reduce((n, o) => n + sum(matrix, o), 0),
    fuzzed: sum(fuzz),
    checkInputs: sum((st) => st === 'check' || st === 'check-cli'),
    runInputs: sum((st) => st === 'run' || st === 'run-cli'),
    crashes: sum(() => true, 'crash'),
    hangs: sum(() => true, 'hang'),
    overMemory: sum(() => true, 'over-memory'),
  };
};

/** What the issue asks of a full soak; a smaller one says it is scaled down. */
const FULL_SIZE = { runs: 2000, checkInputs: 10_000, runInputs: 1000 };

/** Reproduce commands shown per failure group of the fuzzer. */
const EXAMPLES_PER_GROUP = 3;
const mib = (x: number) => `${x.toFixed(0)} MiB`;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Inline code; a command holding backticks gets a double-backtick span, so it stays exact. */
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

/** What the console shows at the end of `npm run soak`. */
export function consoleReport(s: SoakSummary, maxRowsPerGroup = 5): string {
  const t = totals(s);
  const lines: string[] = [];
  lines.push(`soak: ${t.runs} runs (${t.runFailures} failed), ${t.fuzzed} fuzzed inputs; crashes ${t.crashes}, hangs ${t.hangs}, over memory ${t.overMemory}; ${(s.wallMs / 1000).toFixed(0)} s`);
  for (const st of s.stages)
    lines.push(`  ${st.stage.padEnd(10)} ${String(st.inputs).padStart(6)} inputs: ${OUTCOMES.map((o) => `${o} ${st.counts[o]}`).join(', ')} (${(st.wallMs / 1000).toFixed(0)} s)`);
  if (s.worstRss) lines.push(`  worst fuzz input peak RSS ${mib(s.worstRss.result.peakRssMib)} (${s.worstRss.result.outcome}): ${s.worstRss.reproduce}`);
  const groups = groupFailures(s.failures);
  if (groups.length) {
    lines.push('', 'failures (stage, outcome, count, message; then reproduce commands):');
    for (const g of groups) {
      lines.push(`  [${g.stage}] ${g.outcome} x${g.count}: ${g.message}`);
      for (const f of g.examples.slice(0, maxRowsPerGroup)) lines.push(`      ${f.label}\n        $ ${f.reproduce}`);
      if (g.examples.length > maxRowsPerGroup) lines.push(`      ... ${g.examples.length - maxRowsPerGroup} more (all in the report file)`);
    }
  }
  return lines.join('\n');
}

/** docs/reliability.md. */
export function markdownReport(s: SoakSummary, meta: { command: string; codeVersion: string; date: string }): string {
  const t = totals(s);
  const o = s.options;
  const out: string[] = [];
  out.push('# Reliability: the last soak', '');
  out.push(
    `Written by \`${meta.command}\` on ${meta.date} (${meta.codeVersion}, ${(s.wallMs / 60000).toFixed(1)} min on ${o.workers} runner processes). Rerun it to refresh this file; \`npm run soak:slice\` is the fixed-seed slice CI runs (test/soak-slice.test.ts).`,
    '',
  );
  out.push('| what | count |', '| --- | ---: |');
  out.push(`| runs (matrix) | ${t.runs} |`, `| failed runs | ${t.runFailures} |`);
  out.push(`| fuzzed inputs | ${t.fuzzed} (check ${t.checkInputs}, run ${t.runInputs}) |`);
  out.push(`| crashes | ${t.crashes} |`, `| hangs | ${t.hangs} |`, `| over the memory bound | ${t.overMemory} |`);
  if (s.worstRss) out.push(`| peak RSS of the worst fuzz input | ${mib(s.worstRss.result.peakRssMib)} (${s.worstRss.result.outcome}) |`);
  out.push(`| \`check\` accepted, \`run\` then rejected, hung or blew memory | ${s.checkRunDisagreements.length} |`);
  out.push(`| CLI rejections (exit 2) with more than one line on stderr | ${s.multiLineRejections.length} |`, '');
  if (t.runs < FULL_SIZE.runs || t.checkInputs < FULL_SIZE.checkInputs || t.runInputs < FULL_SIZE.runInputs) {
    out.push(
      `Scaled down from the full size (>= ${FULL_SIZE.runs} runs, ${FULL_SIZE.checkInputs} \`check\` and ${FULL_SIZE.runInputs} \`run\` inputs, what \`npm run soak\` does with its defaults) to fit the time this run had.`,
      '',
    );
  }

  out.push('## How', '');
  out.push(
    `- **Matrix**: every shipped scenario x every policy (and each boolean policy option flipped, e.g. async-global-list's \`forced_release\`) x every kernel preset x each LMKD reaper where LMKD runs, seeds ${o.seeds.length ? `${o.seeds[0]}..${o.seeds[o.seeds.length - 1]}` : 'none'}. server-exit runs shrunk (\`--set processes=2 --set swap_mib=256\`, one seed per variant): as shipped it takes ~25 s and 0.75 GB per run. Bound per run: ${o.matrixBounds.timeoutMs / 1000} s, ${mib(o.matrixBounds.maxRssMib)} RSS.`,
  );
  out.push(
    `- **Fuzzer** (fast-check, generator seed ${o.fuzzSeed}): values, documents and \`--set\` paths come from the scenario's JSON Schema, itself generated from the zod schema, so new fields and bounds are fuzzed without edits. \`check\` inputs mix in-range, boundary (0, 1e-6, 2^31, 2^32-2, 1e308...) and wrong-typed values, malformed \`--set\`, array indices up to 2^53, unknown keys and odd YAML (alias bombs, deep nesting, tags, truncated and mutated documents, binary garbage); bound ${o.checkBounds.timeoutMs / 1000} s, ${mib(o.checkBounds.maxRssMib)}. \`run\` inputs are a shipped scenario with 1 to 3 in-schema overrides near the defaults, or a generated in-schema document; bound ${o.runBounds.timeoutMs / 1000} s, ${mib(o.runBounds.maxRssMib)}.`,
  );
  out.push(
    '- In-process stages run in long-lived runner processes (no Node start-up per input); a runner that passes the time or RSS bound is killed and replaced. RSS is read from /proc/<pid>/status (VmHWM, reset per job through clear_refs). CLI stages run the binary and classify by exit code: 0 accepted, 2 rejected, timeout hang, RSS above the bound over-memory, anything else (1, 70, a signal) crash. In-process, an error the CLI treats as a user mistake (ScenarioError, CalibrationError) is rejected and any other thrown error is a crash.',
    '',
  );

  out.push('## Commands', '');
  out.push(
    '- `npm run soak`: the full soak (defaults: seeds 1..23, 10,000 `check` inputs of which 300 through the CLI, 1,000 `run` inputs of which 40 through the CLI); writes this file and exits 1 on any crash, hang or memory blow-up.',
  );
  out.push(
    '- `npm run soak -- --seeds 5 --run-inputs 300`: scaled down (also `--check-inputs`, `--cli-check-inputs`, `--cli-run-inputs`, `--fuzz-seed`, `--workers`, `--max-rss-mib`, `--out FILE`, `--no-out`, `--json FILE`).',
  );
  out.push(
    '- `npm run soak:slice`: the CI slice (seed 1 of every variant of the four small scenarios, 300 + 12 `check` and 40 + 4 `run` inputs); test/soak-slice.test.ts runs it and requires zero crashes, hangs and memory blow-ups.',
  );
  out.push('- Every failure below has the command that reproduces it, from the project root after `npm run build`.', '');
  out.push('## Per stage', '');
  out.push(`| stage | inputs | ${OUTCOMES.join(' | ')} | wall |`, `| --- | ---: | ${OUTCOMES.map(() => '---:').join(' | ')} | ---: |`);
  for (const st of s.stages) out.push(`| ${STAGE_TITLES[st.stage]} | ${st.inputs} | ${OUTCOMES.map((x) => st.counts[x]).join(' | ')} | ${(st.wallMs / 1000).toFixed(0)} s |`);
  out.push('');

  const groups = groupFailures(s.failures);
  out.push('## Failures', '');
  if (!groups.length) out.push('None.', '');
  else {
    out.push('Grouped by stage, outcome and message (numbers blanked).', '');
    out.push('| stage | outcome | count | message | first reproduce command |', '| --- | --- | ---: | --- | --- |');
    for (const g of groups) out.push(`| ${g.stage} | ${g.outcome} | ${g.count} | ${cell(g.message)} | ${g.stage === 'matrix' ? code(g.examples[0]!.reproduce) : 'below'} |`);
    out.push('');
    const matrixFailures = s.failures.filter((f) => f.stage === 'matrix');
    if (matrixFailures.length) {
      out.push('### Every failed matrix run', '', '| run | outcome | message | reproduce |', '| --- | --- | --- | --- |');
      for (const f of matrixFailures) out.push(`| ${cell(f.label)} | ${f.result.outcome} | ${cell(firstLine(f.result.message, 140))} | ${code(f.reproduce)} |`);
      out.push('');
    }
    const fuzzGroups = groups.filter((g) => g.stage !== 'matrix');
    if (fuzzGroups.length) {
      out.push('### Failed fuzz inputs', '', `Up to ${EXAMPLES_PER_GROUP} inputs per group above, each with the command that reproduces it.`, '');
      for (const g of fuzzGroups) {
        out.push(`- **${g.stage}, ${g.outcome}** (${g.count}): ${cell(g.message)}`);
        for (const f of g.examples.slice(0, EXAMPLES_PER_GROUP)) out.push(`  - peak RSS ${mib(f.result.peakRssMib)}: ${code(f.reproduce)}`);
      }
      out.push('');
    }
  }
  const listOf = (title: string, recs: SoakRecord[], max = 20) => {
    if (!recs.length) return;
    out.push(`## ${title}${recs.length > max ? ` (first ${max} of ${recs.length})` : ''}`, '', '| outcome | message | reproduce |', '| --- | --- | --- |');
    for (const r of recs.slice(0, max)) out.push(`| ${r.result.outcome} | ${cell(firstLine(r.result.message, 120))} | ${code(r.reproduce)} |`);
    out.push('');
  };
  listOf('`check` accepted what `run` then refused', s.checkRunDisagreements);
  listOf('User errors printed on more than one line', s.multiLineRejections);
  if (s.worstRss) out.push('## Worst input by peak RSS', '', `${mib(s.worstRss.result.peakRssMib)}, ${s.worstRss.result.outcome} (${s.worstRss.stage}): ${code(s.worstRss.reproduce)}`, '');
  return out.join('\n');
}

export { totals as soakTotals };
