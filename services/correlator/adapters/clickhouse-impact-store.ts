import { createHash } from 'node:crypto';
import { tickIdentity, type NewsImpact, type NewsScored, type PriceTick } from '../../../shared/contracts/events.ts';
import { contentIdentity, type ContentIdentity } from '../../../shared/contracts/content-id.ts';
import type { Store } from '../../../shared/store/port.ts';
import { NEWS_TIME_COLUMNS, newsRowFromScored, scoredFromNewsRow } from '../../../shared/store/news-rows.ts';
import { msToClickHouseTime, toClickHouseTime as toCh, toMs } from '../../../shared/contracts/time.ts';
import type { StoredContent } from '../domain/content-dedupe.ts';
import type { StoredSourceState } from '../domain/impact-engine.ts';
import type { ImpactRepository, LateTick } from '../ports.ts';

function token(prefix: string, ids: string[]): string {
  return prefix + ':' + createHash('sha256').update(ids.join('\n')).digest('hex');
}

export class ClickHouseImpactRepository implements ImpactRepository {
  /**
   * `impactStore` (default: `store`) takes the impact inserts, `contentStore` (default: `store`) the content
   * lookups of news batches. One chDB connection runs one statement at a time, so on the shared one an impact
   * insert waits for the tick insert of its own batch and any news insert in flight, and the lookup of the next
   * news batch for the insert of the one before; main.ts gives each a connection of its own (`store.isolated()`).
   * Their owner closes them.
   */
  constructor(
    private readonly store: Store,
    private readonly impactStore: Store = store,
    private readonly contentStore: Store = store,
  ) {}

  /**
   * Content identities of the articles looked up (`storedContent`) and not yet written (`saveNews`): the correlator
   * writes the very objects it looked up, so each title is normalised and hashed once. Weak, so an article the
   * correlator drops (a duplicate, a failed batch) does not stay here.
   */
  private readonly identities = new WeakMap<NewsScored, ContentIdentity>();

  private identity(a: NewsScored): ContentIdentity {
    let known = this.identities.get(a);
    if (!known) {
      known = contentIdentity({ source: a.source, title: a.title, publishedMs: toMs(a.published_at) });
      this.identities.set(a, known);
    }
    return known;
  }

  async saveNews(articles: NewsScored[]): Promise<void> {
    await this.store.insert(
      'news_store',
      articles.map((a) => ({ ...newsRowFromScored(a), content_id: this.identity(a).id ?? '' })),
      { dedupToken: token('news', articles.map((a) => `${a.id}@${a.scored_at}`)) },
    );
  }

  async storedContent(articles: NewsScored[]): Promise<StoredContent[]> {
    const ids = [...new Set(articles.flatMap((a) => this.identity(a).candidates))];
    if (ids.length === 0) return [];
    const rows = await this.contentStore.query<{ id: string; source: string; title: string; p: string }>(
      `SELECT id, any(source) AS source, any(title) AS title, toUnixTimestamp64Milli(any(published_at)) AS p
       FROM ${this.contentStore.table('news_store')} WHERE content_id IN {ids:Array(String)} GROUP BY id`,
      { params: { ids } },
    );
    return rows.map((r) => ({ id: r.id, source: r.source, title: r.title, publishedMs: Number(r.p) }));
  }

  async saveTicks(ticks: PriceTick[]): Promise<void> {
    await this.store.insert(
      'ticks_store',
      ticks.map((t) => ({ symbol: t.symbol, ts: toCh(t.ts), seq: t.seq, source: t.source, price: t.price, size: t.size })),
      { dedupToken: token('ticks', ticks.map((t) => `${t.symbol}|${t.ts}|${t.source}|${t.seq}|${t.price}`)) },
    );
  }

