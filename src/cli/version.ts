// The version of this swaplab install, from its package.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../scenario/loader.js';

let cached: string | undefined;

/** "0.1.0": package.json's version (found from src/ and dist/src/ alike). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('swaplab package.json has no version: a packaging bug');
  return (cached = pkg.version);
}
