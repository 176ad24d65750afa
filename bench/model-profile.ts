// Where a warm run of the model spends its CPU: per seed, the process CPU
// time of building the simulation and of running it, events per CPU second,
// and (with --profile) the functions with the most self time over the run
// phases, from the V8 sampling profiler. A warm-up run of another seed goes
// first, as in a sweep worker. CPU time, not wall time: the machine's cores
// may be shared. Figures only, no verdict:
//   node dist/bench/model-profile.js [--scenario camera-launch] [--policy sync] [--seeds 3] [--profile 15]

import { Session } from 'node:inspector';
import { loadScenario } from '../src/scenario/loader.js';
import { runSimulation } from '../src/sim/run.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const scenario = loadScenario(flag('--scenario', 'camera-launch'));
const policy = flag('--policy', 'sync');
const seeds = Number(flag('--seeds', '3'));
const topN = args.includes('--profile') ? Number(flag('--profile', '15')) || 15 : 0;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const session = new Session();
session.connect();
const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));

runSimulation(scenario, { policy, seed: 100_000 + seeds });
if (topN > 0) {
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 250 });
  await post('Profiler.start');
}
let buildMs = 0;
let runMs = 0;
let events = 0;
for (let seed = 1; seed <= seeds; seed++) {
  const c0 = cpuMs();
  let c1 = c0;
  const { record } = runSimulation(scenario, { policy, seed, attach: () => (c1 = cpuMs()) });
  const c2 = cpuMs();
  buildMs += c1 - c0;
  runMs += c2 - c1;
  events += record.output.metrics.events;
}
const perSeed = (ms: number) => Math.round(ms / seeds);
console.log(
  JSON.stringify({
    scenario: scenario.name,
    policy,
    seeds,
    build_cpu_ms_per_seed: perSeed(buildMs),
    run_cpu_ms_per_seed: perSeed(runMs),
    events_per_seed: Math.round(events / seeds),
    events_per_cpu_s: Math.round((events / (buildMs + runMs)) * 1000),
  }),
);
if (topN > 0) {
  const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, topN)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
