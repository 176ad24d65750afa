// Layer rules for swaplab (issue 9, item 4). Layers run one way, lowest first:
//
//   engine -> calibration -> kernel -> policies, android, metrics -> scenario
//     -> sim -> store, report -> sweep -> web -> cli
//
// plus src/project-root.ts, a leaf with no src/ imports that any layer may use.
//
// "A -> B" means B may import A, never the reverse; MAY_IMPORT below is the
// exact list per folder. calibration holds data types and their YAML loader;
// the kernel reads its types. metrics sits just above the kernel: collectors
// subscribe to the kernel's trace points and sim attaches them to a run. cli
// is the edge: only the `swaplab` bin (src/cli/main.ts) starts there.
//
// Type-only imports COUNT (tsPreCompilationDeps: true). A type import is
// erased at run time, but it still ties the importer to the shape of the
// imported layer: `report/` naming `sim/build.ts`'s Simulation breaks when sim
// changes, which is the coupling the layers exist to prevent. So every layer
// rule below sees type-only imports too.
//
// Cycles: no-circular forbids every module-level cycle all of whose edges are
// run-time imports, i.e. every cycle that survives into the emitted JS and can
// cause initialisation-order bugs. A cycle closed by a type-only import is
// allowed: the one known pattern is inside src/kernel, where kernel.ts imports
// a subsystem (exit/signal.ts, fork.ts, policy-hooks.ts, swap/parked-swap.ts,
// swap/swap-free.ts) and the subsystem names the `Kernel` assembly type in its
// signatures (5 such cycles today).
// Counting those would forbid the kernel's assembly type, which the kernel
// restructuring (issue 9 item 1) is shrinking, not removing. Between folders
// type-only imports do count: the layer rules only let a folder import folders
// listed before it, and no-circular-folders checks the folder graph directly.

// Run: npm run depcruise (part of npm test).

/** Each layer under src/ and the layers it may import (besides itself). */
const MAY_IMPORT = {
  engine: [],
  calibration: [],
  kernel: ['engine', 'calibration'],
  policies: ['engine', 'kernel'],
  android: ['engine', 'kernel'],
  // Collectors observe the kernel's trace points; they never see a run's setup.
  metrics: ['engine', 'calibration', 'kernel'],
  scenario: ['engine', 'calibration', 'kernel', 'policies', 'android'],
  sim: ['engine', 'calibration', 'kernel', 'policies', 'android', 'metrics', 'scenario'],
  store: ['engine', 'calibration', 'kernel', 'policies', 'android', 'metrics', 'scenario'],
  // report formats what collectors recorded: it runs no simulation and knows
  // nothing of how runs are scheduled (sweep) or stored (store).
  report: ['engine', 'calibration', 'kernel', 'policies', 'android', 'metrics', 'scenario'],
  sweep: ['engine', 'calibration', 'kernel', 'policies', 'android', 'metrics', 'scenario', 'sim', 'store'],
  web: ['engine', 'calibration', 'kernel', 'policies', 'android', 'metrics', 'scenario', 'sim', 'store', 'report', 'sweep'],
  cli: ['engine', 'calibration', 'kernel', 'policies', 'android', 'metrics', 'scenario', 'sim', 'store', 'report', 'sweep', 'web'],
};
const LAYER_NAMES = Object.keys(MAY_IMPORT);

// The layers must be listed lowest first and import only layers listed before
// them; then the layer rules alone rule out a cycle between src/ folders.
LAYER_NAMES.forEach((layer, rank) => {
  for (const lower of MAY_IMPORT[layer]) {
    if (!(LAYER_NAMES.indexOf(lower) < rank)) throw new Error(`.dependency-cruiser.cjs: layer ${layer} may import ${lower}, which is not listed before it`);
  }
});

const layerRules = LAYER_NAMES.map((layer) => {
  const forbidden = LAYER_NAMES.filter((other) => other !== layer && !MAY_IMPORT[layer].includes(other));
  return {
    name: `layer-${layer}`,
    severity: 'error',
    comment: `src/${layer}/ may import only ${MAY_IMPORT[layer].map((f) => `src/${f}/`).join(', ') || 'itself'}`,
    from: { path: `^src/${layer}/` },
    to: { path: `^src/(${forbidden.join('|')})/` },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'engine-imports-nothing',
      severity: 'error',
      comment: 'src/engine/ is the bare event engine: no other src/ module, no npm package',
      from: { path: '^src/engine/' },
      to: { pathNot: ['^src/engine/', '^node:', '^(fs|path|url|os|util|crypto|perf_hooks)$'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'src/cli/ is the edge: bench/, scripts/ and soak/ use the layers below it, not the command line',
      from: { path: '^(bench|scripts|soak)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'known-layers-only',
      severity: 'error',
      comment: 'every folder under src/ is a layer in MAY_IMPORT, so no new folder escapes the layer rules',
      from: {},
      to: { path: '^src/[^/]+/', pathNot: `^src/(${LAYER_NAMES.join('|')})/` },
    },
    {
      name: 'top-level-src-is-a-leaf',
      severity: 'error',
      comment: 'a module directly under src/ (project-root.ts) may be used by any layer, so it imports nothing from src/',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle of run-time imports; a cycle closed by a type-only import is allowed (see the header)',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      scope: 'folder',
      comment: 'folders under src/ form no cycle (type-only imports count) unless the whole cycle stays inside src/kernel/',
      // Every folder on a cycle reports it, so leaving src/kernel/ out of `from`
      // skips only the cycles that never leave src/kernel/.
      from: { path: '^src/', pathNot: '^src/kernel(/|$)' },
      to: { circular: true },
    },
    {
      // Known, left to the kernel restructuring (issue 9 item 1): mm/reclaim.ts and
      // mm/swap-layout.ts call zram's compressedBytes while zram/ sizes objects in
      // mm/zone.ts's pages. A warning keeps it visible without failing npm test.
      name: 'kernel-subfolder-cycle',
      severity: 'warn',
      scope: 'folder',
      comment: 'a cycle between subfolders of src/kernel/',
      from: { path: '^src/kernel(/|$)' },
      to: { circular: true, viaOnly: { path: '^src/kernel(/|$)' } },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'an import that does not resolve',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^node_modules/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
    },
  },
};
