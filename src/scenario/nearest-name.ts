// "Did you mean ...?" for a mistyped name: a policy, scenario, kernel preset,
// platform or scenario field. A prefix finds a name given only in part
// ("async", "camera"); edit distance (Levenshtein) finds typos.
import { distance } from 'fastest-levenshtein';

const MAX_SUGGESTIONS = 3;

/**
 * The known names nearest to `input`, best first (at most 3): the names
 * `input` starts (3+ characters: "async" means the async-* policies, not
 * "sync" one edit away), else those at the smallest edit distance if it is
 * small for the input's length (a third of its characters, at least 1; two
 * swapped neighbours count as one edit). Case is ignored. Empty when nothing
 * is near: "5.10" is not a typo of "6.12".
 */
export function nearestNames(input: string, known: readonly string[]): string[] {
  const needle = input.toLowerCase();
  if (needle === '') return [];
  if (needle.length >= 3) {
    const extending = known.filter((name) => name.toLowerCase().startsWith(needle));
    if (extending.length > 0) return extending.slice(0, MAX_SUGGESTIONS);
  }
  const maxEdits = Math.max(1, Math.floor(needle.length / 3));
  let best = Infinity;
  let nearest: string[] = [];
  for (const name of new Set(known)) {
    const d = editDistance(needle, name.toLowerCase());
    if (d > maxEdits || d > best) continue;
    if (d < best) {
      best = d;
      nearest = [];
    }
    nearest.push(name);
  }
  return nearest.slice(0, MAX_SUGGESTIONS);
}

/** Levenshtein distance, except that one swap of adjacent characters ("cuont") costs 1. */
function editDistance(a: string, b: string): number {
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!]) return 1;
  }
  return distance(a, b);
}

/** `; did you mean "x"?` or `; did you mean "x" or "y"?`, or '' when nothing is near. */
export function didYouMean(input: string, known: readonly string[]): string {
  const near = nearestNames(input, known).map((n) => JSON.stringify(n));
  if (near.length === 0) return '';
  const list = near.length === 1 ? near[0]! : `${near.slice(0, -1).join(', ')} or ${near[near.length - 1]!}`;
  return `; did you mean ${list}?`;
}

/** `unknown policy "synk"; did you mean "sync"? (known: a, b)`: one line for a user error. */
export function unknownName(kind: string, input: unknown, known: readonly string[]): string {
  return `unknown ${kind} ${JSON.stringify(input)}${didYouMean(String(input), known)} (known: ${known.join(', ')})`;
}
