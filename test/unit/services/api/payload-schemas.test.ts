/**
 * infra/schemas/webhook.alert.schema.json and stream.event.schema.json (generated from
 * services/api/payload-schemas.ts by `npm run schemas`) describe what the API really sends: bodies built by the dispatcher and the stream hub validate (with ajv, the
 * formats included), and a body missing a required field does not.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { alertPayload } from '../../../../services/api/alerts/dispatcher.ts';
import type { Alert } from '../../../../services/api/domain/alert-rules.ts';
import { alertStreamPayload } from '../../../../services/api/stream/hub.ts';
import { scoredNews } from '../../../helpers/events.ts';

const dir = 'infra/schemas';
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
for (const f of readdirSync(dir).filter((f) => f.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(join(dir, f), 'utf8')));
const webhook = ajv.getSchema('https://oilwire.dev/schemas/webhook.alert.json')!;
const stream = ajv.getSchema('https://oilwire.dev/schemas/stream.event.json')!;

const headline: Alert = {
  alertId: `alr_${'a'.repeat(32)}`,
  ruleId: 'mediation-move',
  kind: 'headline',
  symbol: 'BRENT',
  eventTs: Date.parse('2026-06-01T09:20:00Z'),
  firedAt: Date.parse('2026-06-01T09:25:01Z'),
  articleId: 'art_0123456789',
  title: 'Qatar-mediated talks reach a framework',
  data: {
    article_id: 'art_0123456789',
    title: 'Qatar-mediated talks reach a framework',
    source: 'wire',
    topics: ['mediation'],
    oil_direction: 'bearish',
    relevance: 80,
    published_at: '2026-06-01T09:20:00.000Z',
    symbol: 'BRENT',
    horizon: '5m',
    return_bps: -122.3,
    abnormal_bps: null,
    z: -10.4,
    pre_price: 82.5,
    post_price: 81.5,
    pre_ts: '2026-06-01T09:19:59.000Z',
    post_ts: '2026-06-01T09:24:59.000Z',
  },
};
const move: Alert = {
  ...headline,
  alertId: `alr_${'b'.repeat(32)}`,
  ruleId: 'unexplained',
  kind: 'unexplained_move',
  articleId: null,
  title: 'BRENT moved +80 bps in 120 s with no headline',
  data: { symbol: 'BRENT', from_ts: '2026-06-01T10:00:00.000Z', to_ts: '2026-06-01T10:02:00.000Z', from_price: 82, to_price: 82.66, move_bps: 80, window_sec: 120, lookback_minutes: 10 },
};

describe('payload JSON Schemas', () => {
  it('webhook bodies of both alert kinds validate; a body without its alert id does not', () => {
    for (const a of [headline, move]) expect(webhook(JSON.parse(alertPayload(a))), JSON.stringify(webhook.errors)).toBe(true);
    const broken = JSON.parse(alertPayload(headline)) as { data: Record<string, unknown> };
    delete broken.data.alert_id;
    expect(webhook(broken)).toBe(false);
    expect(webhook({ ...JSON.parse(alertPayload(move)), type: 'alert.other' })).toBe(false);
  });

  it('stream events validate: news.scored against its topic schema, alerts flattened', () => {
    const scored = scoredNews({ id: 'art_0123456789', published_at: '2026-06-01T09:20:00.000Z' });
    expect(stream({ event: 'news.scored', id: '1-abc', data: scored }), JSON.stringify(stream.errors)).toBe(true);
    expect(stream({ event: 'alert', id: '2-abc', data: alertStreamPayload(headline) }), JSON.stringify(stream.errors)).toBe(true);
    expect(stream({ event: 'alert', id: '3-abc', data: alertStreamPayload(move) }), JSON.stringify(stream.errors)).toBe(true);
    expect(stream({ event: 'news.scored', id: '4-abc', data: { ...scored, relevance: 'high' } })).toBe(false);
    expect(stream({ event: 'news.raw', id: '5-abc', data: scored })).toBe(false);
    expect(stream({ event: 'alert', id: '6-abc', data: { ...alertStreamPayload(move), kind: 'astrology' } })).toBe(false);
  });

  it('stream.gap events (as routes/stream.ts writes them: no id) validate', () => {
    expect(stream({ event: 'stream.gap', data: { reason: 'replay from the store failed; continuing live' } }), JSON.stringify(stream.errors)).toBe(true);
    expect(stream({ event: 'stream.gap', data: { reason: 'more than 10 events since the requested id; query /sql for the rest', from: '2026-06-01T10:00:00.000Z' } })).toBe(true);
    expect(stream({ event: 'stream.gap', data: { from: '2026-06-01T10:00:00.000Z' } })).toBe(false);
  });
});
