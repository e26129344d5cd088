/**
 * Each dashboard read (`/api/*`) answers what `/openapi.json` says it answers: every route is
 * called with `app.inject` on a migrated store holding a few rows (ticks, headlines with and
 * without measured moves, a topic with the event-study tests and one below five events, alerts,
 * price sources from the store and from a running ingest-prices), and every answer is validated
 * with ajv (strict) against the 200 schema taken from the document, in a copy where every object
 * is closed (additionalProperties false): a field a query adds and the schema does not list fails,
 * as does a listed field no longer sent.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { msToClickHouseTime } from '../../../../../shared/contracts/time.ts';
import { ManualClock } from '../../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../../services/correlator/index.ts';
import { buildApp } from '../../../../../services/api/app.ts';
import { apiConfigSchema } from '../../../../../services/api/config.ts';
import type { PriceSourceView } from '../../../../../services/api/routes/dashboard.ts';
import type { HeadlineRow, PriceSeries, topicAggregates } from '../../../../../services/api/adapters/dashboard-queries.ts';
import type { headlineRow, priceSource, pricesAnswer, topicRow } from '../../../../../services/api/routes/dashboard-schemas.ts';
import { dropTestStore, openTestStore } from '../helpers.ts';
import { impactEvent, scoredEvent } from '../fixtures.ts';

const T0 = Date.parse('2026-06-01T09:00:00Z');
const ch = msToClickHouseTime;

let store: Store;
let app: FastifyInstance;
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>> };
/** What the app's ingest-prices reports: null is "none running in this process" (the answer then comes from the store). */
let running: PriceSourceView[] | null = null;

beforeAll(async () => {
  store = await openTestStore();
  const repo = new ClickHouseImpactRepository(store);
  await store.insert(
    'ticks_store',
    Array.from({ length: 12 }, (_, i) => ({ symbol: 'BRENT', ts: ch(T0 + i * 60_000), seq: 0, source: 'sim', price: 82 + i / 10, size: null })),
  );
  // Eight mediation headlines (enough for the view's tests), two opec ones (too few: nulls), one untagged, one not measured.
  await repo.saveNews([
    ...Array.from({ length: 8 }, (_, i) => scoredEvent(i, { url: `https://news.invalid/${i}`, entities: ['OPEC'] })),
    scoredEvent(8, { topics: ['opec'] }),
    scoredEvent(9, { topics: ['opec'], price_report: true }),
    scoredEvent(10, { topics: [] }),
    scoredEvent(11),
  ]);
  await repo.saveImpacts([
    ...Array.from({ length: 8 }, (_, i) => impactEvent(i, { z: i % 2 ? -4 : 3, abnormal_bps: i % 2 ? -120 : 90 })),
    ...Array.from({ length: 8 }, (_, i) => impactEvent(i, { horizon: '15m', horizon_seconds: 900, return_bps: 40 })),
    impactEvent(8, { topics: ['opec'], z: null, pre_vol_bps: null, oil_direction: 'bullish' }),
    impactEvent(9, { topics: ['opec'] }),
    impactEvent(10, { topics: [] }),
  ]);
  await store.insert('alerts_store', [
    { alert_id: 'a1', rule_id: 'big-move', kind: 'headline', symbol: 'BRENT', event_ts: ch(T0), fired_at: ch(T0 + 1000), article_id: 'article-0000', title: 'headline 0', data: JSON.stringify({ horizon: '5m', z: 3 }) },
    { alert_id: 'a2', rule_id: 'unexplained-move', kind: 'unexplained_move', symbol: 'BRENT', event_ts: ch(T0 + 60_000), fired_at: ch(T0 + 61_000), article_id: null, title: 'BRENT moved', data: '{}' },
  ]);
  app = await buildApp({
    store,
    config: apiConfigSchema.parse({ alerts: { enabled: false } }),
    logger: silentLogger,
    clock: new ManualClock(T0 + 20 * 60_000),
    registry: new Registry(),
    priceSources: () => running,
  });
  await app.ready();
  doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await dropTestStore(store);
});

type Node = Record<string, unknown>;
/** The test's copy of a documented schema: every object that lists properties admits no other. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Node = Object.fromEntries(Object.entries(schema as Node).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as Node).map(([p, s]) => [p, closed(s)])) : closed(v)]));
  if ('properties' in out) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const validators = new Map<string, ValidateFunction>();
/** The 200 of `url` as /openapi.json documents it, closed, compiled once. */
function documented(url: string): ValidateFunction {
  let v = validators.get(url);
  if (!v) {
    const content = doc.paths[url]?.get?.responses['200']?.content;
    expect(Object.keys(content ?? {}), `${url} documents a JSON 200`).toEqual(['application/json']);
    v = ajv.compile(closed(content!['application/json'].schema) as Node);
    validators.set(url, v);
  }
  return v;
}

/** Calls the route and checks its real answer against its documented schema; returns the answer. */
async function answerOf(path: string): Promise<unknown> {
  const res = await app.inject({ method: 'GET', url: path });
  expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
  const body: unknown = res.json();
  const validate = documented(path.split('?')[0]);
  expect(validate(body) ? [] : validate.errors, path).toEqual([]);
  return body;
}

