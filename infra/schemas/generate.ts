// `npm run schemas`: writes infra/schemas/<name>.schema.json, the topic events from the zod contracts and
// the API's payloads (webhook body, /stream events) from its zod schemas and the alert-kind registry.
// test/unit/infra/schemas/generate.test.ts fails while a committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { payloadJsonSchemas } from '../../services/api/index.ts';
import { eventJsonSchemas, jsonSchemaFileName } from '../../shared/contracts/json-schema.ts';

/** Every published schema by name: what this script writes, and all infra/schemas/ should hold. */
export function publishedSchemas(): Record<string, object> {
  return { ...eventJsonSchemas(), ...payloadJsonSchemas() };
}

export const SCHEMAS_DIR = dirname(fileURLToPath(import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, schema] of Object.entries(publishedSchemas())) {
    const file = join(SCHEMAS_DIR, jsonSchemaFileName(name));
    writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
    console.log(`wrote ${file}`);
  }
}
