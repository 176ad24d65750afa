// Where the project's files are (scenarios/, calibration/, src/ assets),
// found from this module's own location: works from src/ and dist/src/, and
// from an installed package. No imports from the rest of src/, so any layer
// may use it.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the first ancestor of this module with package.json and scenarios/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`swaplab: cannot find the project root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
