/** The dashboard's reads: a downsampled price series, headlines with their measured moves, aggregates by topic, recent alerts. */
import type { Store } from '../../../shared/store/port.ts';

export interface PriceSeries {
  symbol: string;
  from: number | null;
  to: number | null;
  points: [number, number][];
}

/** `windowHours` 0 is the whole tape; `fromMs` (a zoomed chart) overrides the window. */
export async function priceSeries(store: Store, symbol: string, windowHours: number, maxPoints: number, toMs?: number, fromMs?: number): Promise<PriceSeries> {
  const [range] = await store.query<{ first: string | null; last: string | null; n: string }>(
    `SELECT toUnixTimestamp64Milli(min(ts)) AS first, toUnixTimestamp64Milli(max(ts)) AS last, count() AS n FROM ${store.table('ticks_store')} WHERE symbol = {symbol:String}`,
    { params: { symbol } },
  );
  if (!range || Number(range.n) === 0 || range.last === null) return { symbol, from: null, to: null, points: [] };
  const to = Math.min(toMs ?? Number(range.last), Number(range.last));
  // The window ends at the latest tick (not at the wall clock: replayed history is as welcome as live data) and starts no earlier than the first.
  const from = Math.max(Number(range.first), fromMs ?? (windowHours > 0 ? to - windowHours * 3_600_000 : Number(range.first)));
  if (from > to) return { symbol, from, to, points: [] };
  const step = Math.max(1, Math.ceil((to - from) / maxPoints));
  // The last price in each bucket: enough for a chart, a fixed payload whatever the tick rate.
  const rows = await store.query<{ t: string; price: number }>(
    `SELECT max(toUnixTimestamp64Milli(ts)) AS t, argMax(price, ts) AS price
     FROM ${store.table('ticks_store')}
     WHERE symbol = {symbol:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
     GROUP BY intDiv(toUnixTimestamp64Milli(ts), {step:UInt64}) ORDER BY t`,
    { params: { symbol, from, to, step } },
  );
  return { symbol, from, to, points: rows.map((r) => [Number(r.t), Number(r.price)]) };
}

export interface HeadlineRow {
  id: string;
  published_at: number;
  title: string;
  source: string;
  url: string | null;
  topics: string[];
  entities: string[];
  oil_direction: string;
  oil_strength: number;
  sentiment: string;
  relevance: number;
  novelty: number;
  /** The scorer's verdict: the headline reports a move or level of oil prices rather than causing one. */
  price_report: boolean;
  pre_price: number | null;
  impacts: Record<string, { return_bps: number; z: number | null }>;
  max_abs_z: number | null;
}

export async function headlines(store: Store, symbol: string, options: { fromMs?: number; toMs?: number; limit: number }): Promise<HeadlineRow[]> {
  const where: string[] = [];
  if (options.fromMs !== undefined) where.push('published_at >= fromUnixTimestamp64Milli({from:Int64})');
  if (options.toMs !== undefined) where.push('published_at <= fromUnixTimestamp64Milli({to:Int64})');
  const news = await store.query<{ id: string; p: string; title: string; source: string; url: string | null; topics: string[]; entities: string[]; oil_direction: string; oil_strength: number; sentiment_label: string; relevance: number; novelty: number; price_report: number }>(
    `SELECT id, toUnixTimestamp64Milli(published_at) AS p, title, source, url, topics, entities, oil_direction, oil_strength, sentiment_label, relevance, novelty, price_report
     FROM ${store.table('news')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY published_at DESC LIMIT {limit:UInt32}`,
    { params: { from: options.fromMs ?? 0, to: options.toMs ?? 0, limit: options.limit } },
  );
  if (news.length === 0) return [];
  const impacts = await store.query<{ article_id: string; horizon: string; return_bps: number; z: number | null; pre_price: number }>(
    `SELECT article_id, horizon, return_bps, z, pre_price FROM ${store.table('impact')}
     WHERE symbol = {symbol:String} AND article_id IN {ids:Array(String)} ORDER BY horizon_seconds`,
    { params: { symbol, ids: news.map((n) => n.id) } },
  );
  const byArticle = new Map<string, typeof impacts>();
  for (const i of impacts) {
    const list = byArticle.get(i.article_id) ?? [];
    list.push(i);
    byArticle.set(i.article_id, list);
  }
  return news.map((n) => {
    const list = byArticle.get(n.id) ?? [];
    const zs = list.map((i) => i.z).filter((z): z is number => z !== null);
    return {
      id: n.id,
      published_at: Number(n.p),
      title: n.title,
      source: n.source,
      url: n.url,
      topics: n.topics,
      entities: n.entities,
      oil_direction: n.oil_direction,
      oil_strength: Math.round(Number(n.oil_strength) * 100) / 100,
      sentiment: n.sentiment_label,
      relevance: Math.round(Number(n.relevance)),
      novelty: Math.round(Number(n.novelty)),
      price_report: Number(n.price_report) === 1,
      pre_price: list.length ? Number(list[0].pre_price) : null,
      impacts: Object.fromEntries(list.map((i) => [i.horizon, { return_bps: Math.round(Number(i.return_bps) * 10) / 10, z: i.z === null ? null : Math.round(Number(i.z) * 100) / 100 }])),
      max_abs_z: zs.length ? Math.round(Math.max(...zs.map(Math.abs)) * 100) / 100 : null,
    };
  });
}

