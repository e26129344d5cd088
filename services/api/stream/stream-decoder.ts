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
 * place. When it accepts, the object is put in the schema's key order (nested ones included)
 * unless it is in it already: zod writes its output in that order, so `JSON.stringify` of it is
 * byte for byte what zod's output gives. A refusal goes to zod from the message's bytes, so a
 * refusal and its reason are always zod's. `test/unit/services/api/stream/stream-decoder.test.ts`
 * holds the two paths to the same verdict and bytes over generated and hostile messages, and
 * requires ajv to accept everything zod accepts there.
 *
 * What is streamed is always that re-serialisation, never the producer's bytes: whitespace with a
 * raw newline would split the SSE frame, and duplicate keys or unknown ones would be left to
 * each client's parser to decide.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { decodeMessage } from '../../../shared/bus/typed.ts';

export type StreamDecodeResult<T> = { ok: true; event: T; data: string } | { ok: false; error: string };

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[]; type?: string | string[]; required?: string[]; additionalProperties?: unknown; default?: unknown };

/**
 * For a value valid against a schema (unknown keys removed): whether every object in it has its keys in the schema's
 * order (`keysInOrder`: how many keys its objects hold in all, or -1 when one is out of order), and a copy that has.
 */
interface Ordering {
  keysInOrder: (value: unknown) => number;
  reorder: (value: unknown) => unknown;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The ordering of a schema's objects (the order of its `properties`, which is zod's shape order), or undefined when it holds no object. */
function ordering(schema: JsonSchema): Ordering | undefined {
  for (const alternatives of [schema.anyOf, schema.oneOf, schema.allOf]) {
    // No contract has a nullable or alternative object today; one added later must be handled here, not passed unchecked.
    if (alternatives?.some((s) => ordering(s) !== undefined)) throw new Error('stream decoder: an object inside anyOf/oneOf/allOf is not supported');
  }
  if (schema.items) {
    const item = ordering(schema.items);
    return (
      item && {
        keysInOrder: (v) => {
          if (!Array.isArray(v)) return 0;
          let keys = 0;
          for (const x of v) {
            const k = item.keysInOrder(x);
            if (k < 0) return -1;
            keys += k;
          }
          return keys;
        },
        reorder: (v) => (Array.isArray(v) ? v.map(item.reorder) : v),
      }
    );
  }
  if (!schema.properties) return undefined;
  const keys = Object.keys(schema.properties);
  const nested = new Map(
    keys.flatMap((k) => {
      const o = ordering(schema.properties![k]);
      return o ? [[k, o] as const] : [];
    }),
  );
  return {
    keysInOrder: (v) => {
      if (typeof v !== 'object' || v === null) return 0;
      let at = 0;
      let count = 0;
      for (const k in v) {
        while (at < keys.length && keys[at] !== k) at++;
        if (at === keys.length) return -1;
        at++;
        count++;
      }
      for (const [k, o] of nested) {
        const inner = o.keysInOrder((v as Record<string, unknown>)[k]);
        if (inner < 0) return -1;
        count += inner;
      }
      return count;
    },
    reorder: (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        if (!hasOwn(v, k)) continue;
        const value = (v as Record<string, unknown>)[k];
        out[k] = nested.get(k)?.reorder(value) ?? value;
      }
      return out;
    },
  };
}

/** How many messages took the fast path and how many went to zod (the tests' proof that the fast path is the one measured). */
export interface StreamDecoderStats {
  fast: number;
  zod: number;
  /** When present, how many of the fast ones streamed the producer's own text (already zod's bytes), not a re-serialisation. */
  raw?: number;
}

/** Compiled once per schema and process: two compiles cost a few hundred ms of CPU, and tests start the API many times. */
type Compiled = { validate: (value: unknown) => boolean; exact: ((value: unknown) => boolean) | undefined } & Ordering;
const compiled = new WeakMap<z.ZodType, Compiled>();

/**
 * The schema that accepts exactly the values zod would give back unchanged: no key zod would drop (no additional
 * properties anywhere) and none it would fill in (every key with a default required). A value it accepts is its own
 * zod output, key order aside.
 */
function exactSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[k]) out[k] = schema[k].map(exactSchema);
  if (schema.items) out.items = exactSchema(schema.items);
  if (schema.properties) {
    const properties = Object.entries(schema.properties);
    out.properties = Object.fromEntries(properties.map(([k, p]) => [k, exactSchema(p)]));
    out.additionalProperties = false;
    out.required = [...new Set([...(schema.required ?? []), ...properties.filter(([, p]) => p.default !== undefined).map(([k]) => k)])];
  }
  return out;
}

