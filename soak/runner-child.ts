// A long-lived runner process of the soak pool: takes jobs over IPC, loads
// and runs scenarios in-process (no per-run Node start-up), and answers with
// the outcome. The parent bounds each job's time and memory and kills this
// process when a job exceeds them.
import { performance } from 'node:perf_hooks';
import { loadScenario, scenarioFromText } from '../src/scenario/loader.js';
import type { Scenario } from '../src/scenario/schema.js';
import { runScenario } from '../src/sim/run.js';
import type { CheckedNotice, RunnerReply, SoakJob } from './job.js';
import { isUserError } from './outcome.js';

/** `Class: message`; some error classes leave `name` as plain 'Error'. */
const describe = (err: unknown) => {
  if (!(err instanceof Error)) return String(err);
  const name = err.name === 'Error' ? (err.constructor?.name ?? err.name) : err.name;
  return `${name}: ${err.message}`;
};

function execute(job: SoakJob): RunnerReply {
  const t0 = performance.now();
  const reply = (r: Omit<RunnerReply, 'id' | 'wallMs'>): RunnerReply => ({ id: job.id, wallMs: performance.now() - t0, ...r });
  let sc: Scenario;
  try {
    sc = job.text !== undefined ? scenarioFromText(job.text, job.label ?? 'fuzz.yaml', job.sets) : loadScenario(job.name!, job.sets);
  } catch (err) {
    return reply({ outcome: isUserError(err) ? 'rejected' : 'crash', checkAccepted: false, message: describe(err) });
  }
  if (job.kind === 'check') return reply({ outcome: 'accepted', checkAccepted: true });
  // Tell the parent validation passed, so a run that then hangs still counts as accepted by check.
  process.send!({ id: job.id, checked: true } satisfies CheckedNotice);
  try {
    const rec = runScenario(sc, { policy: job.policy ?? sc.kernel.policy, seed: job.seed ?? sc.seed });
    return reply({ outcome: 'accepted', checkAccepted: true, fingerprint: rec.output.fingerprint });
  } catch (err) {
    return reply({ outcome: isUserError(err) ? 'rejected' : 'crash', checkAccepted: true, message: describe(err) });
  }
}

// Collect the last job's garbage before answering, so the parent's peak-RSS
// reset for the next job starts from a clean baseline.
const gc = (globalThis as { gc?: () => void }).gc;

process.on('message', (job: SoakJob) => {
  const r = execute(job);
  if (job.kind === 'run') gc?.();
  process.send!(r);
});
