import { HORIZONS, type HorizonLabel, type NewsImpact, type NewsScored } from '../../../shared/contracts/events.ts';
import { DAY_MS, MINUTE_MS, startOfUtcDay, toIso, toMs } from '../../../shared/contracts/time.ts';
import { barsUntil, DEFAULT_INDICATORS, indicatorContext, type BarInterval, type IndicatorContext, type IndicatorSpec } from './indicators.ts';
import { measureImpact, type ImpactMeasurement } from './measure-impact.ts';
import { IndexedMinHeap, IntrusiveMinHeap, nextUp, slightlyBelow } from './due-index.ts';
import { PriceSeries } from './price-series.ts';
import { ICE_BRENT_CALENDAR, SESSION_DAY_SHIFT_MS, TradingCalendar, sessionDay, type CalendarSpec } from './trading-calendar.ts';
import { Watermarks, type WatermarkOptions } from './watermarks.ts';

/**
 * What an impact row carries of its article: a pending article keeps only this, not the whole scored event (summary,
 * entities, model), until its last horizon, about 86,000 of them at a headline a second. `published_at` is left out
 * when it is the ISO text of the article's event time (as ingest writes it), and made again for each row.
 */
interface ImpactSubject extends Pick<NewsImpact, 'article_id' | 'title' | 'source' | 'topics' | 'oil_direction' | 'relevance'> {
  published_at: string | undefined;
}

/**
 * Topic lists of pending articles, one array per distinct list: most articles share one of a few hundred. The arrays
 * are the rows' own (`topics` of the impacts), which nothing changes in place; cleared past a bound, after which lists
 * are shared anew.
 */
class TopicLists {
  private readonly lists = new Map<string, NewsImpact['topics']>();
  constructor(private readonly max = 10_000) {}
  shared(topics: NewsImpact['topics']): NewsImpact['topics'] {
    // Topic names are of a closed list, none with a NUL: the joined text names the list exactly.
    const key = topics.join('\u0000');
    const known = this.lists.get(key);
    if (known) return known;
    if (this.lists.size >= this.max) this.lists.clear();
    this.lists.set(key, topics);
    return topics;
  }
}

const subjectOf = (a: NewsScored, publishedTs: number, topics: TopicLists): ImpactSubject => ({
  article_id: a.id,
  published_at: a.published_at === toIso(publishedTs) ? undefined : a.published_at,
  title: a.title,
  source: a.source,
  topics: topics.shared(a.topics),
  oil_direction: a.oil_direction.label,
  relevance: a.relevance,
});

interface PendingArticle {
  article: ImpactSubject;
  publishedTs: number;
  /** How many of its (symbol, horizon) entries are still to measure. */
  open: number;
  /** Order of arrival in `pending`: results come out in that order, as when evaluate walked the map. */
  seq: number;
}

/** An article's open entries of one symbol: in the symbol's heap by publication while any of them is open. */
interface ArticleInSymbol {
  p: PendingArticle;
  /** How many of its entries of this symbol are still open. */
  open: number;
  /** Its place in the symbol's heap by publication (the heap keeps it). */
  publishedAt: number;
}

/**
 * One (article, symbol, horizon) still open, in its symbol's heap of due entries. Kept small (one
 * is held per pending article and horizon): the key, symbol and horizon are a shared slot of the
 * engine, named by its index; the heap keeps the key and this object only its place.
 */
interface OpenEntry {
  of: ArticleInSymbol;
  /** Index in the engine's slots; also the entry's place among its article's keys (the order of results). */
  slot: number;
  /** Where the horizon ends on the trading clock: due once the watermark is at or past it. */
  targetTs: number;
  /** Its place in the symbol's due heap (the heap keeps it). */
  dueAt: number;
}

/** Per symbol: open entries by the watermark at which they need a look (due or expired), and articles with open entries by publication. */
interface SymbolIndex {
  due: IntrusiveMinHeap<OpenEntry, 'dueAt'>;
  published: IntrusiveMinHeap<ArticleInSymbol, 'publishedAt'>;
}

/**
 * What a late tick compares a measured result with, and rebuilds it from: the fields `sameMeasurement` reads, the
 * article it shares with its pending entry, its slot and version. Not the whole row: the row's estimation returns,
 * ISO texts and copies of the article's fields were about 1 KB a result, and one is kept per (article, symbol,
 * horizon) measured within the allowed lateness (some 20,000 at a headline a second and the default hour).
 */
