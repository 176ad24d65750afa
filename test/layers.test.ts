// The layer rules in .dependency-cruiser.cjs catch what they are written for:
// each case builds a tiny src/ tree in a temporary directory, runs depcruise
// with the project's config on it, and reads which rules fired. (npm test's
// pretest runs the same config over the real tree and fails on any error.)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/project-root.js';

const root = projectRoot();
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const config = join(root, '.dependency-cruiser.cjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** Write `files` (path under the tree -> source) and return the rules each violation broke, as "rule from -> to". */
function violations(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'swaplab-layers-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src/**/*.ts'] }));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  const out = spawnSync(depcruise, ['src', '--config', config, '--output-type', 'json'], { cwd: dir, encoding: 'utf8' });
  expect(out.stdout, out.stderr).not.toBe('');
  const result = JSON.parse(out.stdout) as { summary: { violations: Violation[] } };
  return result.summary.violations.filter((v) => v.rule.severity === 'error').map((v) => `${v.rule.name} ${v.from} -> ${v.to}`);
}

describe('layer rules', () => {
  it('accept imports that run down the layers', () => {
    expect(
      violations({
        'src/engine/queue.ts': 'export const Q = 1;\n',
        'src/kernel/k.ts': "import { Q } from '../engine/queue.js';\nexport const K = Q;\n",
        'src/metrics/m.ts': "import type { K } from '../kernel/k.js';\nexport type M = typeof K;\n",
        'src/report/r.ts': "import type { M } from '../metrics/m.js';\nexport const r = (m: M) => m;\n",
      }),
    ).toEqual([]);
  });

  it('reject an import that runs up, type-only imports included', () => {
    expect(
      violations({
        'src/kernel/k.ts': "import type { M } from '../metrics/m.js';\nexport type K = M;\n",
        'src/metrics/m.ts': 'export type M = number;\n',
        'src/report/r.ts': "import type { S } from '../sim/s.js';\nexport type R = S;\n",
        'src/sim/s.ts': 'export type S = number;\n',
      }),
    ).toEqual(['layer-kernel src/kernel/k.ts -> src/metrics/m.ts', 'layer-report src/report/r.ts -> src/sim/s.ts']);
  });

  it('reject a run-time module cycle but allow one closed by a type-only import', () => {
    const found = violations({
      'src/kernel/a.ts': "import { b } from './b.js';\nexport const a = () => b();\n",
      'src/kernel/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/kernel/kernel.ts': "import { free } from './free.js';\nexport class Kernel { free = free; }\n",
      'src/kernel/free.ts': "import type { Kernel } from './kernel.js';\nexport const free = (K: Kernel) => K;\n",
    });
    const cycles = found.filter((v) => v.startsWith('no-circular '));
    expect(cycles.length).toBeGreaterThan(0);
    for (const v of cycles) expect(v).toMatch(/^no-circular src\/kernel\/[ab]\.ts -> src\/kernel\/[ab]\.ts$/);
  });

  it('reject importing cli/ from below it', () => {
    expect(
      violations({
        'src/cli/main.ts': 'export const main = 1;\n',
        'src/web/server.ts': "import { main } from '../cli/main.js';\nexport const s = main;\n",
      }),
    ).toEqual(['layer-web src/web/server.ts -> src/cli/main.ts']);
  });

  it('reject an import of a folder that is not a layer', () => {
    expect(
      violations({
        'src/helpers/h.ts': 'export const h = 1;\n',
        'src/sim/s.ts': "import { h } from '../helpers/h.js';\nexport const s = h;\n",
      }),
    ).toEqual(['known-layers-only src/sim/s.ts -> src/helpers/h.ts']);
  });
});
