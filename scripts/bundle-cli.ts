// `npm run build`, after tsc: the command line as a few bundled files, so a
// `swaplab` process opens and compiles a handful of modules instead of ~280
// (the ESM loader's resolve, stat, package.json lookups and per-module
// compile were a third of a short `swaplab run`; Node 20 has no module
// compile cache). The bundles replace tsc's copies of the three entry points
// that run as programs or are imported from outside (package.json bin and
// exports), sharing one copy of every module in dist/src/chunks/:
//   dist/src/cli/main.js      the bin
//   dist/src/sweep/worker.js  the worker threads of a sweep (pool.ts)
//   dist/src/policies/api.js  `swaplab/policy`: a policy file gets the same
//                             kernel and zod module instances as the CLI
// Every other dist/ file stays tsc's (bench/, scripts/, soak/ and tests use
// them). What a command imports dynamically stays a separate chunk, loaded by
// that command only. Packages with native code, worker files or their own
// loaders (duckdb, piscina, fastify, bullmq, tsx, protobufjs) stay external.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from '../src/project-root.js';

const root = projectRoot();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
/** Pure-JS packages the CLI loads on every start: bundled. */
const BUNDLED = new Set(['commander', 'yaml', 'zod', 'fastest-levenshtein']);

const chunks = join(root, 'dist/src/chunks');
rmSync(chunks, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts', 'src/sweep/worker.ts', 'src/policies/api.ts'],
  outbase: 'src',
  outdir: 'dist/src',
  // One level below dist/src like every entry, so `new URL('../sweep/worker.js', import.meta.url)`
  // names the worker from an entry, a chunk and tsc's dist/src/sweep/pool.js alike.
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)),
  // Bundled CommonJS (commander) calls require() for Node's own modules.
  banner: { js: "import { createRequire as __swaplabCreateRequire } from 'node:module'; const require = __swaplabCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
