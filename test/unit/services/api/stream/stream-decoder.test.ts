import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeMessage } from '../../../../../shared/bus/typed.ts';
import { newsImpactV1, newsScoredV1 } from '../../../../../shared/contracts/events.ts';
import { streamDecoder, type StreamDecoderStats } from '../../../../../services/api/stream/stream-decoder.ts';

/** What the live feed did before the fast path: zod on the bytes, then JSON.stringify of zod's output. */
function reference(schema: typeof newsScoredV1 | typeof newsImpactV1, value: Buffer): { ok: boolean; data?: string; error?: string } {
  const r = decodeMessage(schema, value);
  return r.ok ? { ok: true, data: JSON.stringify(r.event) } : { ok: false, error: r.error };
}

/** A small seeded generator (mulberry32): the same cases on every run, so a failure can be run again. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const scored = () => ({
  schema: 'news.scored/v1', id: 'article-0001', source: 'wire', url: 'https://example.test/a', title: 'Brent rises as OPEC+ holds output', summary: 'OPEC+ kept its quotas.', published_at: '2026-06-01T09:00:00.000Z',
  published_precision: 'time', fetched_at: '2026-06-01T09:00:05Z', tags: ['energy'], sentiment: { label: 'positive', score: 0.4, confidence: 0.8 }, oil_direction: { label: 'bullish', strength: 0.6 },
  topics: ['opec'], entities: ['OPEC'], relevance: 80, price_report: false, novelty: 90, cluster_id: 'c1', model: { name: 'lexicon', version: '3' }, scored_at: '2026-06-01T09:00:06.123+00:00',
});
const impact = () => ({
  schema: 'news.impact/v1', article_id: 'article-0001', symbol: 'BRENT', horizon: '5m', horizon_seconds: 300, published_at: '2026-06-01T09:00:00Z', event_ts: '2026-06-01T09:00:00Z', pre_ts: '2026-06-01T08:59:00Z',
  pre_price: 80.1, post_ts: '2026-06-01T09:05:00Z', post_price: 80.5, return_bps: 49.9, abnormal_bps: 40.2, z: 2.1, pre_vol_bps: 12, title: 'Brent rises', source: 'wire', topics: ['opec', 'shipping'],
  oil_direction: 'bullish', relevance: 80, computed_at: '2026-06-01T09:05:01Z', version: 0, indicator_interval: '1m', rsi: 55.5, ema: null, sar: 1.2, estimation_ar_bps: [1, -2, 3.5], tod_z: null,
});

// Values that sit on or just past a bound of some field, or fool a parser: lengths counted in UTF-16 units vs code
// points (an astral character is two units), numbers at and past bounds, infinities (1e999 in the text), non-safe
// integers, date-times zod accepts and refuses, prototype keys.
const astral = '\u{1F6E2}';
const STRINGS = ['', 'a', 'x'.repeat(7), 'x'.repeat(8), 'x'.repeat(128), 'x'.repeat(129), astral.repeat(64), astral.repeat(65), 'x'.repeat(127) + astral, 'x'.repeat(200), 'x'.repeat(201), astral.repeat(100) + 'x',
  '<script>alert(1)</script>', 'line\nbreak\r\n', '\u2028\u2029', '\ud800', 'é'.repeat(130), 'news.scored/v1', 'news.impact/v1', 'time', 'date', 'opec', 'macro', 'oil', 'neutral', 'bullish', 'positive', '1m', '1d', '5m', '2h'];
const TIMES = ['2026-06-01T09:00:00Z', '2026-06-01T09:00:00.1Z', '2026-06-01T09:00:00.123456789+05:30', '2026-06-01T09:00:00-00:00', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z',
  '2026-06-01T24:00:00Z', '2026-06-01T23:59:60Z', '2026-06-01 09:00:00Z', '2026-06-01t09:00:00z', '2026-06-01T09:00:00', '2026-06-01T09:00Z', '2026-06-01T09:00:00+0530', '2026-06-01T09:00:00+24:00', '2026-13-01T09:00:00Z', '2026-06-31T09:00:00Z', '２026-06-01T09:00:00Z', '2026-06-01T09:00:00Z\n'];
const NUMBERS = [0, -0, 1, -1, 0.5, 1.0000001, -1.0000001, 99.99, 100, 100.0001, 101, 300, 2.5, -5, 1e21, 9007199254740991, 9007199254740992, -9007199254740992, 1e-7, 1e308];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type FieldSchema = { type?: string | string[]; minLength?: number; maxLength?: number; minimum?: number; maximum?: number; exclusiveMinimum?: number; maxItems?: number; items?: FieldSchema; enum?: Json[]; const?: Json; anyOf?: FieldSchema[]; pattern?: string; properties?: Record<string, FieldSchema> };

/**
 * Values on and just past each bound the contract's JSON Schema gives a field: lengths in UTF-16 units against
 * code points (an astral character is two units, one code point), numbers at, inside and past their bounds,
 * non-integers and unsafe integers, array sizes, every enum value and near misses.
 */
