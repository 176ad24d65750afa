// Load a scenario: find the file, parse YAML, apply --set, validate, and turn
// any failure into one ScenarioError that points at the offending line:column.
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve, isAbsolute } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ScenarioError, SET_SOURCE } from './errors.js';
import { didYouMean } from './nearest-name.js';
import { MAX_SCENARIO_BYTES, MAX_YAML_ALIASES, MAX_YAML_NODES } from './limits.js';
import { ScenarioSchema, type Scenario } from './schema.js';
import { applySets, knownFields } from './set.js';
import { preflight } from './preflight.js';

import { projectRoot } from '../project-root.js';

export { projectRoot };

export function shippedScenarioDir(): string {
  return join(projectRoot(), 'scenarios');
}

function shippedNames(): string[] {
  return readdirSync(shippedScenarioDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Shipped scenarios with their `description` (empty if a file does not parse). */
export function listShippedScenarios(): { name: string; description: string }[] {
  return shippedNames().map((name) => {
    let description = '';
    try {
      const js = parseDocument(readCapped(join(shippedScenarioDir(), `${name}.yaml`)), YAML_OPTIONS).toJS({ maxAliasCount: MAX_YAML_ALIASES });
      if (typeof js?.description === 'string') description = js.description;
    } catch {
      // Listing must not fail because one file is broken; loading it will say why.
    }
    return { name, description };
  });
}

/** How to show a path: relative to the cwd when inside it, else absolute. */
function label(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** A bare name (`camera-launch`) is a shipped scenario unless a file of that name exists. */
function resolveScenarioFile(nameOrPath: string): { abs: string; label: string } {
  const asPath = resolve(nameOrPath);
  const bare = !/[\\/]/.test(nameOrPath) && extname(nameOrPath) === '';
  if (bare && !(existsSync(asPath) && statSync(asPath).isFile())) {
    const abs = join(shippedScenarioDir(), `${nameOrPath}.yaml`);
    if (!existsSync(abs)) {
      throw new ScenarioError(nameOrPath, `no such file or shipped scenario${didYouMean(nameOrPath, shippedNames())} (shipped: ${shippedNames().join(', ')})`);
    }
    return { abs, label: label(abs) };
  }
  return { abs: asPath, label: label(asPath) };
}

/**
 * Load a shipped scenario by name, or a scenario file by path, apply
 * `--set path=value` overrides and validate. Throws ScenarioError.
 */
export function loadScenario(nameOrPath: string, sets: string[] = []): Scenario {
  const file = resolveScenarioFile(nameOrPath);
  let text: string;
  try {
    text = readCapped(file.abs);
  } catch (e) {
    if (e instanceof TooLargeError) throw new ScenarioError(file.label, e.message);
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(file.label, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`);
  }
  return scenarioFromText(text, file.label, sets);
}

class TooLargeError extends Error {}

/**
 * Read at most MAX_SCENARIO_BYTES: a scenario is a few KB, and `/dev/zero`
 * or a huge file must fail at once rather than fill memory.
 */
function readCapped(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > MAX_SCENARIO_BYTES) throw new TooLargeError(`larger than ${MAX_SCENARIO_BYTES / 1024} KiB; a scenario file is a few KB`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

// uniqueKeys is checked by firstDuplicateKey below: the yaml package's own check is quadratic (40k keys: 15 s).
const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

type Pos = { line: number; column: number };

/** Parse and validate scenario YAML; `fileLabel` names it in errors and gives the default `name`. */
export function scenarioFromText(text: string, fileLabel: string, sets: string[] = []): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError(fileLabel, `larger than ${MAX_SCENARIO_BYTES / 1024} KiB; a scenario file is a few KB`);
  // Counting lines is linear and cheap; it turns away a generated file before the parser spends time on it.
  let lineCount = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lineCount <= MAX_YAML_NODES; i = text.indexOf('\n', i + 1)) lineCount++;
  if (lineCount > MAX_YAML_NODES) throw new ScenarioError(fileLabel, `more than ${MAX_YAML_NODES} lines; a scenario file is a few dozen`);
  // Likewise every key has a colon and every flow item a comma: a one-line map of 40k keys parses for seconds.
  let separators = 0;
  for (let i = 0; i < text.length && separators <= MAX_YAML_NODES; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 /* : */ || c === 44 /* , */) separators++;
  }
  if (separators > MAX_YAML_NODES) throw new ScenarioError(fileLabel, `more than ${MAX_YAML_NODES} keys or list items; a scenario has a few dozen`);
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  const posOf = (offset: number): Pos => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const yamlError = doc.errors[0];
  if (yamlError) {
    // The message has no location when prettyErrors is off; keep its first line only.
    throw new ScenarioError(fileLabel, yamlError.message.split('\n')[0]!, posOf(yamlError.pos[0]));
  }
  const tooBig = firstProblemNode(doc);
  if (tooBig) throw new ScenarioError(fileLabel, tooBig.message, tooBig.node.range ? posOf(tooBig.node.range[0]) : {});

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
  } catch (e) {
    // The yaml package throws a ReferenceError for an alias bomb ("excessive alias count").
    throw new ScenarioError(fileLabel, `too many YAML aliases (at most ${MAX_YAML_ALIASES}): ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const at = doc.contents?.range ? posOf(doc.contents.range[0]) : { line: 1, column: 1 };
    throw new ScenarioError(fileLabel, 'expected a map of scenario fields at the top level', at);
  }
  const data = raw as Record<string, unknown>;
  const setPaths = applySets(data, sets);
  if (data['name'] === undefined) data['name'] = basename(fileLabel, extname(fileLabel));

  // jitless: zod would generate and compile a parser for each object schema (~6 ms of a CLI start) to parse one file once.
  const result = ScenarioSchema.safeParse(data, { reportInput: true, jitless: true });
  let problem: Problem;
  if (result.success) {
    // What building and running it needs (calibration, swap, RAM): the same checks run makes.
    const unrunnable = preflight(result.data);
    if (!unrunnable) return result.data;
    problem = unrunnable;
  } else {
    problem = explain(result.error.issues[0]!);
  }
  const fromSet = setSourceOf(problem.path, setPaths, doc);
  if (fromSet) {
    // Name the --set that caused it; add the field path when it is not the one set.
    const detail = startsWith(problem.path, fromSet) ? problem.path.slice(fromSet.length).join('.') : problem.path.join('.');
    throw new ScenarioError(SET_SOURCE, detail ? `${detail}: ${problem.message}` : problem.message, {
      path: fromSet.join('.'),
    });
  }
  const node = locate(doc, problem.path, problem.unknownKey !== undefined);
  const at = node?.range ? posOf(node.range[0]) : { line: 1, column: 1 };
  throw new ScenarioError(fileLabel, problem.message, { ...at, path: problem.path.join('.') });
}

/**
 * A duplicate key (YAML forbids them; the parser's own check is turned off for
 * speed), or the node past MAX_YAML_NODES.
 */
function firstProblemNode(doc: Document): { node: Node; message: string } | undefined {
  let nodes = 0;
  let found: { node: Node; message: string } | undefined;
  visit(doc, (_key, node) => {
    if (++nodes > MAX_YAML_NODES) {
      found = { node: node as Node, message: `more than ${MAX_YAML_NODES} YAML nodes; a scenario has a few dozen` };
      return visit.BREAK;
    }
    if (!isMap(node)) return undefined;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (seen.has(k)) {
        found = { node: pair.key as Node, message: `duplicate key ${JSON.stringify(String(k))}: map keys must be unique` };
        return visit.BREAK;
      }
      seen.add(k);
    }
    return undefined;
  });
  return found;
}

const startsWith = (path: readonly (string | number)[], prefix: readonly string[]) => prefix.length <= path.length && prefix.every((seg, i) => seg === String(path[i]));

/**
 * The --set an issue comes from: one that set the field or a parent of it, or
 * one that created the map the issue is about (e.g. `--set platform.ram_mib=1`
 * on a file without a platform map: the missing `platform.cpus` is its doing).
 */
function setSourceOf(path: (string | number)[], setPaths: string[][], doc: Document): string[] | undefined {
  const direct = setPaths.find((s) => startsWith(path, s));
  if (direct) return direct;
  const parent = path.slice(0, -1);
  if (isMap(doc.getIn(parent, true))) return undefined;
  return setPaths.find((s) => s.length > parent.length && startsWith(s, parent.map(String)));
}

/**
 * The YAML node for a path, or its deepest existing ancestor (a missing key
 * points at the map that should hold it). `atKey`: point at the last key
 * itself rather than its value (for an unknown field).
 */
function locate(doc: Document, path: (string | number)[], atKey: boolean): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = String(path[i]);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      node = atKey && i === path.length - 1 ? pair.key : (pair.value ?? pair.key);
    } else if (isSeq(node) && /^\d+$/.test(seg) && node.items[Number(seg)]) {
      node = node.items[Number(seg)];
    } else {
      break;
    }
  }
  return node as Node | undefined;
}

