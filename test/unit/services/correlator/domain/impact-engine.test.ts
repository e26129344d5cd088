import { describe, expect, it } from 'vitest';
import type { NewsScored } from '../../../../../shared/contracts/events.ts';
import { ImpactEngine, type EngineOptions } from '../../../../../services/correlator/domain/impact-engine.ts';
import { DEFAULT_INDICATORS } from '../../../../../services/correlator/domain/indicators.ts';
import { ALWAYS_OPEN, ICE_BRENT_CALENDAR } from '../../../../../services/correlator/domain/trading-calendar.ts';
import { scoredNews } from '../../../../helpers/events.ts';

const at = (iso: string) => Date.parse(iso);
const bps = (from: number, to: number) => (to / from - 1) * 10_000;

function article(id: string, published_at: string, precision: 'time' | 'date' = 'time'): NewsScored {
  return scoredNews({ id: id.padEnd(8, '0'), title: `headline ${id}`, cluster_id: id, published_at, published_precision: precision, oil_direction: { label: 'bullish', strength: 0.5 }, topics: ['opec'], relevance: 50 });
}

function engine(over: Partial<EngineOptions> = {}): ImpactEngine {
  return new ImpactEngine({
    symbols: ['BRENT'],
    horizons: ['1m'],
    volatilityWindows: 2,
    maxPendingAgeMs: 14 * 86_400_000,
    calendar: ALWAYS_OPEN,
    watermark: { maxOutOfOrdernessMs: 30_000, idleTimeoutMs: 1e12 },
    allowedLatenessMs: 120_000,
    indicators: null,
    ...over,
  });
}

let seq = 0;
const tick = (iso: string, price: number, source = 'feed') => ({ symbol: 'BRENT', ts: at(iso), price, identity: `${source}|${at(iso)}|${seq++}`, source });

describe('ImpactEngine: event time', () => {
  it('measures from the last price at or before publication, waits for the watermark, re-measures after a late tick and refuses a too-late one', () => {
    const e = engine();
    const now = 0;
    const t0a = tick('2026-06-01T09:58:30Z', 79.6);
    const t0b = tick('2026-06-01T09:59:30Z', 79.8);
    const t1 = tick('2026-06-01T10:00:00Z', 80.0);
    const t2 = tick('2026-06-01T10:01:10Z', 80.4);
    const t3 = tick('2026-06-01T10:00:50Z', 80.2);
    for (const t of [t0a, t0b, t1, t2]) expect(e.addTick(t, now)).toBe('accepted');
    // Out of order but within the 30 s bound (watermark 10:00:39.999): on time.
    expect(e.addTick(t3, now)).toBe('accepted');
    expect(e.addTick({ ...t3 }, now)).toBe('duplicate');

    e.addArticle(article('a', '2026-06-01T10:00:30Z'));
    // Target 10:01:30; the watermark is 10:00:39.999: not yet.
    expect(e.evaluate(now)).toEqual([]);
    expect(e.pendingCount).toBe(1);

    expect(e.addTick(tick('2026-06-01T10:02:10Z', 80.6), now)).toBe('accepted');
    // Watermark 10:01:39.999 >= 10:01:30: measured.
    const [first, ...rest] = e.evaluate(now);
    expect(rest).toEqual([]);
    // Pre: 80.00 at 10:00:00; the 80.20 tick at 10:00:50 came after publication and must not stand in (no look-ahead).
    expect(first).toMatchObject({ article_id: 'a0000000', horizon: '1m', pre_price: 80, pre_ts: '2026-06-01T10:00:00.000Z', post_price: 80.4, post_ts: '2026-06-01T10:01:10.000Z', version: 1 });
    expect(first.return_bps).toBeCloseTo(50, 10);
    // Normal volatility: two 1-minute windows ending at publication: 09:59:30 -> 10:00:30 and 09:58:30 -> 09:59:30.
    const w1 = bps(79.8, 80.0);
    const w2 = bps(79.6, 79.8);
    const mean = (w1 + w2) / 2;
    const sd = Math.sqrt(((w1 - mean) ** 2 + (w2 - mean) ** 2) / 1);
    expect(first.abnormal_bps).toBeCloseTo(50 - mean, 10);
    expect(first.pre_vol_bps).toBeCloseTo(sd, 10);
    expect(first.z).toBeCloseTo((50 - mean) / sd, 8);

    // Late (behind the watermark, within the 120 s allowed lateness) and inside the measured window: a new version.
    expect(e.addTick(tick('2026-06-01T10:01:20Z', 80.5), now)).toBe('late');
    const [second] = e.evaluate(now);
    expect(second).toMatchObject({ article_id: 'a0000000', post_price: 80.5, post_ts: '2026-06-01T10:01:20.000Z', version: 2 });
    expect(second.return_bps).toBeCloseTo(bps(80, 80.5), 10);
    expect(e.revisions).toBe(1);

    // Late but after the target: nothing to re-measure.
    expect(e.addTick(tick('2026-06-01T10:01:35Z', 90), now)).toBe('late');
    expect(e.evaluate(now)).toEqual([]);

    // The watermark moves to 10:04:39.999; a tick at 10:02:30 is more than 120 s behind it: too late, not applied.
    expect(e.addTick(tick('2026-06-01T10:05:10Z', 81), now)).toBe('accepted');
    expect(e.evaluate(now)).toEqual([]);
    expect(e.retainedCount).toBe(0);
    expect(e.addTick(tick('2026-06-01T10:02:30Z', 99), now)).toBe('too_late');
    expect(e.series.get('BRENT')!.price).not.toContain(99);
  });

  it('emits each horizon once the watermark has passed it, not before', () => {
    const e = engine({ horizons: ['1m', '5m'], watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 } });
    e.addTick(tick('2026-06-01T10:00:00Z', 80), 0);
    e.addArticle(article('b', '2026-06-01T10:00:00Z'));
    // Watermark 10:01:00 - 1 ms: a tick at the target instant may still come.
    e.addTick(tick('2026-06-01T10:01:00Z', 81), 0);
    expect(e.evaluate(0)).toEqual([]);
    e.addTick(tick('2026-06-01T10:01:00.001Z', 82), 0);
    const out = e.evaluate(0);
    expect(out.map((i) => [i.horizon, i.post_price])).toEqual([['1m', 81]]);
    e.addTick(tick('2026-06-01T10:06:00Z', 83), 0);
    expect(e.evaluate(0).map((i) => [i.horizon, i.post_price])).toEqual([['5m', 82]]);
    expect(e.pendingCount).toBe(0);
  });

  it('records a headline with no earlier price as unmeasurable instead of using a later one', () => {
    const e = engine({ watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 } });
    e.addArticle(article('c', '2026-06-01T09:00:00Z'));
    e.addTick(tick('2026-06-01T09:00:01Z', 80), 0);
    e.addTick(tick('2026-06-01T09:05:00Z', 81), 0);
    expect(e.evaluate(0)).toEqual([]);
    expect(e.skippedCounts.no_pre_price).toBe(1);
  });

  it('measures an article that arrives after its prices straight from history', () => {
    const e = engine({ watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 } });
    for (const [t, p] of [['10:00:00', 80], ['10:00:40', 80.8], ['10:03:00', 81]] as const) e.addTick(tick(`2026-06-01T${t}Z`, p), 0);
    e.addArticle(article('d', '2026-06-01T10:00:10Z'));
    const [i] = e.evaluate(0);
    expect([i.pre_price, i.post_price]).toEqual([80, 80.8]);
    expect(i.return_bps).toBeCloseTo(100, 10);
  });

  it('lets an idle source stop holding the watermark back', () => {
    const e = engine({ watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 10_000 } });
    e.addTick(tick('2026-06-01T10:00:00Z', 80, 'slow'), 0);
    e.addTick(tick('2026-06-01T10:00:00Z', 80, 'fast'), 0);
    e.addArticle(article('e', '2026-06-01T10:00:00Z'));
    e.addTick(tick('2026-06-01T10:02:00Z', 81, 'fast'), 1_000);
    expect(e.evaluate(1_000)).toEqual([]);
    // 20 s later 'slow' has said nothing: idle, the watermark follows 'fast'.
    const [i] = e.evaluate(20_000);
    expect(i.post_price).toBe(80);
  });
});

