import { describe, expect, it } from 'vitest';
import { barsUntil, indicatorContext } from '../../../../../services/correlator/domain/indicators.ts';
import { PriceSeries } from '../../../../../services/correlator/domain/price-series.ts';

const at = (iso: string) => Date.parse(iso);

describe('barsUntil', () => {
  const s = new PriceSeries();
  const ticks: [string, number][] = [
    ['2026-06-01T10:00:05Z', 80.0],
    ['2026-06-01T10:00:40Z', 80.5],
    ['2026-06-01T10:00:20Z', 79.5],
    ['2026-06-01T10:01:10Z', 81.0],
    ['2026-06-01T10:01:50Z', 80.8],
    ['2026-06-01T10:03:00Z', 82.0],
  ];
  ticks.forEach(([t, p], i) => s.insert(at(t), p, `x|${i}`));

  it('builds 1-minute OHLC bars in time order whatever order the ticks came in, skipping empty minutes', () => {
    expect(barsUntil(s, at('2026-06-01T10:05:00Z'), '1m', 10).map(({ open, high, low, close, ticks: n }) => [open, high, low, close, n])).toEqual([
      [80.0, 80.5, 79.5, 80.5, 3],
      [81.0, 81.0, 80.8, 80.8, 2],
      [82.0, 82.0, 82.0, 82.0, 1],
    ]);
  });

  it('uses nothing after the cut-off: the last bar is partial, as a trader saw it then', () => {
    expect(barsUntil(s, at('2026-06-01T10:01:30Z'), '1m', 10).map((b) => [b.open, b.close, b.ticks])).toEqual([
      [80.0, 80.5, 3],
      [81.0, 81.0, 1],
    ]);
  });

  it('keeps only the most recent bars', () => {
    expect(barsUntil(s, at('2026-06-01T10:05:00Z'), '1m', 2).map((b) => b.close)).toEqual([80.8, 82.0]);
  });

  it('groups daily bars by trading day (a tick after 23:00 UTC opens the next day)', () => {
    const d = new PriceSeries();
    d.insert(at('2026-06-01T19:30:00Z'), 80, 'a');
    d.insert(at('2026-06-01T23:30:00Z'), 81, 'b');
    d.insert(at('2026-06-02T10:00:00Z'), 82, 'c');
    expect(barsUntil(d, at('2026-06-03T00:00:00Z'), '1d', 5).map((b) => [b.open, b.close])).toEqual([
      [80, 80],
      [81, 82],
    ]);
  });
});

describe('indicatorContext', () => {
  it('is null where there are too few bars for a period', () => {
    const ctx = indicatorContext([{ bucket: 1, open: 1, high: 1, low: 1, close: 1, ticks: 1 }], '1m');
    expect(ctx).toEqual({ interval: '1m', bars: 1, rsi: null, ema: null, bb_upper: null, bb_middle: null, bb_lower: null, bb_pct_b: null, atr: null });
  });

  it('gives flat bands and zero ATR on a flat market', () => {
    const bars = Array.from({ length: 30 }, (_, i) => ({ bucket: i, open: 70, high: 70, low: 70, close: 70, ticks: 1 }));
    const ctx = indicatorContext(bars, '1d');
    expect(ctx).toMatchObject({ ema: 70, bb_upper: 70, bb_middle: 70, bb_lower: 70, atr: 0 });
    // %b is 0 / 0 between flat bands: the library's NaN is reported as no value.
    expect(ctx.bb_pct_b).toBeNull();
  });
});

describe('PriceSeries.merge', () => {
  it('merges a history in one pass, skipping known identities, and marks the revision when the past changed', () => {
    const s = new PriceSeries();
    s.insert(10, 1, 'a');
    s.insert(30, 3, 'c');
    const r0 = s.revision;
    expect(s.merge([{ ts: 20, price: 2, identity: 'b' }, { ts: 30, price: 3, identity: 'c' }, { ts: 5, price: 0.5, identity: 'z' }])).toBe(2);
    expect([s.ts, s.price]).toEqual([[5, 10, 20, 30], [0.5, 1, 2, 3]]);
    expect(s.revision).toBeGreaterThan(r0);
    expect(s.merge([{ ts: 40, price: 4, identity: 'd' }])).toBe(1);
    expect(s.atOrBefore(35)).toEqual({ ts: 30, price: 3 });
  });
});