type Measured = Pick<ImpactMeasurement, 'preTs' | 'prePrice' | 'postTs' | 'postPrice' | 'returnBps' | 'abnormalBps' | 'z' | 'preVolBps'>;

interface Retained {
  article: ImpactSubject;
  slot: number;
  m: Measured;
  /** The indicator context the result carries (shared with the other results of its bar). */
  ctx: IndicatorContext | null;
  version: number;
  publishedTs: number;
  targetTs: number;
}

const measuredOf = (m: ImpactMeasurement): Measured => ({
  preTs: m.preTs,
  prePrice: m.prePrice,
  postTs: m.postTs,
  postPrice: m.postPrice,
  returnBps: m.returnBps,
  abnormalBps: m.abnormalBps,
  z: m.z,
  preVolBps: m.preVolBps,
});

export interface EngineOptions {
  symbols: string[];
  horizons: HorizonLabel[];
  volatilityWindows: number;
  maxPendingAgeMs: number;
  /** Trading sessions; default ICE Brent's (weekdays, 23:00 the evening before to 22:00 UTC). */
  calendar?: CalendarSpec;
  /** Default: 5 s out-of-orderness, 60 s idle timeout. */
  watermark?: WatermarkOptions;
  /** A tick this far behind the watermark is still applied and re-measures what it changes; older ones are too late. */
  allowedLatenessMs?: number;
  /** Indicator context on each result; null: none. */
  indicators?: IndicatorSpec | null;
}

export interface EngineTick {
  symbol: string;
  ts: number;
  price: number;
  /** Identity within the symbol: `source|ts|seq`. */
  identity: string;
  /** The tick's source, for per-source watermarks. */
  source?: string;
}

/** Per symbol and source: the newest stored tick's event time and when it was stored (processing time), both ms. */
export interface StoredSourceState {
  symbol: string;
  source: string;
  maxTs: number;
  lastSeenMs: number;
}

/** What became of a tick: `late` ones were applied behind the watermark, `too_late` ones were not applied at all. */
export type TickOutcome = 'accepted' | 'late' | 'too_late' | 'duplicate' | 'unknown_symbol';

export type SkipReason = 'no_pre_price' | 'expired';

const intervalFor = (h: HorizonLabel): BarInterval => (h === '1d' ? '1d' : '1m');
const INTERVAL_MS: Record<BarInterval, number> = { '1m': MINUTE_MS, '1d': DAY_MS };

/**
 * The correlator's state machine, free of I/O. Articles wait until the watermark of each
 * symbol passes each horizon's target on the trading clock; then one impact per (article,
 * symbol, horizon) is emitted at version 1. Results stay re-measurable for the allowed
 * lateness: a late tick that changes one re-emits it with the next version (the store keeps
 * the highest). Ticks later than that are reported as too late and change nothing.
 */
export class ImpactEngine {
  readonly series = new Map<string, PriceSeries>();
  readonly calendar: TradingCalendar;
  readonly watermarks: Watermarks;
  private readonly pending = new Map<string, PendingArticle>();
  private readonly index = new Map<string, SymbolIndex>();
  private pendingSeq = 0;
  /** Every (symbol, horizon) an article is measured at, with its `symbol|horizon` key made once: entries share these strings. */
  private readonly slots: { key: string; symbol: string; h: HorizonLabel }[];
  private readonly retained = new Map<string, Retained>();
  /** Per symbol: retained results by target (final once the watermark is the lateness past it), and how many are in `retained`. */
  private readonly retainedBy = new Map<string, { byTarget: IndexedMinHeap<{ key: string; r: Retained }>; live: number }>();
  private readonly finished = new Set<string>();
  private readonly lateFrom = new Map<string, number>();
  private readonly contextCache = new Map<string, IndicatorContext>();
  private readonly topicLists = new TopicLists();
  private readonly allowedLatenessMs: number;
  private readonly indicators: IndicatorSpec | null;
  /** The most recent skips (bounded), and counts of all of them by reason. */
  readonly skipped: { article_id: string; symbol: string; horizon: HorizonLabel; reason: SkipReason }[] = [];
  readonly skippedCounts: Record<SkipReason, number> = { no_pre_price: 0, expired: 0 };
  /** Results re-emitted with a higher version after late ticks. */
  revisions = 0;