describe('ImpactEngine: trading clock and daily data', () => {
  // Daily closes stamped at 19:30 UTC, the end of the session: Thursday 4 June to Tuesday 9 June 2026.
  const closes: [string, number][] = [
    ['2026-06-01', 78],
    ['2026-06-02', 79],
    ['2026-06-03', 79.5],
    ['2026-06-04', 80],
    ['2026-06-05', 81],
    ['2026-06-08', 83],
    ['2026-06-09', 82],
  ];
  function dailyEngine(): ImpactEngine {
    const e = engine({ horizons: ['1d'], calendar: ICE_BRENT_CALENDAR, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 } });
    for (const [d, p] of closes) e.addTick(tick(`${d}T19:30:00Z`, p, 'eia'), 0);
    return e;
  }

  it('judges a Saturday headline from Friday\'s close by Monday\'s trading', () => {
    const e = dailyEngine();
    e.addArticle(article('sat', '2026-06-06T00:00:00Z', 'date'));
    const [i] = e.evaluate(0);
    // Event at the next open (Sunday 23:00); +1 day is one session later, Tuesday's open (Monday 23:00): the last price by then is Monday's close.
    expect(i).toMatchObject({ event_ts: '2026-06-07T23:00:00.000Z', pre_price: 81, pre_ts: '2026-06-05T19:30:00.000Z', post_price: 83, post_ts: '2026-06-08T19:30:00.000Z' });
    expect(i.return_bps).toBeCloseTo(bps(81, 83), 10);
  });

  it('places a date-only headline at the start of its day, so that day\'s close is after it (no look-ahead)', () => {
    const e = dailyEngine();
    e.addArticle(article('mon', '2026-06-08T15:45:00Z', 'date'));
    const [i] = e.evaluate(0);
    expect(i).toMatchObject({ published_at: '2026-06-08T15:45:00Z', event_ts: '2026-06-08T00:00:00.000Z', pre_price: 81, post_price: 83 });
  });

  it('measures a Friday headline from Thursday\'s close to Friday\'s, and its volatility windows skip the weekend', () => {
    const e = dailyEngine();
    e.addArticle(article('fri', '2026-06-05T00:00:00Z', 'date'));
    const [i] = e.evaluate(0);
    expect([i.pre_price, i.post_price]).toEqual([80, 81]);
    expect(i.return_bps).toBeCloseTo(125, 10);
    // Windows of one session back from Friday 00:00: Thursday 00:00 to Friday 00:00, then Wednesday 00:00 to Thursday 00:00:
    // returns Wed close -> Thu close and Tue close -> Wed close.
    const w1 = bps(79.5, 80);
    const w2 = bps(79, 79.5);
    const mean = (w1 + w2) / 2;
    const sd = Math.abs(w1 - w2) / Math.SQRT2;
    expect(i.abnormal_bps).toBeCloseTo(125 - mean, 10);
    expect(i.z).toBeCloseTo((125 - mean) / sd, 8);
  });

  it('waits for the watermark to pass Tuesday\'s open (Monday 23:00) before judging the weekend headline', () => {
    const e = engine({ horizons: ['1d'], calendar: ICE_BRENT_CALENDAR, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 } });
    for (const [d, p] of closes.slice(0, 6)) e.addTick(tick(`${d}T19:30:00Z`, p, 'eia'), 0);
    e.addArticle(article('sat', '2026-06-06T00:00:00Z', 'date'));
    expect(e.evaluate(0)).toEqual([]);
    e.addTick(tick('2026-06-08T23:00:00Z', 83.5, 'eia'), 0);
    expect(e.evaluate(0)).toEqual([]);
    e.addTick(tick('2026-06-09T19:30:00Z', 82, 'eia'), 0);
    // The tick at the target instant counts: the last price at or before Monday 23:00.
    expect(e.evaluate(0).map((i) => i.post_price)).toEqual([83.5]);
  });
});

