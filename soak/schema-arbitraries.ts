// fast-check arbitraries derived from the scenario's JSON Schema (itself
// generated from the zod schema), so the fuzzer follows the schema as it
// changes: new fields, bounds and enums are picked up without edits here.
import fc from 'fast-check';
import { scenarioJsonSchema } from '../src/scenario/export-json-schema.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
}

/**
 * valid: values inside the schema near the defaults (whole documents for
 * `run`); plausible: mostly those, sometimes a boundary or wrong-typed value
 * (--set overrides for `run`, which must mostly finish); wild: in-range,
 * boundary and wrong-typed values in equal measure (inputs for `check`).
 */
export type FuzzMode = 'valid' | 'plausible' | 'wild';

export const rootSchema = (): JsonSchema => scenarioJsonSchema() as JsonSchema;

/** Numbers that have broken things before or sit on a representation edge. */
const EDGE_NUMBERS = [0, -0, -1, 1e-9, 1e-6, 0.5, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32, 2 ** 53, 1e7, 1e12, 1e308, -1e308];
/** Values of the wrong kind for most fields; YAML-special words are strings here and parse as something else in --set. */
const WRONG_KIND: unknown[] = ['', 'x', 'NaN', '.nan', '.inf', '-.inf', '~', '0x10', '1_000', '1e3', true, null, [], {}, [1, 2, 3], { a: 1 }];

const branches = (s: JsonSchema) => s.anyOf ?? s.oneOf;
const types = (s: JsonSchema) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

function numberBounds(s: JsonSchema): { lo: number; hi: number; integer: boolean } {
  const integer = types(s).includes('integer');
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-3) : -10);
  const def = typeof s.default === 'number' ? s.default : Math.max(lo, 1);
  // Plausible values stay within a few times the default: large enough to
  // move the model, small enough that a run normally ends in seconds.
  const typicalHi = Math.max(def * 3, lo + 10);
  const hi = Math.min(s.maximum ?? typicalHi, typicalHi, s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1e-3 : Infinity);
  return { lo, hi: Math.max(hi, lo), integer };
}

function typicalNumber(s: JsonSchema): fc.Arbitrary<number> {
  const { lo, hi, integer } = numberBounds(s);
  const def = typeof s.default === 'number' ? [fc.constant(s.default)] : [];
  if (integer) return fc.oneof(...def, fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }));
  const round = fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  return fc.oneof(
    ...def,
    round,
    fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 1000) / 1000),
  );
}

function edgeNumber(s: JsonSchema): fc.Arbitrary<number> {
  const own = [s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum].filter((x): x is number => x !== undefined);
  const near = own.flatMap((x) => [x, x - 1, x + 1, x + 1e-9]);
  return fc.constantFrom(...EDGE_NUMBERS, ...near);
}

const identifier = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,11}$/);

/** A value for one schema node. */
export function valueOf(s: JsonSchema, mode: FuzzMode, depth = 0): fc.Arbitrary<unknown> {
  const typical = typicalValue(s, mode, depth);
  const edge = edgeValue(s);
  const wrong = fc.constantFrom(...WRONG_KIND);
  if (mode === 'valid') return typical;
  return mode === 'plausible'
    ? fc.oneof({ arbitrary: typical, weight: 17 }, { arbitrary: edge, weight: 2 }, { arbitrary: wrong, weight: 1 })
    : fc.oneof({ arbitrary: typical, weight: 2 }, { arbitrary: edge, weight: 1 }, { arbitrary: wrong, weight: 1 });
}

function edgeValue(s: JsonSchema): fc.Arbitrary<unknown> {
  const t = types(s);
  if (t.includes('number') || t.includes('integer')) return edgeNumber(s);
  if (t.includes('string')) return fc.constantFrom('', ' ', '../../etc/passwd', '/dev/zero', 'a'.repeat(300), 'é', '6.18', '-1');
  return fc.constantFrom(...EDGE_NUMBERS);
}

function typicalValue(s: JsonSchema, mode: FuzzMode, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = branches(s);
  if (alts) return fc.oneof(...alts.map((b) => typicalValue(b, mode, depth)));
  const t = types(s);
  if (t.includes('object')) return objectOf(s, mode, depth + 1);
  if (t.includes('array')) return arrayOf(s, mode, depth + 1);
  if (t.includes('integer') || t.includes('number')) return typicalNumber(s);
  if (t.includes('boolean')) return fc.boolean();
  if (t.includes('string')) {
    const any = s.pattern ? fc.oneof(identifier, fc.stringMatching(new RegExp(s.pattern))) : identifier;
    // A string with a default is usually a name (a calibration file): mostly keep it, so runs get past it.
    return typeof s.default === 'string' ? fc.oneof({ arbitrary: fc.constant(s.default), weight: 4 }, { arbitrary: any, weight: 1 }) : any;
  }
  return fc.constant(null);
}

function arrayOf(s: JsonSchema, mode: FuzzMode, depth: number): fc.Arbitrary<unknown[]> {
  const tuple = s.prefixItems ?? (Array.isArray(s.items) ? s.items : undefined);
  if (tuple) {
    // A [min, max] pair is mostly given in order, as a user would.
    return fc.tuple(...tuple.map((item) => valueOf(item, mode, depth))).map((xs) => (mode !== 'wild' && xs.every((x) => typeof x === 'number') ? [...(xs as number[])].sort((a, b) => a - b) : xs));
  }
  const item = s.items as JsonSchema | undefined;
  const minLength = s.minItems ?? 0;
  return fc.array(item ? valueOf(item, mode, depth) : fc.jsonValue({ maxDepth: 1 }), { minLength: mode === 'wild' ? 0 : minLength, maxLength: Math.min(s.maxItems ?? 4, 4) });
}

