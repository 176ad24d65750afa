// isEntryPoint: the CLI must start when Node runs it through a bin symlink
// of another name, and must not start when merely imported.
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isEntryPoint } from '../src/cli/entry-point.js';

describe('isEntryPoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swaplab-entry-'));
  const main = join(dir, 'main.js');
  writeFileSync(main, '');
  const other = join(dir, 'other.js');
  writeFileSync(other, '');
  const link = join(dir, 'swaplab');
  symlinkSync(main, link);
  const url = pathToFileURL(main).href;

  it('is true for the module itself and for a symlink to it with another name', () => {
    expect(isEntryPoint(url, main)).toBe(true);
    expect(isEntryPoint(url, link)).toBe(true);
  });

  it('is false for another program, a file of the same name elsewhere, and no argv[1]', () => {
    expect(isEntryPoint(url, other)).toBe(false);
    const elsewhere = mkdtempSync(join(tmpdir(), 'swaplab-entry-'));
    writeFileSync(join(elsewhere, 'main.js'), '');
    expect(isEntryPoint(url, join(elsewhere, 'main.js'))).toBe(false);
    expect(isEntryPoint(url, undefined)).toBe(false);
    expect(isEntryPoint(url, join(dir, 'missing.js'))).toBe(false);
  });
});