describe('ImpactEngine: indicator context', () => {
  it('adds RSI, EMA, Bollinger bands and ATR from the bars before the event, and the move in ATRs', () => {
    const e = engine({ horizons: ['1d'], calendar: ALWAYS_OPEN, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 }, indicators: { bars: 30, rsiPeriod: 14, emaPeriod: 20, bbPeriod: 20, bbStdDev: 2, atrPeriod: 14 } });
    // 26 daily closes rising by exactly 1 each day: every true range is 1, every change a gain.
    const start = at('2026-01-01T19:30:00Z');
    for (let d = 0; d < 26; d++) e.addTick({ symbol: 'BRENT', ts: start + d * 86_400_000, price: 50 + d, identity: `d${d}`, source: 'eia' }, 0);
    // Published at 00:30 on day 24: the bars completed before it are days 0..23 (closes 50..73).
    e.addArticle(article('ind', new Date(start + 23 * 86_400_000 + 5 * 3_600_000).toISOString()));
    const [i] = e.evaluate(0);
    // Bars before the event: closes 50..73 (24 bars). ATR of constant true range 1 is 1; RSI of pure gains is 100;
    // EMA(20) of a line rising by 1 settles 9.5 below the last close... computed exactly here: seeded with the SMA of the first 20.
    let ema = (50 + 69) / 2;
    for (const c of [70, 71, 72, 73]) ema = (c - ema) * (2 / 21) + ema;
    const last20 = Array.from({ length: 20 }, (_, k) => 54 + k);
    const mid = last20.reduce((a, b) => a + b, 0) / 20;
    const sd = Math.sqrt(last20.reduce((a, b) => a + (b - mid) ** 2, 0) / 20);
    expect(i).toMatchObject({ indicator_interval: '1d', rsi: 100, atr: 1, pre_price: 73, post_price: 74, atr_move: 1 });
    expect(i.ema).toBeCloseTo(ema, 10);
    expect(i.bb_middle).toBeCloseTo(mid, 10);
    expect(i.bb_upper).toBeCloseTo(mid + 2 * sd, 10);
    expect(i.bb_lower).toBeCloseTo(mid - 2 * sd, 10);
  });
});

