// Where the project's data files (calibration/, scenarios/, assets) live:
// the nearest directory above this module with package.json and scenarios/,
// so the same lookup works from src/ under tsx and from dist/src/ when built.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`swaplab: cannot find the project root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