interface Problem {
  path: (string | number)[];
  message: string;
  unknownKey?: string;
}

type Issue = z.core.$ZodIssue;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v;
}

const EXPECTED: Record<string, string> = { int: 'integer', object: 'map', array: 'list', tuple: 'list' };

/** A branch of a union fails on type alone when its first issue is at the union itself and about the kind of value. */
function typeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_value' && !issue.values.some((v) => typeof v === typeof issue.input);
}

function expectedOf(issue: Issue): string {
  if (issue.code === 'invalid_type') return EXPECTED[issue.expected] ?? issue.expected;
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return 'something else';
}

/** Turn a zod issue into a path and one short sentence. */
function explain(issue: Issue): Problem {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  switch (issue.code) {
    case 'invalid_union': {
      // Report the branch that matched the value's kind (e.g. the map form of
      // `platform` for a map), else say which kinds are accepted.
      const branches = issue.errors.filter((b) => b.length > 0);
      const fitting = branches.filter((b) => !typeMismatch(b[0]!));
      fitting.sort((a, b) => b[0]!.path.length - a[0]!.path.length);
      if (fitting[0]) {
        const inner = explain(fitting[0][0]!);
        return { ...inner, path: [...path, ...inner.path] };
      }
      const kinds = branches.map((b) => expectedOf(b[0]!));
      const input = branches[0]?.[0]?.input;
      return { path, message: `expected ${kinds.join(' or ')}, received ${typeName(input)}` };
    }
    case 'invalid_type':
      return {
        path,
        message:
          issue.input === undefined
            ? `required field is missing`
            : issue.expected === 'int' && typeof issue.input === 'number'
              ? `expected integer, got ${issue.input}`
              : `expected ${EXPECTED[issue.expected] ?? issue.expected}, received ${typeName(issue.input)}`,
      };
    case 'unrecognized_keys': {
      const key = issue.keys[0]!;
      return {
        path: [...path, key],
        unknownKey: key,
        message: `unknown field${didYouMean(key, knownFields(path))} (known: ${knownFields(path).join(', ')})`,
      };
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'array') {
        return { path, message: `expected ${op} ${String(bound)} items, got ${(issue.input as unknown[]).length}` };
      }
      if (issue.origin === 'string') return { path, message: `expected length ${op} ${String(bound)}` };
      return { path, message: `must be ${op} ${String(bound)}, got ${JSON.stringify(issue.input)}` };
    }
    case 'invalid_value':
      // Enums with their own message (platform, kernel version) keep it.
      return {
        path,
        message: issue.message.startsWith('Invalid option') ? `expected ${expectedOf(issue)}, got ${JSON.stringify(issue.input)}` : issue.message,
      };
    default:
      return { path, message: issue.message };
  }
}