describe('ImpactEngine: pending articles indexed by due time', () => {
  it('emits what came due in one batch in arrival order of the articles, then their horizons, whatever order they came due in', () => {
    const e = engine({ horizons: ['1m', '5m'] });
    e.addTick(tick('2026-06-01T09:00:00Z', 80), 0);
    // b arrives second but is due first.
    e.addArticle(article('a', '2026-06-01T10:00:00Z'));
    e.addArticle(article('b', '2026-06-01T09:50:00Z'));
    expect(e.evaluate(0)).toEqual([]);
    e.addTick(tick('2026-06-01T10:06:00Z', 81), 0);
    const out = e.evaluate(0);
    expect(out.map((i) => `${i.article_id.slice(0, 1)}|${i.horizon}`)).toEqual(['a|1m', 'a|5m', 'b|1m', 'b|5m']);
    expect(e.pendingCount).toBe(0);
  });

  it('expires an article only once the watermark is past publication + the maximum age, not at it', () => {
    const e = engine({ horizons: ['60m'], maxPendingAgeMs: 60_000 });
    e.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    e.addArticle(article('x', '2026-06-01T10:00:00Z'));
    // Watermark = newest tick - 30 s - 1 ms: exactly publication + 60 s.
    e.addTick(tick('2026-06-01T10:01:30.001Z', 80.1), 0);
    expect(e.evaluate(0)).toEqual([]);
    expect(e.pendingCount).toBe(1);
    expect(e.skippedCounts.expired).toBe(0);
    e.addTick(tick('2026-06-01T10:01:30.002Z', 80.2), 0);
    expect(e.evaluate(0)).toEqual([]);
    expect(e.pendingCount).toBe(0);
    expect(e.skippedCounts.expired).toBe(1);
    expect(e.skipped.at(-1)).toMatchObject({ horizon: '60m', reason: 'expired' });
  });

  it('measures a daily horizon when the watermark reaches the next session, not before', () => {
    const e = engine({ horizons: ['1d'], calendar: ICE_BRENT_CALENDAR, maxPendingAgeMs: 14 * 86_400_000 });
    e.addTick(tick('2026-06-05T09:00:00Z', 80), 0); // a Friday
    e.addArticle(article('d', '2026-06-05T10:00:00Z'));
    // One session on: Monday 10:00 (the weekend is no trading time).
    e.addTick(tick('2026-06-08T10:00:30Z', 82), 0);
    expect(e.evaluate(0)).toEqual([]);
    e.addTick(tick('2026-06-08T10:00:30.001Z', 82.5), 0);
    const [d] = e.evaluate(0);
    // Target Monday 10:00; no tick between Friday 09:00 and it.
    expect(d).toMatchObject({ horizon: '1d', event_ts: '2026-06-05T10:00:00.000Z', post_ts: '2026-06-05T09:00:00.000Z', pre_price: 80, post_price: 80 });
  });

  it('keeps a result re-measurable until the watermark is the allowed lateness past its target, and drops it there', () => {
    const e = engine({ horizons: ['1m'], allowedLatenessMs: 120_000 });
    e.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    e.addArticle(article('r', '2026-06-01T10:00:00Z'));
    e.addTick(tick('2026-06-01T10:01:40Z', 80.5), 0);
    expect(e.evaluate(0)).toHaveLength(1);
    expect(e.retainedCount).toBe(1);
    // Watermark 10:02:59.999: one ms short of target 10:01 + 2 min.
    e.addTick(tick('2026-06-01T10:03:30Z', 81), 0);
    e.evaluate(0);
    expect(e.retainedCount).toBe(1);
    e.addTick(tick('2026-06-01T10:03:30.001Z', 81), 0);
    e.evaluate(0);
    expect(e.retainedCount).toBe(0);
  });

  it('earliestNeeded follows the earliest article still open for the symbol', () => {
    const e = engine({ horizons: ['1m'], volatilityWindows: 2 });
    expect(e.earliestNeeded('BRENT')).toBeUndefined();
    e.addTick(tick('2026-06-01T09:00:00Z', 80), 0);
    e.addArticle(article('late', '2026-06-01T12:00:00Z'));
    e.addArticle(article('early', '2026-06-01T10:00:00Z'));
    // Three one-minute windows before the earliest.
    expect(e.earliestNeeded('BRENT')).toBe(at('2026-06-01T09:57:00Z'));
    e.addTick(tick('2026-06-01T10:02:00Z', 80.5), 0);
    expect(e.evaluate(0)).toHaveLength(1);
    expect(e.earliestNeeded('BRENT')).toBe(at('2026-06-01T11:57:00Z'));
    e.addTick(tick('2026-06-01T12:02:00Z', 81), 0);
    e.evaluate(0);
    expect(e.earliestNeeded('BRENT')).toBeUndefined();
    expect(e.earliestNeeded('NOPE')).toBeUndefined();
  });
});

