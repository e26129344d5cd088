import type { PriceSeries } from './price-series.ts';

export interface ImpactMeasurement {
  preTs: number;
  prePrice: number;
  postTs: number;
  postPrice: number;
  returnBps: number;
  /** Return minus the mean pre-event return over windows of the same length. */
  abnormalBps: number | null;
  /** Standard deviation of those pre-event returns. */
  preVolBps: number | null;
  z: number | null;
}

export type MeasureOutcome = { status: 'done'; result: ImpactMeasurement } | { status: 'pending' } | { status: 'no_pre_price' };

export function returnBps(from: number, to: number): number {
  return (to / from - 1) * 10_000;
}

/**
 * Measures the price reaction to an event at `eventTs` over `horizonMs`.
 * Pre-event price: the last tick at or before the event. Post price: the last tick at
 * or before event + horizon, known only once the watermark has passed that instant.
 * Normal volatility comes from `windows` back-to-back windows of the same length ending at the event.
 */
export function measureImpact(series: PriceSeries, eventTs: number, horizonMs: number, watermark: number, windows: number): MeasureOutcome {
  const target = eventTs + horizonMs;
  if (watermark < target) return { status: 'pending' };
  const pre = series.atOrBefore(eventTs);
  if (!pre) return { status: 'no_pre_price' };
  const post = series.atOrBefore(target);
  if (!post) return { status: 'pending' };
  const r = returnBps(pre.price, post.price);
  const past: number[] = [];
  for (let i = 0; i < windows; i++) {
    const end = series.atOrBefore(eventTs - i * horizonMs);
    const start = series.atOrBefore(eventTs - (i + 1) * horizonMs);
    if (!end || !start) break;
    past.push(returnBps(start.price, end.price));
  }
  let abnormal: number | null = null;
  let vol: number | null = null;
  let z: number | null = null;
  if (past.length >= 2) {
    const mean = past.reduce((a, b) => a + b, 0) / past.length;
    const variance = past.reduce((a, b) => a + (b - mean) ** 2, 0) / (past.length - 1);
    abnormal = r - mean;
    vol = Math.sqrt(variance);
    z = vol > 0 ? abnormal / vol : null;
  }
  return { status: 'done', result: { preTs: pre.ts, prePrice: pre.price, postTs: post.ts, postPrice: post.price, returnBps: r, abnormalBps: abnormal, preVolBps: vol, z } };
}
