import { loadScenario } from '/work/main/src/scenario/loader.js';
import { runScenario } from '/work/main/src/sim/run.js';
const name = process.argv[2] ?? 'exit-one';
const policy = process.argv[3] ?? 'sync';
const sets = process.argv.slice(4);
const sc = loadScenario(name, sets);
const r = runScenario(sc, { policy, seed: 1 });
console.log(JSON.stringify(r.output, null, 1));
