// The fuzzer's inputs: scenario documents and --set lists generated from the
// schema (schema-arbitraries.ts), plus YAML-level oddities, drawn with a fixed
// seed so a soak is repeatable input for input.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { POLICY_NAMES } from '../src/scenario/schema.js';
import type { ScenarioSource } from './job.js';
import { leafPaths, objectOf, orderFields, rootSchema, setArgument } from './schema-arbitraries.js';

export interface FuzzInput extends ScenarioSource {
  sets: string[];
  policy?: string;
  seed?: number;
}

/** Shipped scenarios a run-fuzz input may start from (server-exit needs 1.4 GB and seconds per run even shrunk). */
const RUN_BASES = ['exit-one', 'munmap-concurrent', 'quiet', 'camera-launch'];
const CHECK_BASES = [...RUN_BASES, 'server-exit'];

const yamlOf = (doc: unknown) => stringify(doc, { lineWidth: 0 });

/** YAML a scenario parser must survive: alias bombs, truncation, odd tags, deep nesting, garbage. */
function yamlOddity(): fc.Arbitrary<string> {
  const aliasBomb = fc.integer({ min: 2, max: 9 }).map((levels) => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < levels; i++)
      lines.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    return `${lines.join('\n')}\nname: bomb\n`;
  });
  const nested = fc.integer({ min: 10, max: 5000 }).map((depth) => `apps: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
  const tags = fc.constantFrom('duration_ms: !!binary aGVsbG8=\n', 'apps: !!set {a, b}\n', 'seed: !!float 1\n', '--- a\n--- b\n', 'name: x\nname: y\n', '? [a, b]\n: 1\n', '"\\u0000": 1\n');
  const garbage = fc.string({ maxLength: 200, unit: 'binary' });
  return fc.oneof(aliasBomb, nested, tags, garbage);
}

/** A generated document, sometimes cut short or with a byte changed (parser robustness). */
function mutatedDocument(): fc.Arbitrary<string> {
  return fc.tuple(objectOf(rootSchema(), 'wild').map(yamlOf), fc.nat(), fc.option(fc.string({ minLength: 1, maxLength: 2 }), { freq: 3 }), fc.boolean()).map(([text, at, insert, cut]) => {
    const i = text.length ? at % text.length : 0;
    if (insert) return text.slice(0, i) + insert + text.slice(i);
    return cut ? text.slice(0, i) : text;
  });
}

/** Inputs for `check`: in-schema, boundary and wrong values, malformed --set, odd YAML. */
export function checkInputs(count: number, seed: number): FuzzInput[] {
  const paths = leafPaths();
  const sets = fc.array(setArgument('wild', paths), { maxLength: 4 });
  const onShipped = fc.record({ name: fc.constantFrom(...CHECK_BASES), sets });
  const generated = fc.record({ text: objectOf(rootSchema(), 'wild').map(yamlOf), sets: fc.array(setArgument('wild', paths), { maxLength: 2 }) });
  const odd = fc.record({ text: fc.oneof(yamlOddity(), mutatedDocument()), sets: fc.constant([] as string[]) });
  const input = fc.oneof({ arbitrary: onShipped, weight: 5 }, { arbitrary: generated, weight: 4 }, { arbitrary: odd, weight: 1 });
  return fc.sample(input, { seed, numRuns: count }) as FuzzInput[];
}

/** Inputs for `run`: a shipped scenario with a few plausible overrides, or a plausible generated document. */
export function runInputs(count: number, seed: number): FuzzInput[] {
  const paths = leafPaths();
  const policy = fc.constantFrom(...POLICY_NAMES);
  const runSeed = fc.integer({ min: 0, max: 10_000 });
  const onShipped = fc.record({ name: fc.constantFrom(...RUN_BASES), sets: fc.array(setArgument('plausible', paths), { minLength: 1, maxLength: 3 }), policy, seed: runSeed });
  const generated = fc.record({ text: objectOf(rootSchema(), 'valid').map((doc) => yamlOf(orderFields(doc))), sets: fc.constant([] as string[]), policy, seed: runSeed });
  const input = fc.oneof({ arbitrary: onShipped, weight: 3 }, { arbitrary: generated, weight: 1 });
  return fc.sample(input, { seed, numRuns: count }) as FuzzInput[];
}
