import type { NewsScored } from '../contracts/events.ts';
import { toClickHouseTime, toIso } from '../contracts/time.ts';

/**
 * The mapping between a `news.scored/v1` event and a row of `news_store` (infra/clickhouse/001_core.sql),
 * kept in one place because several services write or read that table.
 */

/** Select these next to `*` so times come back as epoch milliseconds, free of any session time zone. */
export const NEWS_TIME_COLUMNS =
  'toUnixTimestamp64Milli(published_at) AS p_ms, toUnixTimestamp64Milli(fetched_at) AS f_ms, toUnixTimestamp64Milli(scored_at) AS s_ms';

export function newsRowFromScored(a: NewsScored): Record<string, unknown> {
  return {
    id: a.id,
    source: a.source,
    url: a.url,
    title: a.title,
    summary: a.summary,
    published_at: toClickHouseTime(a.published_at),
    published_precision: a.published_precision,
    fetched_at: toClickHouseTime(a.fetched_at),
    tags: a.tags,
    sentiment_label: a.sentiment.label,
    sentiment_score: a.sentiment.score,
    sentiment_confidence: a.sentiment.confidence,
    oil_direction: a.oil_direction.label,
    oil_strength: a.oil_direction.strength,
    topics: a.topics,
    entities: a.entities,
    relevance: a.relevance,
    price_report: a.price_report ? 1 : 0,
    novelty: a.novelty,
    cluster_id: a.cluster_id,
    model_name: a.model.name,
    model_version: a.model.version,
    scored_at: toClickHouseTime(a.scored_at),
  };
}

const iso = (ms: unknown) => toIso(Number(ms));
/** Float32 columns come back with float noise (0.8 -> 0.800000011920929): six decimals are what was stored. */
const num = (x: unknown) => Math.round(Number(x) * 1e6) / 1e6;

/** A row selected as `*, ${NEWS_TIME_COLUMNS}` back into the event the bus carried. */
export function scoredFromNewsRow(r: Record<string, unknown>): NewsScored {
  return {
    schema: 'news.scored/v1',
    id: String(r.id),
    source: String(r.source),
    url: (r.url as string | null) ?? null,
    title: String(r.title),
    summary: String(r.summary),
    published_at: iso(r.p_ms),
    published_precision: r.published_precision === 'date' ? 'date' : 'time',
    fetched_at: iso(r.f_ms),
    tags: (r.tags as string[]) ?? [],
    sentiment: { label: r.sentiment_label as NewsScored['sentiment']['label'], score: num(r.sentiment_score), confidence: num(r.sentiment_confidence) },
    oil_direction: { label: r.oil_direction as NewsScored['oil_direction']['label'], strength: num(r.oil_strength) },
    topics: (r.topics as NewsScored['topics']) ?? [],
    entities: (r.entities as string[]) ?? [],
    relevance: num(r.relevance),
    price_report: Number(r.price_report ?? 0) === 1,
    novelty: num(r.novelty),
    cluster_id: String(r.cluster_id),
    model: { name: String(r.model_name), version: String(r.model_version) },
    scored_at: iso(r.s_ms),
  };
}