/** A map with a random subset of the known fields (required ones mostly present) and, when wild, an unknown one. */
export function objectOf(s: JsonSchema, mode: FuzzMode, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(props)) fields[key] = depth > 6 ? fc.constant(sub.default ?? null) : valueOf(sub, mode, depth);
  const optionalKeys = Object.keys(props).filter((k) => !(mode !== 'wild' && required.has(k)));
  const base = fc.record(fields, { requiredKeys: Object.keys(props).filter((k) => !optionalKeys.includes(k)) });
  if (mode !== 'wild') return base;
  return fc.tuple(base, fc.option(fc.tuple(identifier, fc.jsonValue({ maxDepth: 1 })), { freq: 6 })).map(([rec, extra]) => (extra ? { ...rec, [extra[0]]: extra[1] } : rec));
}

/** A leaf path into the schema, with its schema node: `apps.count`, `platform.cpus.0.count`. */
export interface FieldPath {
  path: string;
  schema: JsonSchema;
  /** Goes through a list element or one branch of a union (the map form of `platform`): set alone, it leaves required siblings missing. */
  partial: boolean;
}

/** Every settable leaf path; array items appear with index `#`, to be replaced by an index. */
export function leafPaths(s: JsonSchema = rootSchema()): FieldPath[] {
  const out: FieldPath[] = [];
  const visit = (node: JsonSchema, path: string, partial: boolean) => {
    const alts = branches(node);
    let isContainer = false;
    for (const n of alts ?? [node]) {
      const inner = partial || alts !== undefined;
      if (n.properties) {
        isContainer = true;
        for (const [k, sub] of Object.entries(n.properties)) visit(sub, path ? `${path}.${k}` : k, inner);
      }
      const tuple = n.prefixItems ?? (Array.isArray(n.items) ? n.items : undefined);
      if (tuple) tuple.forEach((item, i) => visit(item, `${path}.${i}`, true));
      else if (n.items && !Array.isArray(n.items)) {
        isContainer = true;
        visit(n.items, `${path}.#`, true);
      }
    }
    // A field that is also a scalar (platform name, anon_mib number) is settable whole.
    if (!isContainer || (alts && alts.some((a) => !a.properties && !a.items))) out.push({ path, schema: node, partial });
  };
  visit(s, '', false);
  return out;
}

/**
 * Cross-field rules the JSON Schema cannot state (zod superRefine in
 * src/scenario/schema.ts): fields that must be in non-decreasing order.
 * Valid documents are put in order so they test the model, not these checks.
 */
const ORDERED_FIELDS: [string, string[]][] = [
  ['memory', ['watermark_min_mib', 'watermark_low_mib', 'watermark_high_mib']],
  ['apps', ['oom_score_adj_min', 'oom_score_adj_max']],
];

export function orderFields(doc: Record<string, unknown>, schema: JsonSchema = rootSchema()): Record<string, unknown> {
  for (const [section, keys] of ORDERED_FIELDS) {
    const m = doc[section];
    if (typeof m !== 'object' || m === null || !keys.some((k) => k in m)) continue;
    const map = m as Record<string, unknown>;
    // A field left out takes its default, which must be in order too.
    const defaults = schema.properties?.[section]?.properties ?? {};
    const values = keys.map((k) => (typeof map[k] === 'number' ? (map[k] as number) : (defaults[k]?.default as number)));
    if (values.some((v) => typeof v !== 'number')) continue;
    values.sort((a, b) => a - b);
    keys.forEach((k, i) => (map[k] = values[i]));
  }
  return doc;
}

/** Array indices: mostly small, sometimes ones that would make a huge or sparse array. */
const arrayIndex = (mode: FuzzMode) => (mode !== 'wild' ? fc.integer({ min: 0, max: 2 }) : fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(7, 99, 100_000, 2 ** 31, 2 ** 32 - 2, 2 ** 53)));

/** Text of a --set value as a user would type it: YAML flow for lists and maps. */
export function setValueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return JSON.stringify(v) ?? 'null';
}

/** A `--set path=value` argument built from the schema; when wild, also malformed ones. */
export function setArgument(mode: FuzzMode, paths: FieldPath[] = leafPaths()): fc.Arbitrary<string> {
  // Inside a list element a lone field leaves the element's required fields
  // missing: a certain rejection, so plausible overrides set whole lists and maps instead.
  const usable = mode === 'wild' ? paths : paths.filter((p) => !p.partial);
  const good = fc.tuple(fc.constantFrom(...usable), arrayIndex(mode)).chain(([p, index]) => valueOf(p.schema, mode).map((v) => `${p.path.replace(/#/g, String(index))}=${setValueText(v)}`));
  if (mode !== 'wild') return good;
  const malformed = fc.oneof(
    fc.constantFrom('apps.count', '=1', 'apps..count=1', 'nope=1', 'apps.nope=1', 'kernel=1', 'platform.cpus.x.count=1', ' = '),
    fc.tuple(fc.constantFrom(...paths), fc.string({ maxLength: 12 })).map(([p, v]) => `${p.path.replace(/#/g, '0')}=${v}`),
  );
  return fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: malformed, weight: 1 });
}
