// Is this module the program Node was asked to run? A bin link (npm link,
// npm i -g, npx) starts Node with argv[1] = .../bin/swaplab, a symlink whose
// name is not the module's, so names are not compared: real paths are.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function isEntryPoint(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    // argv[1] is not a file (node -e, a REPL): nobody asked to run this module.
    return false;
  }
}