  async saveImpacts(impacts: NewsImpact[]): Promise<void> {
    await this.impactStore.insert(
      'impact_store',
      impacts.map((i) => ({
        ...i,
        schema: undefined,
        published_at: toCh(i.published_at),
        event_ts: toCh(i.event_ts),
        pre_ts: toCh(i.pre_ts),
        post_ts: toCh(i.post_ts),
        computed_at: toCh(i.computed_at),
        // Named so they are written as NULL when absent (daily horizons, older engines); the insert
        // skips fields without a column, so a store before 012 would silently drop them.
        tod_z: i.tod_z ?? null,
        pre_event_bps: i.pre_event_bps ?? null,
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
        watermark: msToClickHouseTime(watermarkMs),
        lateness_ms: Math.round(watermarkMs - toMs(t.ts)),
        received_at: msToClickHouseTime(receivedMs),
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
    return rows.map((r) => ({ ts: Number(r.t), price: Number(r.price), identity: tickIdentity({ symbol, source: r.source, ts: Number(r.t), seq: Number(r.seq) }) }));
  }

  async latestTickTimes(symbols: string[]): Promise<Map<string, number>> {
    if (symbols.length === 0) return new Map();
    const rows = await this.store.query<{ symbol: string; t: string }>(
      `SELECT symbol, toUnixTimestamp64Milli(max(ts)) AS t FROM ${this.store.table('ticks_store')} WHERE symbol IN {symbols:Array(String)} GROUP BY symbol`,
      { params: { symbols } },
    );
    return new Map(rows.map((r) => [r.symbol, Number(r.t)]));
  }

  async latestTicksBySource(symbols: string[]): Promise<StoredSourceState[]> {
    if (symbols.length === 0) return [];
    // max() needs no FINAL: a duplicate row cannot change it.
    const rows = await this.store.query<{ symbol: string; source: string; t: string; seen: string }>(
      `SELECT symbol, source, toUnixTimestamp64Milli(max(ts)) AS t, toUnixTimestamp64Milli(max(inserted_at)) AS seen
       FROM ${this.store.table('ticks_store')} WHERE symbol IN {symbols:Array(String)} GROUP BY symbol, source`,
      { params: { symbols } },
    );
    return rows.map((r) => ({ symbol: r.symbol, source: r.source, maxTs: Number(r.t), lastSeenMs: Number(r.seen) }));
  }

  async storedTickKeys(ticks: PriceTick[]): Promise<Set<string>> {
    if (ticks.length === 0) return new Set();
    const ms = ticks.map((t) => toMs(t.ts));
    const rows = await this.store.query<{ symbol: string; source: string; t: string; seq: string }>(
      `SELECT symbol, source, toUnixTimestamp64Milli(ts) AS t, seq FROM ${this.store.table('ticks_store')}
       WHERE symbol IN {symbols:Array(String)} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`,
      { params: { symbols: [...new Set(ticks.map((t) => t.symbol))], from: Math.min(...ms), to: Math.max(...ms) } },
    );
    return new Set(rows.map((r) => tickIdentity({ symbol: r.symbol, source: r.source, ts: Number(r.t), seq: Number(r.seq) })));
  }

  async loadUnfinished(symbols: string[], horizons: string[], limit: number): Promise<{ article: NewsScored; done: string[] }[]> {
    const rows = await this.store.query<Record<string, unknown> & { done: string[] }>(
      `SELECT n.*, ${NEWS_TIME_COLUMNS}, arrayFilter(x -> x != '|', groupArray(concat(i.symbol, '|', i.horizon))) AS done
       FROM ${this.store.table('news')} AS n
       LEFT JOIN (SELECT article_id, symbol, horizon FROM ${this.store.table('impact')}) AS i ON i.article_id = n.id
       GROUP BY ALL
       HAVING length(done) < {want:UInt32}
       ORDER BY n.published_at LIMIT {limit:UInt32}`,
      { params: { want: symbols.length * horizons.length, limit } },
    );
    return rows.map((r) => ({ done: r.done, article: scoredFromNewsRow(r) }));
  }
}