/** Every call below, by route: the test covers each /api/* route the document has. */
const CALLS: Record<string, string[]> = {
  '/api/meta': ['/api/meta', '/api/meta?symbol=NONE'],
  '/api/prices': ['/api/prices', '/api/prices?hours=0&points=10', `/api/prices?from=${T0 + 120_000}&to=${T0 + 300_000}`, '/api/prices?symbol=NONE'],
  '/api/headlines': ['/api/headlines', '/api/headlines?limit=2', '/api/headlines?symbol=NONE'],
  '/api/topics': ['/api/topics?horizon=5m', '/api/topics?horizon=1d'],
  '/api/sources': ['/api/sources'],
  '/api/alerts': ['/api/alerts'],
};

describe('the dashboard reads answer as /openapi.json documents them', () => {
  it('the test calls every /api/* route of the document', () => {
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/')).sort()).toEqual(Object.keys(CALLS).sort());
  });

  it.each(Object.entries(CALLS))('%s', async (_url, paths) => {
    for (const path of paths) await answerOf(path);
  });

  it('the answers validated carry every kind of value the schemas describe (not only empty ones)', async () => {
    const meta = (await answerOf('/api/meta')) as { horizons: string[] };
    expect(meta.horizons).toEqual(['5m', '15m']);
    const prices = (await answerOf('/api/prices?hours=0')) as { points: unknown[] };
    expect(prices.points.length).toBe(12);
    const rows = (await answerOf('/api/headlines')) as { id: string; url: string | null; pre_price: number | null; price_report: boolean; impacts: Record<string, { z: number | null }> }[];
    expect(rows).toHaveLength(12);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(Object.keys(byId.get('article-0000')!.impacts)).toEqual(['5m', '15m']);
    expect(byId.get('article-0011')!.pre_price).toBeNull();
    expect(byId.get('article-0008')!.impacts['5m'].z).toBeNull();
    expect(byId.get('article-0009')!.price_report).toBe(true);
    const { topics } = (await answerOf('/api/topics?horizon=5m')) as { topics: { topic: string; kp_t: number | null; p_boot: number | null }[] };
    expect(topics.map((t) => t.topic)).toEqual(['mediation', 'opec', 'untagged']);
    expect(topics[0].kp_t).toEqual(expect.any(Number));
    expect(topics[0].p_boot).toEqual(expect.any(Number));
    expect(topics[1].kp_t).toBeNull();
    const alerts = (await answerOf('/api/alerts')) as { article_id: string | null }[];
    expect(alerts.map((a) => a.article_id)).toEqual([null, 'article-0000']);
  });

  it('/api/sources, from the store and from a running ingest-prices', async () => {
    running = null;
    const stored = (await answerOf('/api/sources')) as { from: string; sources: { name: string }[] };
    expect(stored.from).toBe('store');
    expect(stored.sources.map((s) => s.name)).toEqual(['sim:BRENT']);
    running = [
      { name: 'sim', source: 'sim', live: false, note: 'a simulation', endpoint: null, state: 'finished', lastAttemptAt: T0, lastOkAt: T0, lastError: null, consecutiveFailures: 0, lastTickTs: T0, lastTickAt: T0, published: 12 },
      { name: 'feed', source: 'feed', live: true, note: null, endpoint: 'https://prices.invalid/', state: 'failing', lastAttemptAt: T0, lastOkAt: null, lastError: 'refused', consecutiveFailures: 3, lastTickTs: null, lastTickAt: null, published: 0 },
    ];
    try {
      const live = (await answerOf('/api/sources')) as { from: string; state: string };
      expect([live.from, live.state]).toEqual(['pipeline', 'replay']);
    } finally {
      running = null;
    }
  });

  it('the types the handlers build are the schemas\' types (checked by tsc)', () => {
    expectTypeOf<PriceSourceView>().toEqualTypeOf<z.infer<typeof priceSource>>();
    expectTypeOf<HeadlineRow>().toEqualTypeOf<z.infer<typeof headlineRow>>();
    expectTypeOf<PriceSeries>().toEqualTypeOf<z.infer<typeof pricesAnswer>>();
    expectTypeOf<Awaited<ReturnType<typeof topicAggregates>>[number]>().toEqualTypeOf<z.infer<typeof topicRow>>();
  });

  it("the test's copy refuses a field the document does not list, at any depth", () => {
    const validate = documented('/api/headlines');
    const row = { id: 'x', published_at: T0, title: 't', source: 's', url: null, topics: [], entities: [], oil_direction: 'neutral', oil_strength: 0, sentiment: 'neutral', relevance: 1, novelty: 1, price_report: false, pre_price: 80, impacts: { '5m': { return_bps: 1, z: null } }, max_abs_z: null };
    expect(validate([row])).toBe(true);
    expect(validate([{ ...row, added: 1 }])).toBe(false);
    expect(validate([{ ...row, impacts: { '5m': { return_bps: 1, z: null, added: 1 } } }])).toBe(false);
    const { pre_price: _dropped, ...missing } = row;
    expect(validate([missing])).toBe(false);
  });
});