export async function topicAggregates(store: Store, symbol: string, horizon: string) {
  const rows = await store.query<Record<string, number | string>>(
    `SELECT arrayJoin(if(empty(topics), ['untagged'], topics)) AS topic, count() AS headlines,
            round(avg(return_bps), 1) AS avg_bps, round(avg(abs(return_bps)), 1) AS avg_abs_bps, round(avg(z), 2) AS avg_z,
            countIf(abs(z) >= 2) AS significant, countIf(oil_direction = 'bullish') AS bullish, countIf(oil_direction = 'bearish') AS bearish
     FROM ${store.table('impact')} WHERE symbol = {symbol:String} AND horizon = {horizon:String}
     GROUP BY topic ORDER BY headlines DESC, topic`,
    { params: { symbol, horizon } },
  );
  // The event-study tests of each topic (infra/clickhouse/013_impact_event_tests.sql, 014_impact_tests_bootstrap.sql): each
  // measured move once; BMP with the Kolari-Pynnonen adjustment, Corrado's rank test, the generalized sign test and the
  // bootstrap of the mean SAR, each with its Benjamini-Hochberg q across topics and horizons, and whether KP, rank and sign
  // agree at q <= 0.05; topics of fewer than 5 events have none.
  const tests = await store.query<Record<TestColumn, unknown> & { value: string; tests_agree: unknown }>(
    `SELECT value, ${TEST_COLUMNS.join(', ')}, tests_agree FROM ${store.table('impact_tests')} WHERE symbol = {symbol:String} AND horizon = {horizon:String} AND dimension = 'topic'`,
    { params: { symbol, horizon } },
  );
  const byTopic = new Map(tests.map((t) => [t.value === 'none' ? 'untagged' : t.value, t]));
  const finite = (v: unknown) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  return rows.map((r) => {
    const t = byTopic.get(String(r.topic));
    return {
      topic: String(r.topic),
      headlines: Number(r.headlines),
      avg_bps: Number(r.avg_bps),
      avg_abs_bps: Number(r.avg_abs_bps),
      avg_z: r.avg_z === null || Number.isNaN(Number(r.avg_z)) ? null : Number(r.avg_z),
      significant: Number(r.significant),
      bullish: Number(r.bullish),
      bearish: Number(r.bearish),
      ...(Object.fromEntries(TEST_COLUMNS.map((c) => [c, t ? finite(t[c]) : null])) as Record<TestColumn, number | null>),
      tests_agree: t && t.tests_agree !== null && t.tests_agree !== undefined ? Number(t.tests_agree) === 1 : null,
    };
  });
}

/** What the by-topic table shows of each topic's tests: statistic, p and q of BMP-KP, rank and sign; p and q of the bootstrap, its resamples and draws. */
const TEST_COLUMNS = ['events', 'ranked_events', 'kp_t', 'p_kp', 'q_kp', 'rank_t', 'p_rank', 'q_rank', 'sign_z', 'p_sign', 'q_sign', 'boot_resamples', 'boot_draws', 'p_boot', 'q_boot', 'significant_tests'] as const;
type TestColumn = (typeof TEST_COLUMNS)[number];

export async function horizonsAvailable(store: Store, symbol: string): Promise<string[]> {
  const rows = await store.query<{ horizon: string }>(
    `SELECT horizon FROM ${store.table('impact_store')} WHERE symbol = {symbol:String} GROUP BY horizon ORDER BY min(horizon_seconds)`,
    { params: { symbol } },
  );
  return rows.map((r) => r.horizon);
}

export async function recentAlerts(store: Store, limit: number) {
  const rows = await store.query<Record<string, string | null>>(
    `SELECT alert_id, rule_id, kind, symbol, toUnixTimestamp64Milli(event_ts) AS event_ms, toUnixTimestamp64Milli(fired_at) AS fired_ms, article_id, title, data
     FROM ${store.table('alerts')} ORDER BY fired_at DESC LIMIT {limit:UInt32}`,
    { params: { limit } },
  );
  return rows.map((r) => ({
    alert_id: r.alert_id,
    rule_id: r.rule_id,
    kind: r.kind,
    symbol: r.symbol,
    event_ts: Number(r.event_ms),
    fired_at: Number(r.fired_ms),
    article_id: r.article_id,
    title: r.title,
    data: JSON.parse(String(r.data ?? '{}')) as Record<string, unknown>,
  }));
}

export interface StoredSourceRow {
  source: string;
  symbol: string;
  last_tick_ts: number;
  last_insert_at: number;
  ticks_last_hour: number;
}

/** Price sources as the store saw them: what the panel shows when no ingest-prices runs in this process. */
export async function sourcesFromStore(store: Store, nowMs: number): Promise<StoredSourceRow[]> {
  const rows = await store.query<{ source: string; symbol: string; t: string; i: string; n: string }>(
    `SELECT source, symbol, toUnixTimestamp64Milli(max(ts)) AS t, toUnixTimestamp64Milli(max(inserted_at)) AS i,
            countIf(inserted_at >= fromUnixTimestamp64Milli({since:Int64})) AS n
     FROM ${store.table('ticks_store')} GROUP BY source, symbol ORDER BY i DESC LIMIT 50`,
    { params: { since: nowMs - 3_600_000 } },
  );
  return rows.map((r) => ({ source: r.source, symbol: r.symbol, last_tick_ts: Number(r.t), last_insert_at: Number(r.i), ticks_last_hour: Number(r.n) }));
}
