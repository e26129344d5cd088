/**
 * infra/schemas/ holds exactly what `npm run schemas` writes: the topic events from the contracts,
 * the webhook body and the /stream events from the API's zod schemas and its alert-kind registry.
 * A contract or an alert kind changed without running the generator fails here (that every registered
 * kind's alerts fit the generated schemas is checked by test/unit/services/api/domain/alert-kinds/conformance.test.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedSchemas, SCHEMAS_DIR } from '../../../../infra/schemas/generate.ts';
import { jsonSchemaFileName } from '../../../../shared/contracts/json-schema.ts';

const generated = publishedSchemas();
const committed = (name: string) => JSON.parse(readFileSync(join(SCHEMAS_DIR, jsonSchemaFileName(name)), 'utf8')) as Record<string, unknown>;

describe('infra/schemas', () => {
  it('holds one file per generated schema and nothing written by hand', () => {
    const files = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(generated).map(jsonSchemaFileName).sort());
  });

  it.each(Object.keys(generated))('%s is committed exactly as generated (run `npm run schemas`)', (name) => {
    expect(committed(name)).toEqual(JSON.parse(JSON.stringify(generated[name])));
    expect(committed(name).$id).toBe(`https://oilwire.dev/schemas/${name}.json`);
  });
});