describe('ImpactEngine: articles and ticks it already knows, restarts, pruning', () => {
  it('refuses ticks of an unknown symbol and knows the ticks it holds', () => {
    const e = engine();
    const t = tick('2026-06-01T10:00:00Z', 80);
    expect(e.hasTick(t)).toBe(false);
    expect(e.addTick(t, 0)).toBe('accepted');
    expect(e.hasTick(t)).toBe(true);
    expect(e.addTick({ ...t, symbol: 'WTI' }, 0)).toBe('unknown_symbol');
    expect(e.hasTick({ symbol: 'WTI', identity: t.identity })).toBe(false);
    // A tick without a source counts for the source 'default'.
    e.addTick({ symbol: 'BRENT', ts: at('2026-06-01T10:00:10Z'), price: 80, identity: 'nosrc' }, 0);
    expect(e.watermarks.bySource('BRENT', 0).map((s) => s.source).sort()).toEqual(['default', 'feed']);
  });

  it('measures only the horizons not already done, and an article with all of them done is finished', () => {
    const e = engine({ horizons: ['1m', '5m'] });
    e.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    e.addArticle(article('p', '2026-06-01T10:00:00Z'), ['BRENT|1m']);
    e.addArticle(article('q', '2026-06-01T10:00:00Z'), ['BRENT|1m', 'BRENT|5m']);
    expect(e.pendingCount).toBe(1);
    e.addTick(tick('2026-06-01T10:06:00Z', 81), 0);
    expect(e.evaluate(0).map((i) => `${i.article_id.slice(0, 1)}|${i.horizon}`)).toEqual(['p|5m']);
    expect(e.pendingCount).toBe(0);
    // A finished article coming again (a redelivery) is not measured again.
    e.addArticle(article('p', '2026-06-01T10:00:00Z'));
    e.addArticle(article('q', '2026-06-01T10:00:00Z'));
    expect(e.pendingCount).toBe(0);
    e.addTick(tick('2026-06-01T10:20:00Z', 82), 0);
    expect(e.evaluate(0)).toEqual([]);
  });

  it('an article delivered again while pending keeps its place and takes the new delivery\'s fields', () => {
    const e = engine();
    e.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    e.addArticle(article('u', '2026-06-01T10:00:00Z'));
    e.addArticle({ ...article('u', '2026-06-01T10:00:00Z'), title: 'corrected title', relevance: 77 });
    expect(e.pendingCount).toBe(1);
    e.addTick(tick('2026-06-01T10:02:00Z', 81), 0);
    const out = e.evaluate(5_000);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ title: 'corrected title', relevance: 77, computed_at: '1970-01-01T00:00:05.000Z', horizon_seconds: 60, schema: 'news.impact/v1', symbol: 'BRENT' });
  });

  it('restores watermarks from the store for known symbols only; a loaded history moves none', () => {
    const e = engine();
    e.restoreWatermarks([
      { symbol: 'BRENT', source: 'feed', maxTs: at('2026-06-01T10:00:00Z'), lastSeenMs: 0 },
      { symbol: 'WTI', source: 'feed', maxTs: at('2026-06-01T11:00:00Z'), lastSeenMs: 0 },
    ]);
    expect(e.watermark('BRENT', 0)).toBe(at('2026-06-01T10:00:00Z') - 30_000 - 1);
    expect(e.watermark('WTI', 0)).toBe(-Infinity);
    // A tick behind the restored watermark is late, as before the restart.
    expect(e.addTick(tick('2026-06-01T09:59:00Z', 80), 0)).toBe('late');
    e.loadHistory('BRENT', [{ ts: at('2026-06-01T12:00:00Z'), price: 90, identity: 'h1' }]);
    e.loadHistory('WTI', [{ ts: at('2026-06-01T12:00:00Z'), price: 90, identity: 'h2' }]);
    expect(e.series.get('BRENT')!.length).toBe(2);
    expect(e.watermark('BRENT', 0)).toBe(at('2026-06-01T10:00:00Z') - 30_000 - 1);
  });

  it('prunes a series only past maxTicks and only what no open or re-measurable result needs', () => {
    const e = engine({ horizons: ['1m'], volatilityWindows: 2, allowedLatenessMs: 3_600_000 });
    const prices = Array.from({ length: 30 }, (_, i) => tick(new Date(at('2026-06-01T10:00:00Z') + i * 60_000).toISOString(), 80 + i / 10));
    for (const t of prices) e.addTick(t, 0);
    // No watermark-worthy need yet: at or under maxTicks nothing is pruned.
    expect(e.prune(0, 30, 5 * 60_000).size).toBe(0);
    const wm = e.watermark('BRENT', 0);
    // Keep 5 minutes behind the watermark.
    const cut = e.prune(0, 10, 5 * 60_000);
    expect(cut.get('BRENT')).toBe(wm - 5 * 60_000);
    expect(e.series.get('BRENT')!.first).toBe(at('2026-06-01T10:23:00Z'));
    // An open article needs its volatility windows: the cut-off goes back to them.
    e.addArticle(article('o', '2026-06-01T10:27:00Z'));
    const need = e.earliestNeeded('BRENT')!;
    for (let i = 30; i < 40; i++) e.addTick(tick(new Date(at('2026-06-01T10:00:00Z') + i * 60_000 + 30_000).toISOString(), 90), 0);
    const before = e.evaluate(0);
    expect(before).toHaveLength(1);
    // Retained for re-measurement: its publication less keepMs bounds the cut-off.
    const cut2 = e.prune(0, 5, 60_000);
    expect(cut2.get('BRENT')).toBe(at('2026-06-01T10:27:00Z') - 60_000);
    expect(need).toBeLessThan(at('2026-06-01T10:27:00Z'));
  });

  it('does not prune a symbol without a watermark', () => {
    const e = engine();
    e.loadHistory('BRENT', Array.from({ length: 20 }, (_, i) => ({ ts: i * 1000, price: 80, identity: `h${i}` })));
    expect(e.prune(0, 5, 1000).size).toBe(0);
    expect(e.series.get('BRENT')!.length).toBe(20);
  });

  it('keeps the last 1000 skips, and counts all of them', () => {
    const e = engine();
    for (let i = 0; i < 1001; i++) e.addArticle(article(`s${String(i).padStart(4, '0')}`, '2026-06-01T09:00:00Z'));
    e.addTick(tick('2026-06-01T10:00:00Z', 80), 0);
    expect(e.evaluate(0)).toEqual([]);
    expect(e.skippedCounts.no_pre_price).toBe(1001);
    expect(e.skipped).toHaveLength(1000);
    expect(e.skipped[0].article_id).toBe('s0001000');
  });
});

