// JSON Schema of scenario files, for editors (yaml-language-server reads the
// `# yaml-language-server: $schema=./scenario.schema.json` line of each file).
// Run `node dist/src/scenario/export-json-schema.js` (or `npx tsx` on this file)
// to regenerate scenarios/scenario.schema.json after changing the schema.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { projectRoot } from './loader.js';
import { ScenarioSchema } from './schema.js';

/** The scenario file schema. io 'input': fields with defaults are optional, as in the files. */
export function scenarioJsonSchema(): Record<string, unknown> {
  // draft-07: the draft yaml-language-server supports best.
  const { $schema, ...rest } = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-7' });
  return { $schema, title: 'swaplab scenario', ...rest };
}

/** Write scenarios/scenario.schema.json; returns its path. */
export function writeScenarioJsonSchema(file = join(projectRoot(), 'scenarios', 'scenario.schema.json')): string {
  writeFileSync(file, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return file;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`wrote ${writeScenarioJsonSchema()}`);
}