function boundaries(f: FieldSchema): Json[] {
  const out: Json[] = [];
  for (const alt of f.anyOf ?? []) out.push(...boundaries(alt));
  const types = ([] as string[]).concat(f.type ?? []);
  if (types.includes('string') && !f.pattern && !f.enum && f.const === undefined) {
    for (const n of [f.minLength, f.maxLength].filter((x): x is number => x !== undefined)) {
      out.push('x'.repeat(n), 'x'.repeat(Math.max(0, n - 1)), 'x'.repeat(n + 1));
      // n + 1 units in fewer code points: too long for zod, short enough for a count of code points.
      out.push('x'.repeat(n - 1) + astral, astral.repeat(Math.ceil((n + 1) / 2)), astral.repeat(Math.floor(n / 2)));
    }
  }
  if (types.includes('number') || types.includes('integer')) {
    const lo = f.minimum ?? f.exclusiveMinimum;
    for (const b of [lo, f.maximum].filter((x): x is number => x !== undefined && Math.abs(x) < 1e15)) out.push(b, b + 0.5, b - 0.5, b + 1e-9, b - 1e-9, b + 1, b - 1);
    out.push(0.5, 3, -0, 9007199254740992, -9007199254740992, 1e300);
  }
  if (types.includes('array')) {
    const item = f.items ? boundaries(f.items)[0] ?? 'opec' : 'x';
    for (const n of [f.maxItems].filter((x): x is number => x !== undefined)) out.push(Array.from({ length: n }, () => item), Array.from({ length: n + 1 }, () => item));
    if (f.items?.enum) out.push([...f.items.enum], [f.items.enum[0], 'not-a-topic']);
  }
  if (f.enum) out.push(...f.enum, `${f.enum[0]} `, String(f.enum[0]).toUpperCase());
  if (f.const !== undefined) out.push(f.const, `${f.const} `);
  return out;
}

function fieldValues(schema: { properties: Record<string, FieldSchema> }): Map<string, Json[]> {
  return new Map(Object.entries(schema.properties).map(([k, f]) => [k, boundaries(f)]));
}

function mutate(rng: ReturnType<typeof random>, event: Record<string, Json>, base: Record<string, Json>, fields: Map<string, Json[]>): void {
  const keys = Object.keys(base);
  const key = rng.pick(keys);
  const nestedKeys = (k: string) => (typeof base[k] === 'object' && base[k] !== null && !Array.isArray(base[k]) ? Object.keys(base[k] as object) : []);
  switch (rng.int(12)) {
    case 0: delete event[key]; break;
    case 1: case 2: case 3: {
      const values = fields.get(key) ?? [];
      if (values.length > 0) event[key] = rng.pick(values);
      break;
    }
    case 4: event[key] = rng.pick<Json>([...STRINGS, ...TIMES, ...NUMBERS, null, true, [], {}]); break;
    case 5: event[rng.pick(['extra', '__proto__', 'constructor', 'toString', ''])] = rng.pick<Json>([1, 'x', { polluted: true }, null]); break;
    case 6: {
      // Keys in another order: the fast path must hand these to zod, which writes them in the schema's order.
      const entries = Object.entries(event);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [entries[i], entries[j]] = [entries[j], entries[i]];
      }
      for (const k of Object.keys(event)) delete event[k];
      for (const [k, v] of entries) event[k] = v;
      break;
    }
    case 7: {
      const nk = nestedKeys(key);
      if (nk.length === 0) break;
      const inner = { ...(event[key] as Record<string, Json>) };
      const which = rng.pick(nk);
      const op = rng.int(4);
      if (op === 0) delete inner[which];
      else if (op === 1) inner[which] = rng.pick<Json>([...STRINGS.slice(0, 12), ...NUMBERS.slice(0, 12), null]);
      else if (op === 2) inner[rng.pick(['extra', '__proto__'])] = 1;
      else {
        event[key] = Object.fromEntries(Object.entries(inner).reverse());
        break;
      }
      event[key] = inner;
      break;
    }
    case 8: if (Array.isArray(event[key])) event[key] = [...(event[key] as Json[]), rng.pick<Json>([...STRINGS, ...NUMBERS, null])]; break;
    case 9: if (TIMES.length > 0 && typeof base[key] === 'string' && /^\d{4}-/.test(base[key] as string)) event[key] = rng.pick(TIMES); break;
    default: event[key] = rng.pick(STRINGS) + rng.pick(STRINGS); break;
  }
}