  constructor(private readonly options: EngineOptions) {
    this.slots = options.symbols.flatMap((symbol) => options.horizons.map((h) => ({ key: `${symbol}|${h}`, symbol, h })));
    for (const s of options.symbols) {
      this.series.set(s, new PriceSeries());
      this.index.set(s, { due: new IntrusiveMinHeap('dueAt'), published: new IntrusiveMinHeap('publishedAt') });
      this.retainedBy.set(s, { byTarget: new IndexedMinHeap(), live: 0 });
    }
    this.calendar = new TradingCalendar(options.calendar ?? ICE_BRENT_CALENDAR);
    this.watermarks = new Watermarks(options.watermark ?? { maxOutOfOrdernessMs: 5_000, idleTimeoutMs: 60_000 });
    this.allowedLatenessMs = options.allowedLatenessMs ?? 3_600_000;
    this.indicators = options.indicators === undefined ? DEFAULT_INDICATORS : options.indicators;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get retainedCount(): number {
    return this.retained.size;
  }

  watermark(symbol: string, nowMs: number): number {
    return this.watermarks.current(symbol, nowMs);
  }

  /** Where an article sits on the clock: one known only by its date is placed at the start of that day (UTC). */
  static eventTime(article: Pick<NewsScored, 'published_at' | 'published_precision'>): number {
    const t = toMs(article.published_at);
    return article.published_precision === 'date' ? startOfUtcDay(t) : t;
  }

  addArticle(article: NewsScored, alreadyDone: Iterable<string> = []): void {
    const p = this.pending.get(article.id);
    if (p) {
      p.article = subjectOf(article, p.publishedTs, this.topicLists);
      return;
    }
    if (this.finished.has(article.id)) return;
    const done = new Set(alreadyDone);
    const open: number[] = [];
    for (let i = 0; i < this.slots.length; i++) if (!done.has(this.slots[i].key)) open.push(i);
    if (!open.length) {
      this.markFinished(article.id);
      return;
    }
    const publishedTs = ImpactEngine.eventTime(article);
    const pa: PendingArticle = { article: subjectOf(article, publishedTs, this.topicLists), publishedTs, open: open.length, seq: this.pendingSeq++ };
    this.pending.set(article.id, pa);
    // Slots come symbol by symbol, so an article's entries of one symbol are consecutive and share one `of`.
    let of: ArticleInSymbol = { p: pa, open: 0, publishedAt: -1 };
    let ofSymbol: string | undefined;
    for (const slot of open) {
      const { symbol, h } = this.slots[slot];
      const idx = this.index.get(symbol)!;
      if (symbol !== ofSymbol) {
        of = { p: pa, open: 0, publishedAt: -1 };
        ofSymbol = symbol;
        idx.published.push(of, pa.publishedTs);
      }
      of.open++;
      // Below any watermark the outcome is 'pending' with the target: the same calendar arithmetic evaluate will use.
      const probe = measureImpact(this.series.get(symbol)!, pa.publishedTs, HORIZONS[h] * 1000, -Infinity, this.options.volatilityWindows, this.calendar);
      const targetTs = probe.status === 'pending' ? probe.targetTs : -Infinity;
      const e: OpenEntry = { of, slot, targetTs, dueAt: -1 };
      idx.due.push(e, this.lookAt(e, -Infinity));
    }
  }

  /**
   * The watermark at which an open entry next needs a look: its target (then it is measurable),
   * or the point past which it is too old to wait for (then it expires), whichever is first;
   * never at or below `after`, the watermark it was last looked at with.
   */
  private lookAt(e: OpenEntry, after: number): number {
    const expiry = slightlyBelow(e.of.p.publishedTs + this.options.maxPendingAgeMs);
    return Math.min(e.targetTs, Math.max(expiry, nextUp(after)));
  }

  private markFinished(id: string): void {
    this.finished.add(id);
    if (this.finished.size > 200_000) this.finished.delete(this.finished.values().next().value as string);
  }

  /** True when the tick (by identity) is already known: a redelivered or repeated tick. */
  hasTick(tick: Pick<EngineTick, 'symbol' | 'identity'>): boolean {
    return this.series.get(tick.symbol)?.has(tick.identity) ?? false;
  }

  /**
   * A tick from the live stream. It moves its source's watermark; if it is at or behind the
   * symbol's watermark it is late: applied (and re-measuring what it touches) within the
   * allowed lateness, refused beyond it.
   */
  addTick(tick: EngineTick, nowMs: number): TickOutcome {
    const s = this.series.get(tick.symbol);
    if (!s) return 'unknown_symbol';
    if (s.has(tick.identity)) return 'duplicate';
    const wm = this.watermarks.current(tick.symbol, nowMs);
    if (tick.ts <= wm - this.allowedLatenessMs) return 'too_late';
    s.insert(tick.ts, tick.price, tick.identity);
    this.watermarks.observe(tick.symbol, tick.source ?? 'default', tick.ts, nowMs);
    if (tick.ts <= wm) {
      this.lateFrom.set(tick.symbol, Math.min(this.lateFrom.get(tick.symbol) ?? Infinity, tick.ts));
      return 'late';
    }
    return 'accepted';
  }

  /**
   * Watermarks as the store left them (newest stored tick per symbol and source, and when it was
   * stored): a restarted engine measures what is due from stored ticks at its first evaluation,
   * and calls a tick late or too late exactly as before the restart.
   */
  restoreWatermarks(sources: StoredSourceState[]): void {
    for (const s of sources) if (this.series.has(s.symbol)) this.watermarks.restore(s.symbol, s.source, s.maxTs, s.lastSeenMs);
  }

  /** Stored history (loaded for articles older than what the stream delivered): fills the series, moves no watermark. */
  loadHistory(symbol: string, ticks: { ts: number; price: number; identity: string }[]): void {
    const s = this.series.get(symbol);
    if (!s) return;
    s.merge(ticks);
  }

  /** Earliest price time the pending articles still need, per symbol (volatility windows and indicator bars included). */
  earliestNeeded(symbol: string): number | undefined {
    // Both retreats only move forward as publication does, so the earliest published open article needs the earliest price.
    const first = this.index.get(symbol)?.published.peek();
    if (!first) return undefined;
    const publishedTs = first.p.publishedTs;
    const maxH = Math.max(...this.options.horizons.map((h) => HORIZONS[h] * 1000));
    const barSpan = this.indicators ? Math.max(...this.options.horizons.map((h) => INTERVAL_MS[intervalFor(h)])) * (this.indicators.bars + 2) : 0;
    const windows = this.calendar.retreat(publishedTs, (this.options.volatilityWindows + 1) * maxH);
    // Bars count trading days, but a margin of calendar time covers holidays.
    const bars = this.calendar.retreat(publishedTs, barSpan) - barSpan / 5;
    return Math.min(windows, bars);
  }

  /**
   * Indicators on the bars completed before the event's own bar (so nothing from after the
   * event, and no half-formed bar). Every event in the same minute (or trading day) shares
   * them, which is what makes a day of forty headlines cost one computation.
   */
  private context(symbol: string, h: HorizonLabel, publishedTs: number): IndicatorContext | null {
    if (!this.indicators) return null;
    const series = this.series.get(symbol)!;
    const interval = intervalFor(h);
    const barStart = interval === '1m' ? Math.floor(publishedTs / MINUTE_MS) * MINUTE_MS : sessionDay(publishedTs) * DAY_MS - SESSION_DAY_SHIFT_MS;
    // A tick landing anywhere but at the end bumps the revision; ticks appended at the end are later than any completed bar here.
    const key = `${symbol}|${interval}|${barStart}|${series.revision}`;
    let ctx = this.contextCache.get(key);
    if (!ctx) {
      ctx = indicatorContext(barsUntil(series, barStart - 1, interval, this.indicators.bars), interval, this.indicators);
      if (this.contextCache.size > 20_000) this.contextCache.clear();
      this.contextCache.set(key, ctx);
    }
    return ctx;
  }

  private build(article: ImpactSubject, publishedTs: number, symbol: string, h: HorizonLabel, m: ImpactMeasurement, ctx: IndicatorContext | null, version: number, nowMs: number): NewsImpact {
    const impact: NewsImpact = {
      schema: 'news.impact/v1',
      article_id: article.article_id,
      symbol,
      horizon: h,
      horizon_seconds: HORIZONS[h],
      published_at: article.published_at ?? toIso(publishedTs),
      event_ts: toIso(m.eventTs),
      pre_ts: toIso(m.preTs),
      pre_price: m.prePrice,
      post_ts: toIso(m.postTs),
      post_price: m.postPrice,
      return_bps: m.returnBps,
      abnormal_bps: m.abnormalBps,
      z: m.z,
      pre_vol_bps: m.preVolBps,
      estimation_windows: m.windows,
      estimation_ar_bps: m.estimationArBps,
      sar: m.abnormalBps !== null && m.preVolBps && m.windows >= 2 ? m.abnormalBps / (m.preVolBps * Math.sqrt(1 + 1 / m.windows)) : null,
      ...(h === '1d' ? {} : { tod_z: m.abnormalBps !== null && m.todVolBps ? m.abnormalBps / m.todVolBps : null, pre_event_bps: m.preEventBps }),
      title: article.title,
      source: article.source,
      topics: article.topics,
      oil_direction: article.oil_direction,
      relevance: article.relevance,
      computed_at: toIso(nowMs),
      version,
    };
    if (ctx) {
      Object.assign(impact, {
        indicator_interval: ctx.interval,
        rsi: ctx.rsi,
        ema: ctx.ema,
        bb_upper: ctx.bb_upper,
        bb_middle: ctx.bb_middle,
        bb_lower: ctx.bb_lower,
        bb_pct_b: ctx.bb_pct_b,
        atr: ctx.atr,
        atr_move: ctx.atr && ctx.atr > 0 ? (m.postPrice - m.prePrice) / ctx.atr : null,
      });
    }
    return impact;
  }

  /**
   * Whether a re-measurement leaves a result's row as it was in the fields a revision is about: the prices and times
   * at both ends, the returns and their volatility, and the indicators (the row's pre_ts/post_ts are the ISO texts of
   * the times, equal exactly when the times are, whole milliseconds; rsi/ema/bb_upper/bb_lower/atr are the context's,
   * absent from the row without one).
   */
  private static sameMeasurement(a: Measured, aCtx: IndicatorContext | null, b: ImpactMeasurement, bCtx: IndicatorContext | null): boolean {
    return (
      a.preTs === b.preTs &&
      a.prePrice === b.prePrice &&
      a.postTs === b.postTs &&
      a.postPrice === b.postPrice &&
      a.returnBps === b.returnBps &&
      a.abnormalBps === b.abnormalBps &&
      a.z === b.z &&
      a.preVolBps === b.preVolBps &&
      aCtx?.rsi === bCtx?.rsi &&
      aCtx?.ema === bCtx?.ema &&
      aCtx?.bb_upper === bCtx?.bb_upper &&
      aCtx?.bb_lower === bCtx?.bb_lower &&
      aCtx?.atr === bCtx?.atr
    );
  }

  private skip(article_id: string, symbol: string, horizon: HorizonLabel, reason: SkipReason): void {
    this.skippedCounts[reason]++;
    this.skipped.push({ article_id, symbol, horizon, reason });
    if (this.skipped.length > 1000) this.skipped.shift();
  }

  /** Measures one open entry at watermark `wm`; true when it is closed (measured, expired or without a pre-event price). */
  private look(e: OpenEntry, wm: number, nowMs: number, out: NewsImpact[]): boolean {
    const { p } = e.of;
    const { key, symbol, h } = this.slots[e.slot];
    const id = p.article.article_id;
    // An intraday horizon counts trading time, which never runs ahead of wall time: until the watermark
    // passes publication + horizon the result cannot be due, and the calendar need not be consulted.
    if (h !== '1d' && wm < p.publishedTs + HORIZONS[h] * 1000 && wm - p.publishedTs <= this.options.maxPendingAgeMs) return false;
    const series = this.series.get(symbol)!;
    const outcome = measureImpact(series, p.publishedTs, HORIZONS[h] * 1000, wm, this.options.volatilityWindows, this.calendar);
    if (outcome.status === 'pending') {
      if (wm - p.publishedTs > this.options.maxPendingAgeMs) {
        this.skip(id, symbol, h, 'expired');
        return true;
      }
      return false;
    }
    if (outcome.status === 'no_pre_price') {
      this.skip(id, symbol, h, 'no_pre_price');
      return true;
    }
    const ctx = this.context(symbol, h, p.publishedTs);
    out.push(this.build(p.article, p.publishedTs, symbol, h, outcome.result, ctx, 1, nowMs));
    if (outcome.result.targetTs > wm - this.allowedLatenessMs) {
      this.retain(`${id}|${key}`, symbol, { article: p.article, slot: e.slot, m: measuredOf(outcome.result), ctx, version: 1, publishedTs: p.publishedTs, targetTs: outcome.result.targetTs });
    }
    return true;
  }

  private retain(key: string, symbol: string, r: Retained): void {
    const by = this.retainedBy.get(symbol)!;
    if (!this.retained.has(key)) by.live++;
    this.retained.set(key, r);
    by.byTarget.push(r.targetTs, { key, r });
  }

  evaluate(nowMs: number): NewsImpact[] {
    const out: NewsImpact[] = [];
    const wms = new Map<string, number>();
    const wmOf = (symbol: string) => {
      let w = wms.get(symbol);
      if (w === undefined) wms.set(symbol, (w = this.watermarks.current(symbol, nowMs)));
      return w;
    };

    // Late ticks: re-measure the results they can have changed (the target at or after the tick).
    for (const [symbol, from] of this.lateFrom) {
      const series = this.series.get(symbol)!;
      for (const r of this.retained.values()) {
        const slot = this.slots[r.slot];
        if (slot.symbol !== symbol || r.targetTs < from) continue;
        const { h } = slot;
        const m = measureImpact(series, r.publishedTs, HORIZONS[h] * 1000, Infinity, this.options.volatilityWindows, this.calendar);
        if (m.status !== 'done') continue;
        const ctx = this.context(symbol, h, r.publishedTs);
        if (ImpactEngine.sameMeasurement(r.m, r.ctx, m.result, ctx)) continue;
        r.version++;
        r.m = measuredOf(m.result);
        r.ctx = ctx;
        this.revisions++;
        out.push(this.build(r.article, r.publishedTs, symbol, h, m.result, ctx, r.version, nowMs));
      }
    }
    this.lateFrom.clear();

    // Only what the watermark reached (due, or old enough to expire) is looked at; in the order a walk of
    // the pending articles would have met it (article by arrival, then its keys), so results keep their order.
    const reached: OpenEntry[] = [];
    for (const [symbol, idx] of this.index) if (idx.due.size) for (const e of idx.due.popUntil(wmOf(symbol))) reached.push(e);
    reached.sort((a, b) => a.of.p.seq - b.of.p.seq || a.slot - b.slot);
    for (const e of reached) {
      const { symbol } = this.slots[e.slot];
      const wm = wmOf(symbol);
      const idx = this.index.get(symbol)!;
      if (!this.look(e, wm, nowMs, out)) {
        idx.due.push(e, this.lookAt(e, wm));
        continue;
      }
      const { of } = e;
      if (--of.open === 0) idx.published.remove(of);
      const { p } = of;
      p.open--;
      if (p.open === 0) {
        this.pending.delete(p.article.article_id);
        this.markFinished(p.article.article_id);
      }
    }

    // Results no allowed-late tick can change any more are final.
    for (const [symbol, by] of this.retainedBy) {
      if (!by.live) continue;
      for (const { key, r } of by.byTarget.popUntil(wmOf(symbol) - this.allowedLatenessMs)) {
        // A key set again (an article measured anew) left its older entry behind in the heap.
        if (this.retained.get(key) !== r) continue;
        this.retained.delete(key);
        by.live--;
      }
    }
    return out;
  }

  /**
   * Drops ticks no pending or re-measurable result needs once a series grows past
   * `maxTicks`; returns the new start of the complete history per pruned symbol, so the
   * caller knows what to load again from the store if an old article turns up.
   */
  prune(nowMs: number, maxTicks: number, keepMs: number): Map<string, number> {
    const pruned = new Map<string, number>();
    for (const [symbol, s] of this.series) {
      if (s.length <= maxTicks) continue;
      const wm = this.watermarks.current(symbol, nowMs);
      if (!Number.isFinite(wm)) continue;
      let cutoff = wm - keepMs;
      const need = this.earliestNeeded(symbol);
      if (need !== undefined) cutoff = Math.min(cutoff, need);
      for (const r of this.retained.values()) if (this.slots[r.slot].symbol === symbol) cutoff = Math.min(cutoff, this.calendar.retreat(r.publishedTs, keepMs));
      s.pruneBefore(cutoff);
      this.contextCache.clear();
      pruned.set(symbol, cutoff);
    }
    return pruned;
  }
}