describe('ImpactEngine: defaults, bar boundaries of the indicator context, and bounds', () => {
  const small = { bars: 5, rsiPeriod: 2, emaPeriod: 2, bbPeriod: 2, bbStdDev: 2, atrPeriod: 2 };

  it('uses the default indicators, a 5 s out-of-orderness and 60 s idle timeout unless told otherwise', () => {
    const e = new ImpactEngine({ symbols: ['BRENT'], horizons: ['1m'], volatilityWindows: 2, maxPendingAgeMs: 86_400_000, calendar: ALWAYS_OPEN });
    e.addTick(tick('2026-06-01T10:00:00Z', 80), 0);
    expect(e.watermark('BRENT', 0)).toBe(at('2026-06-01T10:00:00Z') - 5_001);
    // A second source seen 61 s later: the first is idle after 60 s, so the newcomer alone holds the watermark (which never goes back).
    e.addTick(tick('2026-06-01T10:00:20Z', 80, 'other'), 61_000);
    expect(e.watermark('BRENT', 61_000)).toBe(at('2026-06-01T10:00:20Z') - 5_001);
    expect(e.watermark('BRENT', 60_000)).toBe(at('2026-06-01T10:00:20Z') - 5_001);
    e.addArticle(article('dflt', '2026-06-01T10:00:00Z'));
    e.addTick(tick('2026-06-01T10:02:00Z', 81, 'other'), 61_000);
    const [i] = e.evaluate(61_000);
    expect(i.indicator_interval).toBe('1m');
    expect(e.earliestNeeded('BRENT')).toBeUndefined();
    e.addArticle(article('dflt2', '2026-06-01T11:00:00Z'));
    // 60 default bars of one minute, two more, and a fifth of that again for holidays; beyond the three volatility windows.
    const span = 60_000 * (DEFAULT_INDICATORS.bars + 2);
    expect(e.earliestNeeded('BRENT')).toBe(at('2026-06-01T11:00:00Z') - span - span / 5);
  });

  it('earliestNeeded takes the longest horizon for the windows and the longest bar for the indicators', () => {
    const e = engine({ horizons: ['1m', '5m'], volatilityWindows: 2 });
    e.addArticle(article('w', '2026-06-01T10:00:00Z'));
    expect(e.earliestNeeded('BRENT')).toBe(at('2026-06-01T10:00:00Z') - 3 * 5 * 60_000);
    const d = engine({ horizons: ['1m', '1d'], volatilityWindows: 2, indicators: small });
    d.addArticle(article('w', '2026-06-01T10:00:00Z'));
    const span = 86_400_000 * (small.bars + 2);
    expect(d.earliestNeeded('BRENT')).toBe(Math.min(at('2026-06-01T10:00:00Z') - 3 * 86_400_000, at('2026-06-01T10:00:00Z') - span - span / 5));
  });

  it('1m context: the bars of the minutes completed before the event\'s own minute, a tick at its first instant excluded', () => {
    const e = engine({ horizons: ['1m'], indicators: small });
    const closes = [80, 82, 81, 85, 84, 86];
    closes.forEach((p, k) => e.addTick(tick(new Date(at('2026-06-01T10:00:30Z') + k * 60_000).toISOString(), p), 0));
    // In the event's minute (10:06): at its first instant and before publication; neither is in a completed bar.
    e.addTick(tick('2026-06-01T10:06:00Z', 99), 0);
    e.addTick(tick('2026-06-01T10:06:10Z', 98), 0);
    e.addArticle(article('m', '2026-06-01T10:06:20Z'));
    e.addTick(tick('2026-06-01T10:08:00Z', 90), 0);
    const [i] = e.evaluate(0);
    // EMA(2) of the last five closes 82, 81, 85, 84, 86, seeded with the mean of the first two.
    let ema = (82 + 81) / 2;
    for (const c of [85, 84, 86]) ema = (c - ema) * (2 / 3) + ema;
    expect(i.indicator_interval).toBe('1m');
    expect(i.ema).toBeCloseTo(ema, 10);
    expect(i.bb_middle).toBeCloseTo(85, 10);
  });

  it('1d context: session days before the event\'s session, which opens at 23:00 the evening before', () => {
    const e = engine({ horizons: ['1d'], indicators: small, calendar: ALWAYS_OPEN });
    // Closes at 19:30 on 1-4 June; a tick at 23:30 on 4 June belongs to 5 June's session.
    [70, 72, 71, 75].forEach((p, k) => e.addTick(tick(new Date(at('2026-06-01T19:30:00Z') + k * 86_400_000).toISOString(), p), 0));
    e.addTick(tick('2026-06-04T23:30:00Z', 99), 0);
    e.addArticle(article('d', '2026-06-05T10:00:00Z'));
    e.addTick(tick('2026-06-06T10:01:00Z', 76), 0);
    const [i] = e.evaluate(0);
    let ema = (70 + 72) / 2;
    for (const c of [71, 75]) ema = (c - ema) * (2 / 3) + ema;
    expect(i.indicator_interval).toBe('1d');
    expect(i.ema).toBeCloseTo(ema, 10);
    expect(i.bb_middle).toBeCloseTo(73, 10);
  });

  it('a late tick in the past changes the context of a result measured again', () => {
    const e = engine({ horizons: ['1m'], indicators: small, allowedLatenessMs: 3_600_000 });
    [80, 82, 81, 85].forEach((p, k) => e.addTick(tick(new Date(at('2026-06-01T10:00:30Z') + k * 60_000).toISOString(), p), 0));
    e.addArticle(article('c', '2026-06-01T10:04:20Z'));
    e.addTick(tick('2026-06-01T10:06:00Z', 86), 0);
    const [first] = e.evaluate(0);
    expect(first.bb_middle).toBeCloseTo(83, 10);
    // A late tick in the last completed minute, also inside the measured window's pre-event part: the bars change.
    expect(e.addTick(tick('2026-06-01T10:03:50Z', 95), 0)).toBe('late');
    const [second] = e.evaluate(0);
    expect(second.version).toBe(2);
    expect(second.bb_middle).toBeCloseTo((81 + 95) / 2, 10);
  });

  it('calls a tick at the watermark late and one the allowed lateness behind it too late', () => {
    const e = engine({ allowedLatenessMs: 120_000 });
    e.addTick(tick('2026-06-01T10:00:00Z', 80), 0);
    const wm = e.watermark('BRENT', 0);
    const t = (ts: number) => ({ symbol: 'BRENT', ts, price: 80, identity: `x|${ts}`, source: 'feed' });
    expect(e.addTick(t(wm + 1), 0)).toBe('accepted');
    expect(e.addTick(t(wm), 0)).toBe('late');
    expect(e.addTick(t(wm - 120_000), 0)).toBe('too_late');
    expect(e.addTick(t(wm - 119_999), 0)).toBe('late');
  });

  it('forgets the oldest finished article past 200,000 of them', () => {
    const e = engine();
    const id = (k: number) => `f${String(k).padStart(7, '0')}`;
    for (let k = 0; k <= 200_000; k++) e.addArticle({ ...article('f', '2026-06-01T10:00:00Z'), id: id(k) }, ['BRENT|1m']);
    // The newest are still known as finished; the very first is not any more and is measured again.
    e.addArticle({ ...article('f', '2026-06-01T10:00:00Z'), id: id(200_000) });
    e.addArticle({ ...article('f', '2026-06-01T10:00:00Z'), id: id(1) });
    expect(e.pendingCount).toBe(0);
    e.addArticle({ ...article('f', '2026-06-01T10:00:00Z'), id: id(0) });
    expect(e.pendingCount).toBe(1);
  });
});

