import { z } from 'zod';
import { EVENT_SCHEMAS } from './events.ts';

/**
 * JSON Schemas of the event contracts, for clients in other languages and for checking
 * what is on the wire with independent tools. Generated from the zod schemas, so the two never disagree.
 */
export function eventJsonSchemas(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [topic, schema] of Object.entries(EVENT_SCHEMAS)) {
    out[topic] = {
      $id: `https://oilwire.dev/schemas/${topic}.json`,
      title: `${topic} event`,
      ...z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }),
    };
  }
  return out;
}

export function jsonSchemaFileName(topic: string): string {
  return `${topic}.schema.json`;
}
