/**
 * Event and estimation windows on a price series, for the event-study statistics: the
 * mean-adjusted model (normal return = mean of the T windows of the same length just before
 * the event), on daily closes or on one-minute bars. Pure: series in, numbers out.
 */
import type { EventObservation } from './event-tests.ts';
import { DAY_MS as DAY } from '../../../../shared/contracts/time.ts';

export interface PricePoint {
  /** Time of the price (ms): a daily close's last tick, a bar's last tick. */
  t: number;
  close: number;
}

const bps = (a: number, b: number) => (b / a - 1) * 10_000;

/** Index of the last point at or before t (-1: none). */
export function lastAtOrBefore(series: readonly PricePoint[], t: number): number {
  let lo = 0;
  let hi = series.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (series[mid].t <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * `next-session` (the default of `oilwire study`): from the last close at or before the moment
 * the information is known in full (the end of the day for a date-only headline, the
 * timestamp otherwise) to the next close: a return one could have traded. `same-day`: a
 * date-only headline from the close before its day to the next close, which contains the move
 * the headline may be reporting (timed headlines measure the same in both).
 */
export type DailyMeasure = 'next-session' | 'same-day';

export function dailyStartIndex(closes: readonly PricePoint[], h: { ts: number; precision: 'date' | 'time' }, measure: DailyMeasure): number {
  if (h.precision === 'time') return lastAtOrBefore(closes, h.ts);
  const dayStart = h.ts - (((h.ts % DAY) + DAY) % DAY);
  return measure === 'next-session' ? lastAtOrBefore(closes, dayStart + DAY - 1) : lastAtOrBefore(closes, dayStart - 1);
}

/**
 * The observation over closes s -> s + 1 with up to T one-step estimation windows before s
 * (at least 2, as the correlator; null: no later close or too few earlier ones).
 */
export function dailyObservation(closes: readonly PricePoint[], s: number, estimationWindows: number): (EventObservation & { r: number }) | null {
  const windows = Math.min(estimationWindows, s);
  if (windows < 2 || s + 1 >= closes.length) return null;
  const est: number[] = [];
  for (let k = 0; k < windows; k++) est.push(bps(closes[s - k - 1].close, closes[s - k].close));
  return observation(bps(closes[s].close, closes[s + 1].close), est, closes[s].t, closes[s + 1].t);
}

/** Returns over T back-to-back windows of `lengthMs` ending at `start`, newest first, on the last prices at or before each end (clock time). */
export function windowReturns(series: readonly PricePoint[], start: number, lengthMs: number, windows: number): number[] {
  const out: number[] = [];
  let end = start;
  for (let k = 0; k < windows; k++) {
    const a = lastAtOrBefore(series, end - lengthMs);
    const b = lastAtOrBefore(series, end);
    if (a < 0 || b < 0) break;
    out.push(bps(series[a].close, series[b].close));
    end -= lengthMs;
  }
  return out;
}

/** The return over [a, b] on the last prices at or before each end (null: no price before a). */
export function returnOver(series: readonly PricePoint[], a: number, b: number): number | null {
  const i = lastAtOrBefore(series, a);
  const j = lastAtOrBefore(series, b);
  return i < 0 || j < 0 ? null : bps(series[i].close, series[j].close);
}

/**
 * Time-of-day volatility: the standard deviation of the return over the same clock window
 * [start, start + length] on up to `sessions` previous days that had prices in it. Intraday
 * volatility has a shape (the EIA report at 10:30 New York, the London settlement): a z
 * against it does not call a routine 10:30 move a surprise.
 */
export function timeOfDayVolatility(series: readonly PricePoint[], start: number, lengthMs: number, sessions: number, maxDaysBack = sessions * 2): number | null {
  const rs: number[] = [];
  for (let d = 1; d <= maxDaysBack && rs.length < sessions; d++) {
    const a = start - d * DAY;
    const i = lastAtOrBefore(series, a);
    const j = lastAtOrBefore(series, a + lengthMs);
    // Only a day with a price inside the window itself counts (not a weekend carried forward).
    if (i < 0 || j <= i || series[j].t <= a) continue;
    rs.push(bps(series[i].close, series[j].close));
  }
  if (rs.length < 2) return null;
  const m = rs.reduce((x, y) => x + y, 0) / rs.length;
  return Math.sqrt(rs.reduce((s, x) => s + (x - m) ** 2, 0) / (rs.length - 1));
}

export function observation(r: number, estimationReturns: readonly number[], start: number, end: number): EventObservation & { r: number } {
  const n = estimationReturns.length;
  const mean = n ? estimationReturns.reduce((a, b) => a + b, 0) / n : 0;
  const sigma = n >= 2 ? Math.sqrt(estimationReturns.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : null;
  return { r, ar: r - mean, sigma, estimation: estimationReturns.map((x) => x - mean), start, end };
}
