import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicies } from '../src/cli/report-command.js';
import { loadScenario } from '../src/scenario/loader.js';
import { didYouMean, nearestNames, unknownName } from '../src/scenario/nearest-name.js';

const POLICIES = ['sync', 'async-mmu-gather', 'async-global-list', 'async-per-node'];
const SCENARIOS = ['camera-launch', 'exit-one', 'munmap-concurrent', 'quiet', 'server-exit'];

describe('nearestNames', () => {
  it('finds a typo by edit distance, ignoring case', () => {
    expect(nearestNames('asnyc-mmu-gather', POLICIES)).toEqual(['async-mmu-gather']);
    expect(nearestNames('quite', SCENARIOS)).toEqual(['quiet']);
    expect(nearestNames('Exit-One', SCENARIOS)).toEqual(['exit-one']);
    expect(nearestNames('cuont', ['count', 'rss_mib', 'swapped_fraction'])).toEqual(['count']);
    expect(nearestNames('6.1', ['6.6-android', '6.12', '6.18'])).toEqual(['6.12', '6.18']);
  });

  it('keeps only the nearest when several are within reach', () => {
    expect(nearestNames('async-per-nod', POLICIES)).toEqual(['async-per-node']);
  });

  it('prefers names the input starts over a name a few edits away', () => {
    expect(nearestNames('async', POLICIES)).toEqual(['async-mmu-gather', 'async-global-list', 'async-per-node']);
    expect(nearestNames('camera', SCENARIOS)).toEqual(['camera-launch']);
  });

  it('suggests nothing for an unrelated name or an empty one', () => {
    expect(nearestNames('lazy', POLICIES)).toEqual([]);
    expect(nearestNames('5.4', ['6.6-android', '6.12', '6.18'])).toEqual([]);
    expect(nearestNames('', POLICIES)).toEqual([]);
    expect(nearestNames('as', POLICIES)).toEqual([]);
  });
});

describe('messages', () => {
  it('didYouMean lists one or several names, or nothing', () => {
    expect(didYouMean('quite', SCENARIOS)).toBe('; did you mean "quiet"?');
    expect(didYouMean('6.1', ['6.6-android', '6.12', '6.18'])).toBe('; did you mean "6.12" or "6.18"?');
    expect(didYouMean('async', POLICIES)).toBe('; did you mean "async-mmu-gather", "async-global-list" or "async-per-node"?');
    expect(didYouMean('lazy', POLICIES)).toBe('');
  });

  it('unknownName keeps the full list after the suggestion', () => {
    expect(unknownName('policy', 'synk', POLICIES)).toBe('unknown policy "synk"; did you mean "sync"? (known: sync, async-mmu-gather, async-global-list, async-per-node)');
  });
});

describe('where users meet the suggestions', () => {
  const messageOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected an error');
  };

  it('a mistyped shipped scenario', () => {
    expect(messageOf(() => loadScenario('exit-onee'))).toMatch(/^exit-onee: no such file or shipped scenario; did you mean "exit-one"\? \(shipped: /);
  });

  it('a mistyped field, in --set and in a scenario file', () => {
    expect(messageOf(() => loadScenario('exit-one', ['apps.cuont=3']))).toMatch(/--set apps\.cuont: no such field; did you mean "count"\? \(known: count, /);
    const dir = mkdtempSync(join(tmpdir(), 'swaplab-near-'));
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'apps:\n  cuont: 3\n');
    expect(messageOf(() => loadScenario(file))).toMatch(/typo\.yaml:2:3: apps\.cuont: unknown field; did you mean "count"\?/);
  });

  it('a mistyped kernel preset, platform and policy', () => {
    expect(messageOf(() => loadScenario('exit-one', ['kernel.version=6.6-andriod']))).toMatch(/unknown kernel version "6\.6-andriod"; did you mean "6\.6-android"\?/);
    expect(messageOf(() => loadScenario('exit-one', ['platform=phone-8cor']))).toMatch(/unknown platform "phone-8cor"; did you mean "phone-8core"\?/);
    expect(messageOf(() => loadScenario('exit-one', ['kernel.policy=synk']))).toMatch(/unknown policy "synk"; did you mean "sync"\?/);
    expect(messageOf(() => parsePolicies('sync,asnyc-per-node'))).toMatch(/unknown policy asnyc-per-node; did you mean "async-per-node"\? \(known: /);
  });
});

describe('edit distance', () => {
  it('counts two swapped neighbours as one edit, so short names with a swap are found', () => {
    expect(nearestNames('synk', ['sync', 'quiet'])).toEqual(['sync']);
    expect(nearestNames('ysnc', ['sync', 'quiet'])).toEqual(['sync']);
    // Two edits in four characters are too many: another version, not a typo.
    expect(nearestNames('5.10', ['6.6-android', '6.12', '6.18'])).toEqual([]);
  });
});
