/**
 * Pieces of the routes' `schema` options, which are the only source of `GET /openapi.json`
 * (routes/openapi.ts adds nothing per route). Bodies are written in zod where a contract exists
 * and turned into JSON Schema by zod itself.
 *
 * Two rules keep a schema from changing what a route does:
 * - response schemas describe and never serialize: app.ts sets a serializer compiler that is
 *   `JSON.stringify` (fast-json-stringify would drop every field a schema does not list);
 * - a route whose handler parses its own request (its own messages, case-insensitive values, a
 *   query in any body type) takes `DOCUMENTED_ONLY`: its request schema is never run as a validator.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../../../shared/errors.ts';
import { streamEventJsonSchemaInline } from '../payload-schemas.ts';

/** A zod schema as the JSON Schema fastify and @fastify/swagger read (OpenAPI 3.1 takes draft 2020-12; no `$schema` inside a document). */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
  return rest;
}

/** Route option: the request schema documents what the handler accepts, the handler alone decides (see above). */
export const DOCUMENTED_ONLY = { validatorCompiler: () => () => true } as const;

/** A refusal, as routes/errors.ts `sendError` writes every one. */
export const errorBody = jsonSchema(
  z.object({
    error: z.enum(Object.keys(ERROR_CODES) as [string, ...string[]]).describe('stable code (docs/errors.md)'),
    message: z.string(),
    retryable: z.boolean().describe('whether the same request may succeed later'),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
);

/** Error answers of a route: the guard, auth and rate limits can refuse any protected route; `extra` adds the route's own. */
export function errors(extra: Record<string, string> = {}): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [code, description] of Object.entries({ '4xx': 'refused: bad input, no or wrong token, rate limited, wrong Host or Origin', ...extra, '5xx': 'failed on our side' })) {
    out[code] = { description, ...errorBody };
  }
  return out;
}

/** One `/stream` event as a client decodes it (infra/schemas/stream.event.schema.json, with the topic events inlined). */
export const streamEventSchema = streamEventJsonSchemaInline();
