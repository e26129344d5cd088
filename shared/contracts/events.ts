/**
 * Event contracts shared by every service: the only thing services have in common
 * besides topic names. Each schema carries its version in `schema`; a breaking change
 * gets a new version string and both are accepted while producers migrate.
 */
import { z } from 'zod';
import { toMs } from './time.ts';

const isoTime = z.iso.datetime({ offset: true }).describe('RFC 3339 timestamp, UTC');

export const TOPIC_NAMES = ['mediation', 'ceasefire', 'sanctions', 'military', 'shipping', 'opec', 'inventories', 'macro'] as const;
export const topicName = z.enum(TOPIC_NAMES);
export type TopicName = z.infer<typeof topicName>;
/** The topics that make a story about oil itself; `macro` alone moves crude only with the economy's tone. */
export const OIL_SPECIFIC_TOPICS: readonly TopicName[] = ['opec', 'inventories', 'shipping', 'military', 'sanctions', 'ceasefire', 'mediation'];

export const newsRawV1 = z.object({
  schema: z.literal('news.raw/v1'),
  id: z.string().min(8).max(128),
  source: z.string().min(1).max(200),
  url: z.string().max(4096).nullable(),
  title: z.string().max(2000),
  summary: z.string().max(20000),
  published_at: isoTime,
  /** `date` when the source gave only a day: the event is placed at the start of that day (UTC). */
  published_precision: z.enum(['time', 'date']).default('time'),
  fetched_at: isoTime,
  tags: z.array(z.string().max(100)).max(50).default([]),
});
export type NewsRaw = z.infer<typeof newsRawV1>;

export const sentimentLabel = z.enum(['negative', 'neutral', 'positive']);
export const oilDirectionLabel = z.enum(['bearish', 'neutral', 'bullish']);

export const newsScoredV1 = newsRawV1.extend({
  schema: z.literal('news.scored/v1'),
  sentiment: z.object({
    label: sentimentLabel,
    score: z.number().min(-1).max(1),
    confidence: z.number().min(0).max(1),
  }),
  oil_direction: z.object({
    label: oilDirectionLabel,
    strength: z.number().min(0).max(1),
  }),
  topics: z.array(topicName),
  entities: z.array(z.string().max(100)).max(100),
  relevance: z.number().min(0).max(100),
  /** The headline reports a move or level of oil prices themselves (docs/taxonomy.md); absent in events from before it existed. */
  price_report: z.boolean().default(false),
  novelty: z.number().min(0).max(100),
  cluster_id: z.string().max(128),
  model: z.object({ name: z.string().max(200), version: z.string().max(100) }),
  scored_at: isoTime,
});
export type NewsScored = z.infer<typeof newsScoredV1>;

export const priceTickV1 = z.object({
  schema: z.literal('prices.ticks/v1'),
  symbol: z.string().min(1).max(32),
  ts: isoTime,
  price: z.number().finite().positive(),
  size: z.number().finite().nonnegative().nullable().default(null),
  source: z.string().min(1).max(200),
  /** Sequence within (symbol, ts, source); together they make a tick's identity, so a replayed tick is the same row. */
  seq: z.number().int().nonnegative(),
});
export type PriceTick = z.infer<typeof priceTickV1>;

/** A tick's identity, (symbol, source, time in ms, seq): a replayed or redelivered tick has the same one. */
export function tickIdentity(t: { symbol: string; source: string; ts: number; seq: number }): string {
  return `${t.symbol}|${t.source}|${t.ts}|${t.seq}`;
}

/** The identity of a tick event (its time as RFC 3339 text). */
export function priceTickIdentity(t: Pick<PriceTick, 'symbol' | 'source' | 'ts' | 'seq'>): string {
  return tickIdentity({ symbol: t.symbol, source: t.source, ts: toMs(t.ts), seq: t.seq });
}

export const HORIZONS = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '30m': 1800,
  '60m': 3600,
  '1d': 86400,
} as const;
export type HorizonLabel = keyof typeof HORIZONS;
/** Every horizon, shortest first. */
export const HORIZON_LABELS = Object.keys(HORIZONS) as [HorizonLabel, ...HorizonLabel[]];
export const horizonLabel = z.enum(HORIZON_LABELS);