describe('barsUntil: bounds', () => {
  const s = new PriceSeries();
  [80, 81, 82, 83].forEach((p, i) => s.insert(at('2026-06-01T10:00:00Z') + i * 60_000, p, `m|${i}`));

  it('includes a tick exactly at the cut-off, and keeps exactly maxBars bars', () => {
    expect(barsUntil(s, at('2026-06-01T10:02:00Z'), '1m', 10).map((b) => b.close)).toEqual([80, 81, 82]);
    expect(barsUntil(s, at('2026-06-01T10:03:00Z'), '1m', 4).map((b) => b.close)).toEqual([80, 81, 82, 83]);
    expect(barsUntil(s, at('2026-06-01T10:03:00Z'), '1m', 3).map((b) => b.close)).toEqual([81, 82, 83]);
    expect(barsUntil(s, at('2026-06-01T10:03:00Z'), '1m', 1).map((b) => [b.bucket, b.close, b.ticks])).toEqual([[at('2026-06-01T10:03:00Z') / 60_000, 83, 1]]);
    expect(barsUntil(s, at('2026-06-01T09:59:59Z'), '1m', 5)).toEqual([]);
  });

  it('tracks the high and the low inside a bar', () => {
    const b = new PriceSeries();
    [81, 79, 83, 80].forEach((p, i) => b.insert(at('2026-06-01T10:00:00Z') + i * 10_000, p, `b|${i}`));
    expect(barsUntil(b, at('2026-06-01T10:00:59Z'), '1m', 5)).toEqual([{ bucket: at('2026-06-01T10:00:00Z') / 60_000, open: 81, high: 83, low: 79, close: 80, ticks: 4 }]);
  });
});

describe('indicatorContext: periods and values', () => {
  const bar = (i: number, close: number) => ({ bucket: i, open: close, high: close + 0.5, low: close - 0.5, close, ticks: 1 });
  const spec = { bars: 10, rsiPeriod: 3, emaPeriod: 4, bbPeriod: 4, bbStdDev: 2, atrPeriod: 3 };

  it('EMA and the bands from exactly their period of bars, RSI and ATR from one more', () => {
    const four = [10, 11, 12, 13].map((c, i) => bar(i, c));
    const ctx = indicatorContext(four, '1m', spec);
    // Four closes, period 4: the EMA is seeded with their mean; the bands are the mean +- 2 population sd.
    expect(ctx.ema).toBeCloseTo(11.5, 9);
    expect(ctx.bb_middle).toBeCloseTo(11.5, 9);
    const sd = Math.sqrt((2.25 + 0.25 + 0.25 + 2.25) / 4);
    expect(ctx.bb_upper).toBeCloseTo(11.5 + 2 * sd, 9);
    expect(ctx.bb_lower).toBeCloseTo(11.5 - 2 * sd, 9);
    expect(ctx.bb_pct_b).toBeCloseTo((13 - (11.5 - 2 * sd)) / (4 * sd), 9);
    expect(ctx.rsi).not.toBeNull();
    expect(ctx.atr).not.toBeNull();
    const three = indicatorContext(four.slice(0, 3), '1m', spec);
    expect([three.ema, three.bb_middle, three.rsi, three.atr]).toEqual([null, null, null, null]);
    // Only rising closes: RSI 100; each bar's true range is its high over the previous close, 1.5: ATR 1.5.
    expect(ctx.rsi).toBe(100);
    expect(ctx.atr).toBeCloseTo(1.5, 9);
    expect([ctx.interval, ctx.bars]).toEqual(['1m', 4]);
  });
});