/** The text of an event, sometimes written in ways no JSON.stringify would write it (the bus carries whatever a producer wrote). */
function text(rng: ReturnType<typeof random>, event: Record<string, Json>): Buffer {
  let s = JSON.stringify(event);
  switch (rng.int(15)) {
    case 0: s = JSON.stringify(event, null, 2); break; // raw newlines between tokens
    case 1: {
      // An infinity (JSON.parse reads 1e999 as one) in a number field of its own.
      const numeric = [...s.matchAll(/"(\w+)":-?\d[\d.e+-]*/g)].map((m) => m[1]);
      if (numeric.length > 0) s = s.replace(new RegExp(`"${rng.pick(numeric)}":-?\\d[\\d.e+-]*`), (m) => `${m.slice(0, m.indexOf(':') + 1)}${rng.pick(['1e999', '-1e999'])}`);
      break;
    }
    case 2: s = s.replace(/^\{/, '{"title":{"not":"a string"},'); break; // a duplicate key: JSON.parse keeps the last
    case 3: s = s.replace(/^\{/, `{"title":"${'x'.repeat(3000)}",`); break;
    case 4: s = s.replace(/"title":"/, '"title":"\\u003cb\\u003e\\ud83d\\udee2 '); break;
    case 5: s = '\ufeff' + s; break;
    case 6: return Buffer.concat([Buffer.from(s.slice(0, 40)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(s.slice(40))]);
    case 7: s = s.slice(0, rng.int(s.length)); break;
    case 8: s = rng.pick(['null', '[]', '"x"', '1', '{}', '', '{"schema":"news.scored/v1"}']); break;
    case 9: s = s.replace(/"version":\d+/, '"version":1.0').replace(/"novelty":\d+/, '"novelty":9e1'); break;
    // Escapes JSON.stringify does not write (\/, an uppercase \u001F, \u0041), and a number it writes shorter: the same value, other bytes.
    case 10: s = s.replace(/"title":"/, rng.pick(['"title":"\\/', '"title":"\\u001F', '"title":"\\u0041', '"title":"\\u001f'])).replace(/"relevance":(\d+)/, (m, n) => rng.pick([m, `"relevance":${n}.50`, `"relevance":${n}.0`, `"relevance":${n}e0`])); break;
    default: break;
  }
  return Buffer.from(s);
}

describe('streamDecoder', () => {
  for (const [name, schema, base] of [['news.scored', newsScoredV1, scored], ['news.impact', newsImpactV1, impact]] as const) {
    it(`${name}: the same verdict and byte for byte the same data as zod then JSON.stringify, over 8,000 generated and hostile messages`, () => {
      const stats: StreamDecoderStats = { fast: 0, zod: 0 };
      const decode = streamDecoder(schema, stats);
      const rng = random(name.length * 7919);
      const fields = fieldValues(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as { properties: Record<string, FieldSchema> });
      let accepted = 0;
      let fastAccepts = 0;
      for (let i = 0; i < 8_000; i++) {
        const event = base() as Record<string, Json>;
        const rounds = i < 800 ? 0 : 1 + rng.int(3);
        for (let r = 0; r < rounds; r++) mutate(rng, event, base() as Record<string, Json>, fields);
        const value = text(rng, event);
        const before = stats.fast;
        const got = decode(value);
        const want = reference(schema, value);
        if (got.ok !== want.ok || (got.ok ? got.data !== want.data : got.error !== want.error)) {
          throw new Error(`case ${i} differs: ${value.toString('utf8').slice(0, 400)}\n got ${JSON.stringify(got).slice(0, 400)}\nwant ${JSON.stringify(want).slice(0, 400)}`);
        }
        if (got.ok) {
          accepted++;
          if (stats.fast > before) fastAccepts++;
          // The data is one SSE data line: nothing in it can end the line or the frame.
          expect(got.data).not.toMatch(/[\r\n]/);
        }
      }
      // Both verdicts are well represented, and every accept was the fast path's: ajv refused nothing zod accepts.
      expect(accepted).toBeGreaterThan(1_500);
      expect(8_000 - accepted).toBeGreaterThan(1_500);
      expect(fastAccepts).toBe(accepted);
      expect(stats.zod).toBe(8_000 - accepted);
    });
  }

  it('gives the event with defaults filled in and unknown keys gone, in the schema order, from the fast path', () => {
    const stats: StreamDecoderStats = { fast: 0, zod: 0 };
    const decode = streamDecoder(newsScoredV1, stats);
    const { published_precision: _p, tags: _t, price_report: _r, ...older } = scored();
    // Defaults missing: zod writes them in place, and so does the fast path (ajv adds them at the end; the copy is in zod's order).
    const r1 = decode(Buffer.from(JSON.stringify(older)));
    expect(r1.ok && r1.data).toBe(JSON.stringify(newsScoredV1.parse(older)));
    expect(stats).toEqual({ fast: 1, zod: 0 });
    // Unknown keys at the top and nested, and a __proto__ key: dropped on the fast path.
    const withExtra = JSON.stringify({ ...scored(), sentiment: { ...scored().sentiment, extra: 1 }, more: true }).replace(/^\{/, '{"__proto__":{"polluted":1},');
    const r2 = decode(Buffer.from(withExtra));
    expect(stats).toEqual({ fast: 2, zod: 0 });
    expect(r2.ok && r2.data).toBe(JSON.stringify(scored()));
    expect(r2.ok && Object.prototype.hasOwnProperty.call(r2.event, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('puts an impact written in the correlator\'s key order (study inputs before the title, indicators last) in zod\'s order on the fast path', () => {
    const stats: StreamDecoderStats = { fast: 0, zod: 0 };
    const decode = streamDecoder(newsImpactV1, stats);
    const { title, source, topics, oil_direction, relevance, computed_at, version, indicator_interval, rsi, ema, sar, estimation_ar_bps, tod_z, ...measured } = impact();
    const engineOrder = { ...measured, estimation_windows: 3, estimation_ar_bps, sar, tod_z, pre_event_bps: -1.5, title, source, topics, oil_direction, relevance, computed_at, version, indicator_interval, rsi, ema };
    const r = decode(Buffer.from(JSON.stringify(engineOrder)));
    expect(r.ok && r.data).toBe(JSON.stringify(newsImpactV1.parse(engineOrder)));
    expect(r.ok && r.data).not.toBe(JSON.stringify(engineOrder));
    expect(stats).toEqual({ fast: 1, zod: 0 });
  });

  it('checks the key order of objects in arrays too, and refuses at start a schema whose objects it could not order', () => {
    const schema = z.object({ list: z.array(z.object({ x: z.number(), y: z.number().default(0) })) });
    const stats: StreamDecoderStats = { fast: 0, zod: 0 };
    const decode = streamDecoder(schema, stats);
    for (const text of ['{"list":[{"x":1,"y":2},{"x":3,"y":4}]}', '{"list":[{"x":1,"y":2},{"y":4,"x":3}]}', '{"list":[{"x":1}]}', '{"list":[{"x":1,"y":2,"z":3}]}']) {
      const r = decode(Buffer.from(text));
      expect(r.ok && r.data).toBe(JSON.stringify(schema.parse(JSON.parse(text))));
    }
    expect(stats).toEqual({ fast: 4, zod: 0 });
    expect(() => streamDecoder(z.object({ a: z.object({ b: z.string() }).nullable() }))).toThrow(/anyOf/);
  });

  it('refuses with zod\'s own reason', () => {
    const decode = streamDecoder(newsImpactV1);
    const r = decode(Buffer.from(JSON.stringify({ ...impact(), horizon: '2h' })));
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^schema: horizon: /) });
    expect(decode(Buffer.from('{'))).toEqual({ ok: false, error: expect.stringMatching(/^invalid JSON/) });
  });
});
