/**
 * Reads stored news and impact rows back as the events the bus carried, for stream
 * clients resuming from before what the replay buffer holds. Rows come ordered by the
 * time they were produced (scored_at, computed_at), the closest stored stand-in for the
 * time the API received them.
 */
import type { NewsImpact, NewsScored } from '../../../shared/contracts/events.ts';
import type { Store } from '../../../shared/store/port.ts';
import { NEWS_TIME_COLUMNS, scoredFromNewsRow } from '../../../shared/store/news-rows.ts';
import { alertStreamPayload, streamKey } from '../stream/hub.ts';

export interface StoredEvent {
  t: number;
  topic: 'news.scored' | 'news.impact' | 'alert';
  /** The payload's identity, as the live stream keys it. */
  key: string;
  event: NewsScored | NewsImpact | Record<string, unknown>;
}

const iso = (ms: number | string) => new Date(Number(ms)).toISOString();
const num = (x: unknown) => Math.round(Number(x) * 1e6) / 1e6;
const nullableNum = (x: unknown) => (x === null || x === undefined ? null : num(x));

export async function readStoredEvents(store: Store, fromMs: number, topics: Set<string>, limit: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  if (topics.has('news.scored')) {
    const rows = await store.query<Record<string, unknown>>(
      `SELECT *, ${NEWS_TIME_COLUMNS}
       FROM ${store.table('news')} WHERE scored_at >= fromUnixTimestamp64Milli({from:Int64}) ORDER BY scored_at, id LIMIT {limit:UInt32}`,
      { params: { from: fromMs, limit } },
    );
    for (const r of rows) {
      const event = scoredFromNewsRow(r);
      out.push({ t: Number(r.s_ms), topic: 'news.scored', key: streamKey.scored(event), event });
    }
  }
  if (topics.has('news.impact')) {
    const rows = await store.query<Record<string, unknown>>(
      `SELECT *, toUnixTimestamp64Milli(published_at) AS p_ms, toUnixTimestamp64Milli(event_ts) AS e_ms, toUnixTimestamp64Milli(pre_ts) AS pre_ms,
              toUnixTimestamp64Milli(post_ts) AS post_ms, toUnixTimestamp64Milli(computed_at) AS c_ms
       FROM ${store.table('impact')} WHERE computed_at >= fromUnixTimestamp64Milli({from:Int64}) ORDER BY computed_at, article_id, horizon_seconds LIMIT {limit:UInt32}`,
      { params: { from: fromMs, limit } },
    );
    for (const r of rows) {
      const event: NewsImpact = {
        schema: 'news.impact/v1',
        article_id: String(r.article_id),
        symbol: String(r.symbol),
        horizon: r.horizon as NewsImpact['horizon'],
        horizon_seconds: Number(r.horizon_seconds),
        published_at: iso(r.p_ms as string),
        event_ts: iso(r.e_ms as string),
        pre_ts: iso(r.pre_ms as string),
        pre_price: num(r.pre_price),
        post_ts: iso(r.post_ms as string),
        post_price: num(r.post_price),
        return_bps: num(r.return_bps),
        abnormal_bps: nullableNum(r.abnormal_bps),
        z: nullableNum(r.z),
        pre_vol_bps: nullableNum(r.pre_vol_bps),
        title: String(r.title),
        source: String(r.source),
        topics: (r.topics as NewsImpact['topics']) ?? [],
        oil_direction: r.oil_direction as NewsImpact['oil_direction'],
        relevance: num(r.relevance),
        computed_at: iso(r.c_ms as string),
        version: Number(r.version),
      };
      out.push({ t: Number(r.c_ms), topic: 'news.impact', key: streamKey.impact(event), event });
    }
  }
  if (topics.has('alert')) {
    const rows = await store.query<Record<string, string | null>>(
      `SELECT alert_id, rule_id, kind, symbol, title, data, toUnixTimestamp64Milli(event_ts) AS e_ms, toUnixTimestamp64Milli(fired_at) AS f_ms
       FROM ${store.table('alerts')} WHERE fired_at >= fromUnixTimestamp64Milli({from:Int64}) ORDER BY fired_at, alert_id LIMIT {limit:UInt32}`,
      { params: { from: fromMs, limit } },
    );
    for (const r of rows) {
      const event = alertStreamPayload({
        alertId: String(r.alert_id),
        ruleId: String(r.rule_id),
        kind: r.kind === 'unexplained_move' ? 'unexplained_move' : 'headline',
        symbol: String(r.symbol),
        title: String(r.title),
        eventTs: Number(r.e_ms),
        firedAt: Number(r.f_ms),
        data: JSON.parse(String(r.data ?? '{}')) as Record<string, unknown>,
      });
      out.push({ t: Number(r.f_ms), topic: 'alert', key: streamKey.alert(event), event });
    }
  }
  return out.sort((a, b) => a.t - b.t).slice(0, limit);
}
