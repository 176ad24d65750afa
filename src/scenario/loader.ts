// Load a scenario: find the file, parse YAML, apply --set, validate, and turn
// any failure into one ScenarioError that points at the offending line:column.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ScenarioError, SET_SOURCE } from './errors.js';
import { didYouMean } from './nearest-name.js';
import { ScenarioSchema, type Scenario } from './schema.js';
import { applySets, knownFields } from './set.js';

/** The project root: the first ancestor of this module with package.json and scenarios/ (works from src/ and dist/src/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`swaplab: cannot find the project root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

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
      const js = parseDocument(readFileSync(join(shippedScenarioDir(), `${name}.yaml`), 'utf8')).toJS();
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
      throw new ScenarioError(
        nameOrPath,
        `no such file or shipped scenario${didYouMean(nameOrPath, shippedNames())} (shipped: ${shippedNames().join(', ')})`,
      );
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
    text = readFileSync(file.abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(file.label, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`);
  }
  return scenarioFromText(text, file.label, sets);
}

type Pos = { line: number; column: number };

/** Parse and validate scenario YAML; `fileLabel` names it in errors and gives the default `name`. */
export function scenarioFromText(text: string, fileLabel: string, sets: string[] = []): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const posOf = (offset: number): Pos => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const yamlError = doc.errors[0];
  if (yamlError) {
    // The message has no location when prettyErrors is off; keep its first line only.
    throw new ScenarioError(fileLabel, yamlError.message.split('\n')[0]!, posOf(yamlError.pos[0]));
  }

  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const at = doc.contents?.range ? posOf(doc.contents.range[0]) : { line: 1, column: 1 };
    throw new ScenarioError(fileLabel, 'expected a map of scenario fields at the top level', at);
  }
  const data = raw as Record<string, unknown>;
  const setPaths = applySets(data, sets);
  if (data['name'] === undefined) data['name'] = basename(fileLabel, extname(fileLabel));

  const result = ScenarioSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;

  const problem = explain(result.error.issues[0]!);
  const fromSet = setSourceOf(problem.path, setPaths, doc);
  if (fromSet) {
    // Name the --set that caused it; add the field path when it is not the one set.
    const detail = startsWith(problem.path, fromSet)
      ? problem.path.slice(fromSet.length).join('.')
      : problem.path.join('.');
    throw new ScenarioError(SET_SOURCE, detail ? `${detail}: ${problem.message}` : problem.message, {
      path: fromSet.join('.'),
    });
  }
  const node = locate(doc, problem.path, problem.unknownKey !== undefined);
  const at = node?.range ? posOf(node.range[0]) : { line: 1, column: 1 };
  throw new ScenarioError(fileLabel, problem.message, { ...at, path: problem.path.join('.') });
}

const startsWith = (path: readonly (string | number)[], prefix: readonly string[]) =>
  prefix.length <= path.length && prefix.every((seg, i) => seg === String(path[i]));

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
        message: issue.message.startsWith('Invalid option')
          ? `expected ${expectedOf(issue)}, got ${JSON.stringify(issue.input)}`
          : issue.message,
      };
    default:
      return { path, message: issue.message };
  }
}

