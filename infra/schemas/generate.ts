// `npm run schemas`: writes infra/schemas/<topic>.schema.json from the zod contracts.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas, jsonSchemaFileName } from '../../shared/contracts/json-schema.ts';

const dir = dirname(fileURLToPath(import.meta.url));
for (const [topic, schema] of Object.entries(eventJsonSchemas())) {
  const file = join(dir, jsonSchemaFileName(topic));
  writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
