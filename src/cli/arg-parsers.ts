// Parsers of the options several commands share (--policies, --seeds,
// --jobs). Light on purpose: every command registers them at start-up.
import { InvalidArgumentError } from 'commander';
import { isPolicyFile, POLICY_NAMES } from '../policies/registry.js';
import { didYouMean } from '../scenario/nearest-name.js';

/** `--policies a,b`: known names, in the given order (the first is the baseline). */
export function parsePolicies(text: string): string[] {
  const list = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = list.filter((p) => !POLICY_NAMES.includes(p) && !isPolicyFile(p));
  if (list.length === 0 || unknown.length > 0) {
    const hints = unknown
      .map((p) => didYouMean(p, POLICY_NAMES))
      .filter(Boolean)
      .join('');
    throw new InvalidArgumentError(`unknown polic${unknown.length === 1 ? 'y' : 'ies'} ${unknown.join(', ') || '(none given)'}${hints} (known: ${POLICY_NAMES.join(', ')})`);
  }
  return list;
}

/** `--seeds N` is seeds 1..N; `--seeds 3,7,9` and `--seeds 5..8` name them. */
export function parseSeeds(text: string): number[] {
  const t = text.trim();
  const range = /^(\d+)\.\.(\d+)$/.exec(t);
  let seeds: number[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    seeds = b >= a && b - a < 100_000 ? Array.from({ length: b - a + 1 }, (_, i) => a + i) : [];
  } else if (t.includes(',')) {
    seeds = t.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  } else {
    const n = /^\d+$/.test(t) ? Number(t) : NaN;
    seeds = n >= 1 && n <= 100_000 ? Array.from({ length: n }, (_, i) => i + 1) : [NaN];
  }
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new InvalidArgumentError(`expected a count N (seeds 1..N), a list 3,7,9 or a range 5..8, got ${JSON.stringify(text)}`);
  }
  return seeds;
}

/** `--jobs N`: at most N worker threads (the pool also caps them at the CPU count). */
export function parseJobs(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 1024)) throw new InvalidArgumentError(`expected a number of parallel runs 1..1024, got ${JSON.stringify(text)}`);
  return n;
}