describe('ImpactEngine: re-measurement, result fields and the order of results', () => {
  it('emits a re-measurement only when the measurement changed, and for the late tick\'s symbol only', () => {
    const e = new ImpactEngine({ symbols: ['BRENT', 'WTI'], horizons: ['1m'], volatilityWindows: 2, maxPendingAgeMs: 86_400_000, calendar: ALWAYS_OPEN, watermark: { maxOutOfOrdernessMs: 30_000, idleTimeoutMs: 1e12 }, allowedLatenessMs: 3_600_000, indicators: null });
    const tk = (symbol: string, iso: string, price: number) => ({ symbol, ts: at(iso), price, identity: `${symbol}|${iso}|${price}`, source: 'feed' });
    for (const s of ['BRENT', 'WTI']) {
      e.addTick(tk(s, '2026-06-01T09:57:00Z', 79), 0);
      e.addTick(tk(s, '2026-06-01T09:58:00Z', 79.5), 0);
      e.addTick(tk(s, '2026-06-01T09:59:00Z', 80), 0);
      e.addTick(tk(s, '2026-06-01T10:00:40Z', 81), 0);
    }
    e.addArticle(article('rm', '2026-06-01T10:00:00Z'));
    for (const s of ['BRENT', 'WTI']) e.addTick(tk(s, '2026-06-01T10:02:00Z', 82), 0);
    expect(e.evaluate(0).map((i) => i.symbol)).toEqual(['BRENT', 'WTI']);
    expect(e.retainedCount).toBe(2);
    // A late tick long before the windows: nothing changes, nothing is emitted.
    expect(e.addTick(tk('BRENT', '2026-06-01T09:30:00Z', 50), 0)).toBe('late');
    expect(e.evaluate(0)).toEqual([]);
    // A late tick with the pre-event price, later than the old pre tick: only pre_ts changes, and that is a new version.
    e.addTick(tk('BRENT', '2026-06-01T09:59:30Z', 80), 0);
    const [pre] = e.evaluate(0);
    expect(pre).toMatchObject({ symbol: 'BRENT', pre_ts: '2026-06-01T09:59:30.000Z', pre_price: 80, version: 2 });
    // The same for the post price on WTI: only post_ts changes.
    e.addTick(tk('WTI', '2026-06-01T10:00:50Z', 81), 0);
    const out = e.evaluate(0);
    expect(out.map((i) => [i.symbol, i.post_ts, i.version])).toEqual([['WTI', '2026-06-01T10:00:50.000Z', 2]]);
    expect(e.revisions).toBe(2);
  });

  it('carries sar with two windows, a time-of-day z and leakage return on intraday horizons only, and the move in ATRs', () => {
    const e = engine({ horizons: ['1m', '1d'], volatilityWindows: 2, indicators: { bars: 5, rsiPeriod: 2, emaPeriod: 2, bbPeriod: 2, bbStdDev: 2, atrPeriod: 2 } });
    ['09:55', '09:56', '09:57', '09:58', '09:59'].forEach((hm, k) => e.addTick(tick(`2026-06-01T${hm}:00Z`, [80, 82, 81, 84, 83][k]), 0));
    e.addArticle(article('f', '2026-06-01T10:00:00Z'));
    e.addTick(tick('2026-06-01T10:00:30Z', 85), 0);
    e.addTick(tick('2026-06-02T10:01:00Z', 86), 0);
    const [m1, d1] = e.evaluate(0);
    expect([m1.horizon, d1.horizon]).toEqual(['1m', '1d']);
    expect(m1.estimation_windows).toBe(2);
    expect(m1.sar).toBeCloseTo(m1.abnormal_bps! / (m1.pre_vol_bps! * Math.sqrt(1 + 1 / 2)), 12);
    expect('tod_z' in m1 && 'pre_event_bps' in m1).toBe(true);
    expect(m1.tod_z).toBeNull();
    expect('tod_z' in d1 || 'pre_event_bps' in d1).toBe(false);
    expect(m1.atr).toBeGreaterThan(1);
    expect(m1.atr_move).toBeCloseTo((m1.post_price - m1.pre_price) / m1.atr!, 12);
  });

  it('gives no sar or ATR move on a flat market', () => {
    const e = engine({ horizons: ['1m'], volatilityWindows: 2, indicators: { bars: 5, rsiPeriod: 2, emaPeriod: 2, bbPeriod: 2, bbStdDev: 2, atrPeriod: 2 } });
    ['09:55', '09:56', '09:57', '09:58', '09:59'].forEach((hm) => e.addTick(tick(`2026-06-01T${hm}:00Z`, 80), 0));
    e.addArticle(article('z', '2026-06-01T10:00:00Z'));
    e.addTick(tick('2026-06-01T10:02:00Z', 81), 0);
    const [i] = e.evaluate(0);
    expect([i.pre_vol_bps, i.sar, i.z, i.atr, i.atr_move]).toEqual([0, null, null, 0, null]);
  });

  it('gives results of one article in the order of its horizons, and keeps it pending until its last', () => {
    const e = engine({ horizons: ['5m', '1m'] });
    e.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    e.addArticle(article('o', '2026-06-01T10:00:00Z'));
    e.addTick(tick('2026-06-01T10:02:00Z', 81), 0);
    expect(e.evaluate(0).map((i) => i.horizon)).toEqual(['1m']);
    expect(e.pendingCount).toBe(1);
    e.addTick(tick('2026-06-01T10:06:00Z', 82), 0);
    expect(e.evaluate(0).map((i) => i.horizon)).toEqual(['5m']);
    expect(e.pendingCount).toBe(0);
    const both = engine({ horizons: ['5m', '1m'] });
    both.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    both.addArticle(article('o', '2026-06-01T10:00:00Z'));
    both.addTick(tick('2026-06-01T10:06:00Z', 82), 0);
    expect(both.evaluate(0).map((i) => i.horizon)).toEqual(['5m', '1m']);
  });

  it('an article without an earlier price is skipped once, not at every evaluation', () => {
    const e = engine();
    e.addTick(tick('2026-06-01T10:00:00Z', 80), 0);
    e.addArticle(article('n', '2026-06-01T09:00:00Z'));
    e.evaluate(0);
    e.addTick(tick('2026-06-01T10:05:00Z', 80), 0);
    e.evaluate(0);
    expect(e.skippedCounts.no_pre_price).toBe(1);
    expect(e.skipped).toEqual([{ article_id: 'n0000000', symbol: 'BRENT', horizon: '1m', reason: 'no_pre_price' }]);
    expect(e.pendingCount).toBe(0);
  });

  it('an intraday horizon over the weekend waits for Monday\'s trading without expiring', () => {
    const e = engine({ horizons: ['60m'], calendar: ICE_BRENT_CALENDAR, maxPendingAgeMs: 14 * 86_400_000 });
    e.addTick(tick('2026-06-05T21:00:00Z', 80), 0); // a Friday, the close at 22:00
    e.addArticle(article('wk', '2026-06-05T21:30:00Z'));
    // Saturday: more than an hour after publication, but only 30 minutes of trading time have passed.
    e.addTick(tick('2026-06-06T12:00:00Z', 80.5), 0);
    expect(e.evaluate(0)).toEqual([]);
    expect([e.pendingCount, e.skippedCounts.expired]).toEqual([1, 0]);
    e.addTick(tick('2026-06-07T23:20:00Z', 81), 0);
    e.addTick(tick('2026-06-08T00:10:00Z', 82), 0);
    const [i] = e.evaluate(0);
    // Target: Sunday 23:30 (30 minutes on Friday, 30 after Sunday's open).
    expect(i).toMatchObject({ pre_price: 80, post_price: 81, post_ts: '2026-06-07T23:20:00.000Z' });
  });
});

