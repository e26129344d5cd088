import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { eventJsonSchemas, jsonSchemaFileName } from '../../../../shared/contracts/json-schema.ts';
import { TOPICS } from '../../../../shared/contracts/events.ts';

const committed = (topic: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../../infra/schemas/${jsonSchemaFileName(topic)}`, import.meta.url)), 'utf8'));

const tick = { schema: 'prices.ticks/v1', symbol: 'BRENT', ts: '2026-06-01T10:00:00.000Z', price: 80.5, size: null, source: 'x', seq: 0 };

describe('JSON Schemas exported from the zod contracts', () => {
  it('are committed in infra/schemas exactly as generated (run `npm run schemas` after changing a contract)', () => {
    for (const [topic, schema] of Object.entries(eventJsonSchemas())) expect(committed(topic), topic).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it('accept a valid event and reject invalid ones, like the zod schemas', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(committed(TOPICS.pricesTicks));
    expect(validate(tick)).toBe(true);
    expect(validate({ ...tick, price: -1 })).toBe(false);
    expect(validate({ ...tick, seq: 1.5 })).toBe(false);
    expect(validate({ ...tick, ts: 'yesterday' })).toBe(false);
    const { symbol: _symbol, ...noSymbol } = tick;
    expect(validate(noSymbol)).toBe(false);
  });
});