/** Whether some object of the schema has a key JSON.parse would put first whatever its place in the text (an array index). */
function hasIndexKey(schema: JsonSchema): boolean {
  const index = (k: string) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;
  return (
    Object.keys(schema.properties ?? {}).some(index) ||
    Object.values(schema.properties ?? {}).some(hasIndexKey) ||
    (schema.items !== undefined && hasIndexKey(schema.items)) ||
    [schema.anyOf, schema.oneOf, schema.allOf].some((alts) => alts?.some(hasIndexKey) ?? false)
  );
}

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
  const exactAjv = new Ajv2020({ strict: false, unicodeRegExp: false, validateFormats: false, strictNumbers: true, allErrors: false, code: { optimize: false } });
  const entry: Compiled = {
    validate: ajv.compile(json),
    // Keys that JSON.parse reorders would make the text's order differ from the object's: no raw text for such a schema.
    exact: hasIndexKey(json) ? undefined : exactAjv.compile(exactSchema(json)),
    ...(ordering(json) ?? { keysInOrder: (v: unknown) => (typeof v === 'object' && v !== null ? Object.keys(v).length : 0), reorder: (v: unknown) => v }),
  };
  compiled.set(schema, entry);
  return entry;
}

export function streamDecoder<S extends z.ZodType>(schema: S, stats: StreamDecoderStats = { fast: 0, zod: 0 }): (value: Buffer) => StreamDecodeResult<z.infer<S>> {
  const { validate, exact, keysInOrder, reorder } = compile(schema);
  return (value) => {
    let parsed: unknown;
    const text = value.toString('utf8');
    try {
      parsed = JSON.parse(text);
    } catch {
      stats.zod++;
      return decodeMessage(schema, value) as StreamDecodeResult<z.infer<S>>;
    }
    // A value zod would give back as it is, in zod's key order, whose text is what JSON.stringify writes for it, holding
    // as many keys as the value (no duplicate): the text is zod's bytes already, and is streamed without serialising
    // the event again. JSON.parse has checked its grammar; `canonicalKeyCount` checks only how each token is written.
    if (exact?.(parsed)) {
      const keys = keysInOrder(parsed);
      if (keys >= 0 && canonicalKeyCount(text) === keys) {
        stats.fast++;
        if (stats.raw !== undefined) stats.raw++;
        return { ok: true, event: parsed as z.infer<S>, data: text };
      }
    }
    if (validate(parsed)) {
      stats.fast++;
      // Producers that write keys in another order (the correlator's impacts do) or leave out a default get a copy in zod's order.
      const event = (keysInOrder(parsed) >= 0 ? parsed : reorder(parsed)) as z.infer<S>;
      return { ok: true, event, data: JSON.stringify(event) };
    }
    stats.zod++;
    const result = decodeMessage(schema, value);
    return result.ok ? { ok: true, event: result.event, data: JSON.stringify(result.event) } : result;
  };
}

/**
 * A text of tokens each written as JSON.stringify writes it, and nothing between them. Strings: characters raw, but for
 * `\"`, `\\`, the short escapes and `\u00xx` (lowercase) for the other control characters (JSON.parse refuses raw
 * ones); a raw surrogate only as half of a pair (JSON.stringify escapes a lone one, and `\uXXXX` of anything else is
 * left to the slow path). Numbers: `0`, an integer of at most 15 digits, or a decimal of at most 15 digits with no
 * trailing zero and not below 1e-6; a decimal of at most 15 significant digits is the shortest text that reads back
 * as its double (a double holds 15 decimal digits exactly), which is what Number#toString writes, and under 1e-6 or
 * from 1e21 it writes an exponent. Any other number (an exponent, 16 digits or more, -0, a trailing zero) is left to
 * the slow path too. A number must end where JSON's token ends, so digits are never split into two tokens.
 */
const MAX_CANONICAL_CHARS = 16_384;

const CANONICAL = new RegExp(
  String.raw`^(?:[{}\[\],:]|"(?:[^"\\\ud800-\udfff]|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f])|[\ud800-\udbff][\udc00-\udfff])*"|(?:0|-?[1-9]\d{0,14}|-?(?=[\d.]{3,16}(?![\d.]))(?:0\.(?!0{6})|[1-9]\d*\.)\d*[1-9])(?=[,}\]]|$)|true|false|null)*$`,
);

/**
 * For a text JSON.parse has accepted: the number of keys in it (every object's, duplicates counted) when each of its
 * tokens is written as JSON.stringify writes it and there is nothing between them (`CANONICAL`), else -1. With as many
 * keys as the parsed value holds (so no key was written twice) and the value's keys in the text's order, the text is
 * JSON.stringify's of the value.
 */
export function canonicalKeyCount(text: string): number {
  // The regex's backtracking stack grows with the text (a 1 MB one overflows it, and from some 50,000 characters it
  // costs milliseconds): past this length, rare for an event, the text is left to the slow path, which is exact anyway.
  if (text.length > MAX_CANONICAL_CHARS) return -1;
  if (!CANONICAL.test(text)) return -1;
  // With no whitespace, every key's closing quote is followed by its colon; inside a string a quote is escaped (an odd
  // run of backslashes before it), and a value's closing quote is followed by a comma or a bracket.
  let keys = 0;
  for (let at = text.indexOf('":'); at >= 0; at = text.indexOf('":', at + 2)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if ((backslashes & 1) === 0) keys++;
  }
  return keys;
}
