import { createHash } from 'node:crypto';
import type { NewsImpact, NewsScored, PriceTick } from '../../../shared/contracts/events.ts';
import type { Store } from '../../../shared/store/port.ts';
import type { ImpactRepository, LateTick } from '../ports.ts';

const toCh = (iso: string) => iso.replace('T', ' ').replace('Z', '');

function token(prefix: string, ids: string[]): string {
  return prefix + ':' + createHash('sha256').update(ids.join('\n')).digest('hex');
}

export class ClickHouseImpactRepository implements ImpactRepository {
  constructor(private readonly store: Store) {}

  async saveNews(articles: NewsScored[]): Promise<void> {
    await this.store.insert(
      'news_store',
      articles.map((a) => ({
        id: a.id,
        source: a.source,
        url: a.url,
        title: a.title,
        summary: a.summary,
        published_at: toCh(a.published_at),
        published_precision: a.published_precision,
        fetched_at: toCh(a.fetched_at),
        tags: a.tags,
        sentiment_label: a.sentiment.label,
        sentiment_score: a.sentiment.score,
        sentiment_confidence: a.sentiment.confidence,
        oil_direction: a.oil_direction.label,
        oil_strength: a.oil_direction.strength,
        topics: a.topics,
        entities: a.entities,
        relevance: a.relevance,
        novelty: a.novelty,
        cluster_id: a.cluster_id,
        model_name: a.model.name,
        model_version: a.model.version,
        scored_at: toCh(a.scored_at),
      })),
      { dedupToken: token('news', articles.map((a) => `${a.id}@${a.scored_at}`)) },
    );
  }

  async saveTicks(ticks: PriceTick[]): Promise<void> {
    await this.store.insert(
      'ticks_store',
      ticks.map((t) => ({ symbol: t.symbol, ts: toCh(t.ts), seq: t.seq, source: t.source, price: t.price, size: t.size })),
      { dedupToken: token('ticks', ticks.map((t) => `${t.symbol}|${t.ts}|${t.source}|${t.seq}|${t.price}`)) },
    );
  }

  async saveImpacts(impacts: NewsImpact[]): Promise<void> {
    await this.store.insert(
      'impact_store',
      impacts.map((i) => ({
        ...i,
        schema: undefined,
        published_at: toCh(i.published_at),
        event_ts: toCh(i.event_ts),
        pre_ts: toCh(i.pre_ts),
        post_ts: toCh(i.post_ts),
        computed_at: toCh(i.computed_at),
      })),
      { dedupToken: token('impact', impacts.map((i) => `${i.article_id}|${i.symbol}|${i.horizon}|${i.version}`)) },
    );
  }

  async saveLateTicks(late: LateTick[]): Promise<void> {
    if (late.length === 0) return;
    await this.store.insert(
      'ticks_late',
      late.map(({ tick: t, watermarkMs, receivedMs }) => ({
        symbol: t.symbol,
        ts: toCh(t.ts),
        seq: t.seq,
        source: t.source,
        price: t.price,
        size: t.size,
        watermark: toCh(new Date(watermarkMs).toISOString()),
        lateness_ms: Math.round(watermarkMs - Date.parse(t.ts)),
        received_at: toCh(new Date(receivedMs).toISOString()),
      })),
      { dedupToken: token('late', late.map(({ tick: t }) => `${t.symbol}|${t.ts}|${t.source}|${t.seq}`)) },
    );
  }

  async loadTicks(symbol: string, fromMs: number, toMs: number): Promise<{ ts: number; price: number; identity: string }[]> {
    const rows = await this.store.query<{ t: string; price: number; source: string; seq: string }>(
      `SELECT toUnixTimestamp64Milli(ts) AS t, price, source, seq FROM ${this.store.table('ticks_store')} FINAL
       WHERE symbol = {symbol:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({to:Int64}, 'UTC') ORDER BY ts`,
      { params: { symbol, from: Math.max(0, Math.floor(fromMs)), to: Math.min(1e13, Math.ceil(toMs)) } },
    );
    return rows.map((r) => ({ ts: Number(r.t), price: Number(r.price), identity: `${r.source}|${Number(r.t)}|${r.seq}` }));
  }

  async latestTickTimes(symbols: string[]): Promise<Map<string, number>> {
    if (symbols.length === 0) return new Map();
    const rows = await this.store.query<{ symbol: string; t: string }>(
      `SELECT symbol, toUnixTimestamp64Milli(max(ts)) AS t FROM ${this.store.table('ticks_store')} WHERE symbol IN {symbols:Array(String)} GROUP BY symbol`,
      { params: { symbols } },
    );
    return new Map(rows.map((r) => [r.symbol, Number(r.t)]));
  }

  async storedTickKeys(ticks: PriceTick[]): Promise<Set<string>> {
    if (ticks.length === 0) return new Set();
    const ms = ticks.map((t) => Date.parse(t.ts));
    const rows = await this.store.query<{ symbol: string; source: string; t: string; seq: string }>(
      `SELECT symbol, source, toUnixTimestamp64Milli(ts) AS t, seq FROM ${this.store.table('ticks_store')}
       WHERE symbol IN {symbols:Array(String)} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
      { params: { symbols: [...new Set(ticks.map((t) => t.symbol))], from: Math.min(...ms), to: Math.max(...ms) } },
    );
    return new Set(rows.map((r) => `${r.symbol}|${r.source}|${Number(r.t)}|${Number(r.seq)}`));
  }

  async loadUnfinished(symbols: string[], horizons: string[], limit: number): Promise<{ article: NewsScored; done: string[] }[]> {
    const rows = await this.store.query<Record<string, unknown> & { done: string[] }>(
      `SELECT n.*, arrayFilter(x -> x != '|', groupArray(concat(i.symbol, '|', i.horizon))) AS done
       FROM ${this.store.table('news')} AS n
       LEFT JOIN (SELECT article_id, symbol, horizon FROM ${this.store.table('impact')}) AS i ON i.article_id = n.id
       GROUP BY ALL
       HAVING length(done) < {want:UInt32}
       ORDER BY n.published_at LIMIT {limit:UInt32}`,
      { params: { want: symbols.length * horizons.length, limit } },
    );
    const iso = (v: unknown) => new Date(String(v).replace(' ', 'T') + 'Z').toISOString();
    return rows.map((r) => ({
      done: r.done,
      article: {
        schema: 'news.scored/v1',
        id: String(r.id),
        source: String(r.source),
        url: (r.url as string | null) ?? null,
        title: String(r.title),
        summary: String(r.summary),
        published_at: iso(r.published_at),
        published_precision: r.published_precision === 'date' ? 'date' : 'time',
        fetched_at: iso(r.fetched_at),
        tags: r.tags as string[],
        sentiment: { label: r.sentiment_label as 'neutral', score: Number(r.sentiment_score), confidence: Number(r.sentiment_confidence) },
        oil_direction: { label: r.oil_direction as 'neutral', strength: Number(r.oil_strength) },
        topics: r.topics as NewsScored['topics'],
        entities: r.entities as string[],
        relevance: Number(r.relevance),
        novelty: Number(r.novelty),
        cluster_id: String(r.cluster_id),
        model: { name: String(r.model_name), version: String(r.model_version) },
        scored_at: iso(r.scored_at),
      },
    }));
  }
}
