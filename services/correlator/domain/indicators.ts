import { ATR, BollingerBands, EMA, RSI } from 'technicalindicators';
import type { PriceSeries } from './price-series.ts';
import { sessionDay } from './trading-calendar.ts';

export type BarInterval = '1m' | '1d';

export interface Bar {
  /** Bucket number: minutes since the epoch, or session days. */
  bucket: number;
  open: number;
  high: number;
  low: number;
  close: number;
  ticks: number;
}

export interface IndicatorSpec {
  /** Bars read before the event (more bars settle RSI's and ATR's smoothing). */
  bars: number;
  rsiPeriod: number;
  emaPeriod: number;
  bbPeriod: number;
  bbStdDev: number;
  atrPeriod: number;
}

export const DEFAULT_INDICATORS: IndicatorSpec = { bars: 60, rsiPeriod: 14, emaPeriod: 20, bbPeriod: 20, bbStdDev: 2, atrPeriod: 14 };

export interface IndicatorContext {
  interval: BarInterval;
  /** Bars the indicators were computed on. */
  bars: number;
  rsi: number | null;
  ema: number | null;
  bb_upper: number | null;
  bb_middle: number | null;
  bb_lower: number | null;
  /** Where the last close sits in the bands: 0 at the lower band, 1 at the upper. */
  bb_pct_b: number | null;
  atr: number | null;
}

const bucketOf = (interval: BarInterval, ts: number) => (interval === '1m' ? Math.floor(ts / 60_000) : sessionDay(ts));

/**
 * OHLC bars of the ticks at or before `untilTs` (the last one may be partial: it is what a
 * trader saw at that instant, never a price from after it). The same buckets as the SQL
 * views `bars_1m` and `bars_1d`; minutes or days with no tick have no bar.
 */
export function barsUntil(series: PriceSeries, untilTs: number, interval: BarInterval, maxBars: number): Bar[] {
  const out: Bar[] = [];
  let i = series.upperBound(untilTs) - 1;
  let cur: Bar | undefined;
  for (; i >= 0; i--) {
    const ts = series.ts[i];
    const p = series.price[i];
    const b = bucketOf(interval, ts);
    if (!cur || cur.bucket !== b) {
      if (cur) out.push(cur);
      if (out.length >= maxBars) break;
      cur = { bucket: b, open: p, high: p, low: p, close: p, ticks: 0 };
    }
    // Walking backwards: each earlier tick becomes the open.
    cur.open = p;
    if (p > cur.high) cur.high = p;
    if (p < cur.low) cur.low = p;
    cur.ticks++;
  }
  if (cur && out.length < maxBars && out[out.length - 1] !== cur) out.push(cur);
  return out.reverse();
}

const lastOf = <T>(xs: T[]): T | null => (xs.length ? xs[xs.length - 1] : null);

/** RSI, EMA, Bollinger bands and ATR (technicalindicators) at the last of the bars; null where there are too few bars. */
export function indicatorContext(bars: Bar[], interval: BarInterval, spec: IndicatorSpec = DEFAULT_INDICATORS): IndicatorContext {
  const close = bars.map((b) => b.close);
  const high = bars.map((b) => b.high);
  const low = bars.map((b) => b.low);
  const rsi = close.length > spec.rsiPeriod ? lastOf(RSI.calculate({ period: spec.rsiPeriod, values: close })) : null;
  const ema = close.length >= spec.emaPeriod ? lastOf(EMA.calculate({ period: spec.emaPeriod, values: close })) : null;
  const bb = close.length >= spec.bbPeriod ? lastOf(BollingerBands.calculate({ period: spec.bbPeriod, stdDev: spec.bbStdDev, values: close })) : null;
  const atr = close.length > spec.atrPeriod ? lastOf(ATR.calculate({ period: spec.atrPeriod, high, low, close })) : null;
  const finite = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    interval,
    bars: bars.length,
    rsi: finite(rsi),
    ema: finite(ema),
    bb_upper: finite(bb?.upper),
    bb_middle: finite(bb?.middle),
    bb_lower: finite(bb?.lower),
    bb_pct_b: finite(bb?.pb),
    atr: finite(atr),
  };
}
