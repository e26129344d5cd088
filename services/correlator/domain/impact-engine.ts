import { HORIZONS, type HorizonLabel, type NewsImpact, type NewsScored } from '../../../shared/contracts/events.ts';
import { measureImpact } from './measure-impact.ts';
import { PriceSeries } from './price-series.ts';

interface PendingArticle {
  article: NewsScored;
  eventTs: number;
  /** `${symbol}|${horizon}` still to measure. */
  open: Set<string>;
}

export interface EngineOptions {
  symbols: string[];
  horizons: HorizonLabel[];
  volatilityWindows: number;
  maxPendingAgeMs: number;
}

export interface EngineTick {
  symbol: string;
  ts: number;
  price: number;
  identity: string;
}

/**
 * The correlator's state machine, free of I/O: articles wait until the price watermark
 * of each symbol passes each horizon, then one impact per (article, symbol, horizon) is emitted.
 */
export class ImpactEngine {
  readonly series = new Map<string, PriceSeries>();
  private readonly pending = new Map<string, PendingArticle>();
  readonly skipped: { article_id: string; symbol: string; reason: string }[] = [];

  constructor(private readonly options: EngineOptions) {
    for (const s of options.symbols) this.series.set(s, new PriceSeries());
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  watermark(symbol: string): number {
    return this.series.get(symbol)?.last ?? -Infinity;
  }

  /** Where the event sits on the clock: an article known only by its date is placed at the start of that day (UTC). */
  static eventTime(article: Pick<NewsScored, 'published_at' | 'published_precision'>): number {
    const t = Date.parse(article.published_at);
    return article.published_precision === 'date' ? t - (t % 86_400_000) : t;
  }

  addArticle(article: NewsScored, alreadyDone: Iterable<string> = []): void {
    if (this.pending.has(article.id)) {
      this.pending.get(article.id)!.article = article;
      return;
    }
    const done = new Set(alreadyDone);
    const open = new Set<string>();
    for (const s of this.options.symbols) for (const h of this.options.horizons) if (!done.has(`${s}|${h}`)) open.add(`${s}|${h}`);
    if (open.size) this.pending.set(article.id, { article, eventTs: ImpactEngine.eventTime(article), open });
  }

  addTick(tick: EngineTick): boolean {
    const s = this.series.get(tick.symbol);
    if (!s) return false;
    return s.insert(tick.ts, tick.price, tick.identity);
  }

  /** Earliest price time the pending articles still need, per symbol (for loading history from the store). */
  earliestNeeded(symbol: string): number | undefined {
    let min: number | undefined;
    const maxH = Math.max(...this.options.horizons.map((h) => HORIZONS[h] * 1000));
    for (const p of this.pending.values()) {
      if (![...p.open].some((k) => k.startsWith(`${symbol}|`))) continue;
      const need = p.eventTs - (this.options.volatilityWindows + 1) * maxH;
      if (min === undefined || need < min) min = need;
    }
    return min;
  }

  evaluate(nowMs: number): NewsImpact[] {
    const out: NewsImpact[] = [];
    for (const [id, p] of this.pending) {
      for (const key of [...p.open]) {
        const [symbol, h] = key.split('|') as [string, HorizonLabel];
        const series = this.series.get(symbol)!;
        const horizonMs = HORIZONS[h] * 1000;
        const wm = this.watermark(symbol);
        const outcome = measureImpact(series, p.eventTs, horizonMs, wm, this.options.volatilityWindows);
        if (outcome.status === 'pending') {
          if (wm - p.eventTs > this.options.maxPendingAgeMs) {
            p.open.delete(key);
            this.skipped.push({ article_id: id, symbol, reason: 'expired' });
          }
          continue;
        }
        p.open.delete(key);
        if (outcome.status === 'no_pre_price') {
          // A price arriving later with an earlier timestamp can still supply it; until then the article is recorded as unmeasurable.
          this.skipped.push({ article_id: id, symbol, reason: 'no_pre_price' });
          continue;
        }
        const r = outcome.result;
        out.push({
          schema: 'news.impact/v1',
          article_id: id,
          symbol,
          horizon: h,
          horizon_seconds: HORIZONS[h],
          published_at: p.article.published_at,
          event_ts: new Date(p.eventTs).toISOString(),
          pre_ts: new Date(r.preTs).toISOString(),
          pre_price: r.prePrice,
          post_ts: new Date(r.postTs).toISOString(),
          post_price: r.postPrice,
          return_bps: r.returnBps,
          abnormal_bps: r.abnormalBps,
          z: r.z,
          pre_vol_bps: r.preVolBps,
          title: p.article.title,
          source: p.article.source,
          topics: p.article.topics,
          oil_direction: p.article.oil_direction.label,
          relevance: p.article.relevance,
          computed_at: new Date(nowMs).toISOString(),
          version: 1,
        });
      }
      if (p.open.size === 0) this.pending.delete(id);
    }
    return out;
  }
}
