/**
 * Decoding of the events the stream serves (`news.scored`, `news.impact`): the same verdict and
 * the same bytes as `decodeMessage` with the contract's zod schema followed by `JSON.stringify`,
 * at a fraction of zod's cost. The live feed runs it on every event of the busiest topics it
 * serves, and zod was the largest share of its time (issue 16).
 *
 * The fast path is ajv, compiled from the contract's own JSON Schema (`z.toJSONSchema`, the one
 * published in `infra/schemas/`), with the options that make it behave as zod does here: string
 * lengths in code points, zod's own date-time regex (the schema's `pattern`; `format` is not
 * checked a second time), no infinite numbers, defaults filled in and unknown keys dropped in
 * place. When it accepts, the text is written by fast-json-stringify compiled from the same schema:
 * it writes the schema's properties in the schema's order, which is the order zod writes its output
 * in, and each value as `JSON.stringify` does, so the text is byte for byte what `JSON.stringify` of
 * zod's output gives, without walking the object to put it in order first (0.6x the CPU of
 * `JSON.stringify` on a scored event; a copy of every impact, whose producer writes keys in another
 * order, is saved too). A refusal goes to zod from the message's bytes, so a refusal and its reason
 * are always zod's. `test/unit/services/api/stream/stream-decoder.test.ts` holds the two paths to the
 * same verdict and bytes over generated and hostile messages, and requires ajv to accept everything
 * zod accepts there.
 *
 * What is streamed is always that re-serialisation, never the producer's bytes: whitespace with a
 * raw newline would split the SSE frame, and duplicate keys or unknown ones would be left to
 * each client's parser to decide.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fastJson from 'fast-json-stringify';
import { z } from 'zod';
import { decodeMessage } from '../../../shared/bus/typed.ts';

export type StreamDecodeResult<T> = { ok: true; event: T; data: string } | { ok: false; error: string };

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[]; type?: string | string[]; [keyword: string]: unknown };

/** Whether a schema holds an object anywhere (its own properties, or in its items). */
function holdsObject(schema: JsonSchema): boolean {
  return schema.properties !== undefined || (schema.items !== undefined && holdsObject(schema.items));
}

/**
 * The schema fast-json-stringify is compiled from: the validation schema without what only validates. A string's
 * `format` would make it a date-time writer and its `pattern` would be compiled again by the serializer's own ajv
 * (with the `u` flag zod does not use); neither changes how an accepted value is written. Every property is left
 * optional (written when present, as `JSON.stringify` does): ajv has checked the required ones are there.
 */
function writerSchema(schema: JsonSchema): JsonSchema {
  for (const alternatives of [schema.anyOf, schema.oneOf, schema.allOf]) {
    // fast-json-stringify picks an alternative by validating the value against each, with ajv options of its own: no
    // contract has a nullable or alternative object today, and one added later must be handled here, not written unchecked.
    if (alternatives?.some(holdsObject)) throw new Error('stream decoder: an object inside anyOf/oneOf/allOf is not supported');
  }
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    // `required` too: fast-json-stringify writes required properties before the others, and zod writes its shape's order.
    if (keyword === '$schema' || keyword === 'format' || keyword === 'pattern' || keyword === 'description' || keyword === 'required') continue;
    if (keyword === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, writerSchema(v)]));
    else if (keyword === 'items') out.items = writerSchema(value as JsonSchema);
    else if (keyword === 'anyOf' || keyword === 'oneOf' || keyword === 'allOf') out[keyword] = (value as JsonSchema[]).map(writerSchema);
    else out[keyword] = value;
  }
  return out;
}

/** How many messages took the fast path and how many went to zod (the tests' proof that the fast path is the one measured). */
export interface StreamDecoderStats {
  fast: number;
  zod: number;
}

interface Compiled {
  validate: (value: unknown) => boolean;
  write: (value: unknown) => string;
}

/** Compiled once per schema and process: two compiles cost a few hundred ms of CPU, and tests start the API many times. */
const compiled = new WeakMap<z.ZodType, Compiled>();

function compile(schema: z.ZodType): Compiled {
  const known = compiled.get(schema);
  if (known) return known;
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const ajv = new Ajv2020({
    strict: false,
    // String lengths are counted in code points by both (zod 4.6.7, ajv by default); the date-time pattern is
    // zod's regex, run as zod runs it (without the u flag).
    unicodeRegExp: false,
    validateFormats: false,
    strictNumbers: true,
    useDefaults: true,
    removeAdditional: 'all',
    allErrors: false,
    // ajv's optimising pass over the generated code made no measurable difference to validation here, and it doubles
    // the compile time (0.14-0.67 s against 0.10-0.32 s for both schemas on the loaded box).
    code: { optimize: false },
  });
  // Properties in the schema's order (zod's shape order), each written as JSON.stringify writes it; what ajv accepted
  // has every required property and no other (unknown keys are removed, defaults filled in).
  const entry = { validate: ajv.compile(json), write: fastJson(writerSchema(json) as Parameters<typeof fastJson>[0]) as (value: unknown) => string };
  compiled.set(schema, entry);
  return entry;
}

export function streamDecoder<S extends z.ZodType>(schema: S, stats: StreamDecoderStats = { fast: 0, zod: 0 }): (value: Buffer) => StreamDecodeResult<z.infer<S>> {
  const { validate, write } = compile(schema);
  return (value) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString('utf8'));
    } catch {
      stats.zod++;
      return decodeMessage(schema, value) as StreamDecodeResult<z.infer<S>>;
    }
    if (validate(parsed)) {
      stats.fast++;
      // The event keeps the producer's key order (the correlator writes impacts in another order); its text is in zod's.
      return { ok: true, event: parsed as z.infer<S>, data: write(parsed) };
    }
    stats.zod++;
    const result = decodeMessage(schema, value);
    return result.ok ? { ok: true, event: result.event, data: JSON.stringify(result.event) } : result;
  };
}
