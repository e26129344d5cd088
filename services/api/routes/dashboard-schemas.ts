/**
 * What each dashboard read (`/api/*`, routes/dashboard.ts) answers, in zod, turned into the JSON
 * Schema of its 200 in `/openapi.json`. The fields are those the handlers and
 * adapters/dashboard-queries.ts build; test/integration/services/api/routes/dashboard-schemas.test.ts
 * validates each route's real answer on a seeded store against the documented schema with every
 * object closed, so a field added to a query and not here (or listed here and no longer sent) fails it.
 * Like every response schema here, these only describe (app.ts serializes with JSON.stringify).
 */
import { z } from 'zod';
import { jsonSchema } from './schemas.ts';

const ms = z.int().describe('ms since epoch');
const count = z.int().min(0);

export const metaAnswer = z
  .object({
    symbol: z.string(),
    windowHours: z.number().describe('default window of the price chart (api.dashboard.windowHours)'),
    horizons: z.array(z.string()).describe('horizon labels measured for the symbol, shortest first'),
    authRequired: z.boolean().describe('whether api.tokens are configured'),
  })
  .describe('the symbol, default window and measured horizons');

export const pricesAnswer = z
  .object({
    symbol: z.string(),
    from: ms.nullable().describe('start of the window (null: no ticks for the symbol)'),
    to: ms.nullable().describe('end of the window, at most the latest tick (null: no ticks)'),
    points: z.array(z.tuple([ms, z.number()])).describe('[ms, price]: the last price of each bucket, oldest first'),
  })
  .describe('a downsampled price series');

const impactAt = z.object({
  return_bps: z.number().describe('return to the horizon, bps (one decimal)'),
  z: z.number().nullable().describe('the move over its pre-event volatility (null: volatility unknown)'),
});

export const headlineRow = z.object({
  id: z.string(),
  published_at: ms,
  title: z.string(),
  source: z.string(),
  url: z.string().nullable(),
  topics: z.array(z.string()),
  entities: z.array(z.string()),
  oil_direction: z.string().describe('bullish, bearish or neutral'),
  oil_strength: z.number().describe('0-1, two decimals'),
  sentiment: z.string().describe("the scorer's sentiment label"),
  relevance: z.int().describe('0-100'),
  novelty: z.int().describe('0-100'),
  price_report: z.boolean().describe('the headline reports a move or level of oil prices rather than causing one'),
  pre_price: z.number().nullable().describe('price before the headline (null: no move measured yet)'),
  impacts: z.record(z.string(), impactAt).describe('by horizon label: the measured move (only horizons measured so far)'),
  max_abs_z: z.number().nullable().describe('largest |z| over the horizons (null: none with a z)'),
});
export const headlinesAnswer = z.array(headlineRow).describe('headlines, newest first');

/** A test statistic, p or q of impact_tests: null below five events or when the view has none. */
const test = (what: string) => z.number().nullable().describe(`${what} (impact_tests; null below five events)`);

export const topicRow = z.object({
  topic: z.string().describe("a topic, or 'untagged'"),
  headlines: count.describe('measured headlines at the horizon'),
  avg_bps: z.number().describe('average move, bps'),
  avg_abs_bps: z.number().describe('average absolute move, bps'),
  avg_z: z.number().nullable(),
  significant: count.describe('moves with |z| >= 2'),
  bullish: count,
  bearish: count,
  events: test('events in the tests: each measured move once'),
  ranked_events: test("events in Corrado's rank test"),
  kp_t: test('BMP t with the Kolari-Pynnonen adjustment'),
  p_kp: test('p of BMP-KP'),
  q_kp: test('Benjamini-Hochberg q of BMP-KP across topics and horizons'),
  rank_t: test("Corrado's rank t"),
  p_rank: test('p of the rank test'),
  q_rank: test('q of the rank test'),
  sign_z: test('generalized sign z'),
  p_sign: test('p of the sign test'),
  q_sign: test('q of the sign test'),
  boot_resamples: test('bootstrap resamples (B)'),
  boot_draws: test('events drawn per resample (m)'),
  p_boot: test('p of the bootstrap of the mean SAR'),
  q_boot: test('q of the bootstrap'),
  significant_tests: test('how many of KP, rank and sign have q <= 0.05'),
  tests_agree: z.boolean().nullable().describe('the tests that ran give one verdict at q <= 0.05 (null below five events)'),
});
export const topicsAnswer = z
  .object({ horizon: z.string(), topics: z.array(topicRow).describe('most headlines first') })
  .describe('impact statistics by topic at one horizon');

export const priceSource = z.object({
  name: z.string(),
  source: z.string(),
  live: z.boolean().describe('a live market (not a replay or simulation)'),
  note: z.string().nullable().describe('what it is: delay, terms'),
  endpoint: z.string().nullable(),
  state: z.enum(['ok', 'waiting', 'failing', 'finished', 'failed']),
  lastAttemptAt: ms.nullable(),
  lastOkAt: ms.nullable(),
  lastError: z.string().nullable(),
  consecutiveFailures: count,
  lastTickTs: ms.nullable().describe('timestamp of the last tick'),
  lastTickAt: ms.nullable().describe('when the last tick arrived'),
  published: count.describe('ticks published by this process'),
});
export const sourcesAnswer = z
  .object({
    state: z.enum(['live', 'replay', 'waiting', 'unreachable', 'none']).describe('live: a live market reached; replay: only replays or simulations; waiting: first attempt pending; unreachable: nothing reached; none: nothing configured'),
    now: ms,
    from: z.enum(['pipeline', 'store']).describe('pipeline: the ingest-prices of this process; store: what the store received (no ingest-prices here)'),
    sources: z.array(priceSource),
  })
  .describe('price sources');

export const alertRow = z.object({
  alert_id: z.string(),
  rule_id: z.string(),
  kind: z.string().describe('the alert kind (docs/alerts.md)'),
  symbol: z.string(),
  event_ts: ms,
  fired_at: ms,
  article_id: z.string().nullable(),
  title: z.string(),
  data: z.record(z.string(), z.unknown()).describe("the kind's fields, as `data` in infra/schemas/webhook.alert.schema.json"),
});
export const alertsAnswer = z.array(alertRow).describe('alerts that fired, newest first');

/** The 200 of each `/api/*` route, by URL, as its `schema.response[200]` carries it. */
export const DASHBOARD_ANSWERS = {
  '/api/meta': metaAnswer,
  '/api/prices': pricesAnswer,
  '/api/headlines': headlinesAnswer,
  '/api/topics': topicsAnswer,
  '/api/sources': sourcesAnswer,
  '/api/alerts': alertsAnswer,
} as const;
export type DashboardUrl = keyof typeof DASHBOARD_ANSWERS;

export const answerSchema = (url: DashboardUrl): Record<string, unknown> => jsonSchema(DASHBOARD_ANSWERS[url]);
