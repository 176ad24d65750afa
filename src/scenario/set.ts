// `--set path=value` overrides. They are applied to the raw YAML data before
// validation, so a bad value is reported like one in the file. Paths are
// checked against the schema (not the file), so a field the file leaves at its
// default can still be set.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ScenarioError, SET_SOURCE } from './errors.js';
import { didYouMean } from './nearest-name.js';
import { MAX_CPU_GROUPS, MAX_SETS } from './limits.js';
import { ScenarioSchema } from './schema.js';

export type FieldPath = string[];

/** A sweep's `--grid path=v1,v2,...` axis: one --set path and its values, as text. */
export interface GridAxis {
  path: string;
  values: string[];
}

/** One combination of grid axis values, in axis order: a list of --set assignments. */
export type GridPoint = Array<{ path: string; value: string }>;

/** Strip wrappers that do not change which fields exist. */
function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType;
    } else {
      return s;
    }
  }
}

/** The schema(s) a step can lead to: a union offers every branch. */
function alternatives(s: z.ZodType): z.ZodType[] {
  const u = unwrap(s);
  return u instanceof z.ZodUnion ? (u.options as z.ZodType[]).flatMap(alternatives) : [u];
}

function child(s: z.ZodType, key: string): z.ZodType | undefined {
  for (const alt of alternatives(s)) {
    if (alt instanceof z.ZodObject && Object.hasOwn(alt.shape, key)) return alt.shape[key] as z.ZodType;
    if (/^\d+$/.test(key)) {
      if (alt instanceof z.ZodArray) return alt.element as z.ZodType;
      if (alt instanceof z.ZodTuple) {
        const item = (alt.def.items as z.ZodType[])[Number(key)];
        if (item) return item;
      }
    }
  }
  return undefined;
}

/** Field names a map at `path` may hold ([] if the path is not a map). */
export function knownFields(path: readonly (string | number)[], root: z.ZodType = ScenarioSchema): string[] {
  let s: z.ZodType | undefined = root;
  for (const seg of path) {
    s = child(s, String(seg));
    if (!s) return [];
  }
  return alternatives(s).flatMap((alt) => (alt instanceof z.ZodObject ? Object.keys(alt.shape) : []));
}

/** Check a dotted path against the schema; throws `--set a.b: no such field (known: ...)`. */
function checkPath(path: FieldPath): void {
  let s: z.ZodType = ScenarioSchema;
  for (let i = 0; i < path.length; i++) {
    const next = child(s, path[i]!);
    if (!next) {
      const known = knownFields(path.slice(0, i));
      const hint = known.length ? `known: ${known.join(', ')}` : `${path.slice(0, i).join('.')} has no fields`;
      throw new ScenarioError(SET_SOURCE, `no such field${didYouMean(path[i]!, known)} (${hint})`, { path: path.join('.') });
    }
    s = next;
  }
}

/**
 * A list element may be set or appended, nothing further: `platform.cpus.4294967294.count`
 * would otherwise make a list of four billion holes.
 */
function checkIndex(path: FieldPath, at: number, list: readonly unknown[]): void {
  const index = Number(path[at]);
  const limit = Math.min(list.length, MAX_CPU_GROUPS - 1);
  if (index > limit) {
    const what = list.length === 0 ? 'the list is empty: use index 0' : `the list has ${list.length} item${list.length === 1 ? '' : 's'}: use 0..${limit}`;
    throw new ScenarioError(SET_SOURCE, `index ${path[at]} is beyond the end of ${path.slice(0, at).join('.')} (${what})`, { path: path.join('.') });
  }
}

/** The value of `--set`: a YAML flow value, so `20`, `true`, `[100, 300]` parse; else the raw text. */
function parseValue(text: string): unknown {
  if (text.trim() === '') return '';
  try {
    return parseYaml(text);
  } catch {
    return text;
  }
}

/** Fields whose values are names that may look like numbers. */
const STRING_FIELDS = new Set(['kernel.version', 'kernel.policy', 'kernel.calibration', 'name', 'description', 'platform']);

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Apply overrides to raw (unvalidated) scenario data, in order, in place.
 * Returns the paths that were set, so validation errors under them can be
 * reported as `--set <path>` rather than a file location.
 */
export function applySets(data: Record<string, unknown>, sets: readonly string[]): FieldPath[] {
  if (sets.length > MAX_SETS) throw new ScenarioError(SET_SOURCE, `${sets.length} overrides; at most ${MAX_SETS}`);
  const paths: FieldPath[] = [];
  for (const s of sets) {
    const eq = s.indexOf('=');
    const path = (eq < 0 ? '' : s.slice(0, eq)).trim().split('.');
    if (eq < 0 || path.some((p) => p === '')) {
      throw new ScenarioError(SET_SOURCE, `expected path=value, e.g. apps.count=20, got ${JSON.stringify(s)}`);
    }
    checkPath(path);
    let node: Record<string, unknown> | unknown[] = data;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const cur: unknown = (node as Record<string, unknown>)[key];
      // Replace a scalar (e.g. a platform name) when a field inside it is set.
      const wantList = /^\d+$/.test(path[i + 1]!);
      const next: Record<string, unknown> | unknown[] = wantList ? (Array.isArray(cur) ? cur : []) : isMap(cur) ? cur : {};
      (node as Record<string, unknown>)[key] = next;
      if (wantList) checkIndex(path, i + 1, next as unknown[]);
      node = next;
    }
    if (Array.isArray(node)) checkIndex(path, path.length - 1, node);
    const raw = s.slice(eq + 1);
    let value = parseValue(raw);
    // A string field (kernel.version, kernel.policy) keeps the text as written: "6.12" is not the number 6.12.
    if (typeof value === 'number' && STRING_FIELDS.has(path.join('.'))) value = raw.trim();
    (node as Record<string, unknown>)[path[path.length - 1]!] = value;
    paths.push(path);
  }
  return paths;
}