export const newsImpactV1 = z.object({
  schema: z.literal('news.impact/v1'),
  article_id: z.string().min(8).max(128),
  symbol: z.string().min(1).max(32),
  horizon: horizonLabel,
  horizon_seconds: z.number().int().positive(),
  published_at: isoTime,
  /** Where the measurement starts on the trading clock (the publication time, or the next open when the market was closed). */
  event_ts: isoTime,
  pre_ts: isoTime,
  pre_price: z.number().positive(),
  post_ts: isoTime,
  post_price: z.number().positive(),
  return_bps: z.number().finite(),
  abnormal_bps: z.number().finite().nullable(),
  z: z.number().finite().nullable(),
  pre_vol_bps: z.number().finite().nullable(),
  title: z.string().max(2000),
  source: z.string().max(200),
  topics: z.array(topicName),
  oil_direction: oilDirectionLabel,
  relevance: z.number().min(0).max(100),
  computed_at: isoTime,
  /** Grows when a late tick changes the measurement; the store keeps the highest version. */
  version: z.number().int().nonnegative(),
  // Optional context added in place (older producers omit it, older readers ignore it): technical
  // indicators on the bars before the event ('1m' bars for intraday horizons, '1d' for the daily one).
  indicator_interval: z.enum(['1m', '1d']).optional(),
  rsi: z.number().finite().nullable().optional(),
  ema: z.number().finite().nullable().optional(),
  bb_upper: z.number().finite().nullable().optional(),
  bb_middle: z.number().finite().nullable().optional(),
  bb_lower: z.number().finite().nullable().optional(),
  bb_pct_b: z.number().finite().nullable().optional(),
  atr: z.number().finite().nullable().optional(),
  /** (post_price - pre_price) / atr: the move in average true ranges. */
  atr_move: z.number().finite().nullable().optional(),
  // Event-study inputs, optional in place like the indicators (docs/prices-and-impact.md, "Event-study statistics").
  /** T: the pre-event windows behind abnormal_bps and pre_vol_bps (the mean-adjusted model's estimation period). */
  estimation_windows: z.number().int().nonnegative().optional(),
  /** Standardized abnormal return abnormal / (pre_vol * sqrt(1 + 1/T)): the forecast-error scaling the BMP test averages. */
  sar: z.number().finite().nullable().optional(),
  /** The abnormal returns of those T windows, newest first (each minus their mean): what the rank and sign tests rank the event against. */
  estimation_ar_bps: z.array(z.number().finite()).max(1000).optional(),
  /** Intraday horizons: abnormal return over the volatility of the same clock window on up to 20 earlier days (time-of-day z). */
  tod_z: z.number().finite().nullable().optional(),
  /** Intraday horizons: return over the 15 minutes before publication, to show leakage. */
  pre_event_bps: z.number().finite().nullable().optional(),
});
export type NewsImpact = z.infer<typeof newsImpactV1>;

export const TOPICS = {
  newsRaw: 'news.raw',
  newsScored: 'news.scored',
  pricesTicks: 'prices.ticks',
  newsImpact: 'news.impact',
} as const;
export type TopicKey = keyof typeof TOPICS;

/** Partition counts for a real cluster (infra/) and the dev broker; keys keep per-article and per-symbol order. */
export const TOPIC_PARTITIONS: Record<string, number> = {
  [TOPICS.newsRaw]: 4,
  [TOPICS.newsScored]: 4,
  [TOPICS.pricesTicks]: 4,
  [TOPICS.newsImpact]: 4,
};

export const dlqTopic = (topic: string): string => `${topic}.dlq`;

export const EVENT_SCHEMAS = {
  [TOPICS.newsRaw]: newsRawV1,
  [TOPICS.newsScored]: newsScoredV1,
  [TOPICS.pricesTicks]: priceTickV1,
  [TOPICS.newsImpact]: newsImpactV1,
} as const;

/** Message keys: per-article order for news, per-symbol order for ticks. */
export const messageKey = {
  newsRaw: (e: Pick<NewsRaw, 'id'>) => e.id,
  newsScored: (e: Pick<NewsScored, 'id'>) => e.id,
  pricesTicks: (e: Pick<PriceTick, 'symbol'>) => e.symbol,
  newsImpact: (e: Pick<NewsImpact, 'article_id'>) => e.article_id,
};
