// Files the user names for output (--trace, --report, --out, --db): checked
// before any work, written with errors that name the option and the path.
//
// Not fs.mkdirSync(dir, { recursive: true }): under /proc, mkdir of a missing
// directory fails with ENOENT although its parent exists, and Node's recursive
// mkdir answers ENOENT by creating the parent and retrying, forever, at 100%
// CPU (`--out /proc/nope/x.html` hung). ensureDir creates one level at a time
// and stops at the first failure.
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../scenario/errors.js';

/** What an errno means, in a few words. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'exists and is not a directory',
  ENAMETOOLONG: 'name too long',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

export function errnoReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return REASONS[code] ? `${REASONS[code]} (${code})` : code;
  return e instanceof Error ? e.message : String(e);
}

/**
 * mkdir -p that cannot loop: each missing level once, from the deepest
 * existing one. Errors read `<option> <label>: ...` (label: the path the user gave).
 */
export function ensureDir(dir: string, option: string, label = dir): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) throw new UserError(`${option} ${label}: ${at} is not a directory`);
      break;
    } catch (e) {
      if (e instanceof UserError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new UserError(`${option} ${label}: cannot use ${at}: ${errnoReason(e)}`);
    }
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new UserError(`${option} ${label}: cannot create directory ${d}: ${errnoReason(e)}`);
    }
  }
}

/**
 * Checks an output path before the work that fills it: not empty, not a
 * directory, and its directory exists or (with createDirs) can be created.
 */
export function prepareOutputFile(path: string, option: string, createDirs = true): void {
  if (path.trim() === '') throw new UserError(`${option}: empty file name`);
  try {
    if (statSync(path).isDirectory()) throw new UserError(`${option} ${path}: is a directory`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    // A missing file is fine: it is about to be written.
  }
  const dir = dirname(resolve(path));
  if (createDirs) {
    ensureDir(dir, option, path);
    return;
  }
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw new UserError(`${option} ${path}: cannot use directory ${dir}: ${errnoReason(e)}`);
  }
  if (!isDir) throw new UserError(`${option} ${path}: ${dir} is not a directory`);
}

/** writeFileSync whose failures (disk full, permissions, a device) are one line naming the option and path. */
export function writeOutputFile(path: string, data: string | Uint8Array, option: string, createDirs = true): void {
  prepareOutputFile(path, option, createDirs);
  try {
    writeFileSync(path, data);
  } catch (e) {
    // A disk that filled up mid-write leaves a truncated file: remove it (only a regular file, never a device).
    try {
      if (statSync(path).isFile()) unlinkSync(path);
    } catch {
      // Nothing was created.
    }
    throw new UserError(`${option} ${path}: cannot write: ${errnoReason(e)}`);
  }
}