describe('ImpactEngine: expiry of a daily horizon, a time-of-day z without an abnormal return, pruning for an open article', () => {
  it('expires a daily horizon only once the watermark is past publication + the maximum age, not at it', () => {
    const e = engine({ horizons: ['1d'], maxPendingAgeMs: 60_000 });
    e.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    e.addArticle(article('x', '2026-06-01T10:00:00Z'));
    // Watermark = newest tick - 30 s - 1 ms: exactly publication + 60 s, far from the next day.
    e.addTick(tick('2026-06-01T10:01:30.001Z', 80.1), 0);
    expect(e.evaluate(0)).toEqual([]);
    expect([e.pendingCount, e.skippedCounts.expired]).toEqual([1, 0]);
    e.addTick(tick('2026-06-01T10:01:30.002Z', 80.2), 0);
    expect(e.evaluate(0)).toEqual([]);
    expect([e.pendingCount, e.skippedCounts.expired]).toEqual([0, 1]);
  });

  it('has no time-of-day z without an abnormal return, even with a time-of-day volatility', () => {
    const e = engine({ horizons: ['1m'], volatilityWindows: 0, maxPendingAgeMs: 14 * 86_400_000 });
    for (const d of ['2026-05-30', '2026-05-31']) {
      e.addTick(tick(`${d}T10:00:00Z`, 80), 0);
      e.addTick(tick(`${d}T10:00:30Z`, d.endsWith('30') ? 80.4 : 79.9), 0);
    }
    e.addTick(tick('2026-06-01T09:59:00Z', 80), 0);
    e.addArticle(article('t', '2026-06-01T10:00:00Z'));
    e.addTick(tick('2026-06-01T10:02:00Z', 81), 0);
    const [i] = e.evaluate(0);
    expect([i.estimation_windows, i.abnormal_bps, i.tod_z]).toEqual([0, null, null]);
  });

  it('prunes no further back than an open article needs', () => {
    const e = engine({ horizons: ['60m'], volatilityWindows: 2 });
    for (let k = 0; k < 30; k++) e.addTick(tick(new Date(at('2026-06-01T10:00:00Z') + k * 60_000).toISOString(), 80), 0);
    e.addArticle(article('open', '2026-06-01T10:27:00Z'));
    const need = e.earliestNeeded('BRENT')!;
    expect(need).toBe(at('2026-06-01T07:27:00Z'));
    expect(e.prune(0, 10, 60_000).get('BRENT')).toBe(need);
    expect(e.series.get('BRENT')!.length).toBe(30);
  });
});
