import type { PriceSeries } from './price-series.ts';
import { TradingCalendar, ALWAYS_OPEN } from './trading-calendar.ts';
import { DAY_MS as DAY } from '../../../shared/contracts/time.ts';

export interface ImpactMeasurement {
  /** Start of the measurement on the trading clock: the publication, or the next open when the market was shut. */
  eventTs: number;
  /** eventTs plus the horizon on the trading clock. */
  targetTs: number;
  preTs: number;
  prePrice: number;
  postTs: number;
  postPrice: number;
  returnBps: number;
  /**
   * Return minus the mean return of the pre-event windows of the same trading length (the
   * normal return). Being measured from the event to the horizon, it is the cumulative
   * abnormal return CAR(0, h).
   */
  abnormalBps: number | null;
  /** Standard deviation of those pre-event returns. */
  preVolBps: number | null;
  /** abnormal / pre-event volatility. */
  z: number | null;
  /** Pre-event windows that had prices at both ends. */
  windows: number;
  /**
   * The abnormal returns of those windows (each minus their mean), newest first; empty with
   * fewer than two. The rank and sign tests compare the event's abnormal return with them.
   */
  estimationArBps: number[];
  /**
   * Intraday horizons: the standard deviation of the return over the same clock window on up
   * to 20 earlier days with a price inside it (null with fewer than two, or for `1d`), and the
   * return over the 15 minutes before publication (leakage).
   */
  todVolBps: number | null;
  preEventBps: number | null;
}

const TOD_SESSIONS = 20;
const PRE_EVENT_MS = 15 * 60_000;

/** Volatility has a time-of-day shape (the EIA report at 10:30 New York, the London settlement): the same clock window on earlier days. */
function timeOfDayVol(series: PriceSeries, startTs: number, horizonMs: number): number | null {
  const rs: number[] = [];
  for (let d = 1; d <= TOD_SESSIONS * 2 && rs.length < TOD_SESSIONS; d++) {
    const a = startTs - d * DAY;
    const from = series.atOrBefore(a);
    const to = series.atOrBefore(a + horizonMs);
    // A day counts only with a tick inside the window itself (not a weekend carried forward).
    if (!from || !to || to.ts <= a) continue;
    rs.push(returnBps(from.price, to.price));
  }
  if (rs.length < 2) return null;
  const m = rs.reduce((x, y) => x + y, 0) / rs.length;
  return Math.sqrt(rs.reduce((s, x) => s + (x - m) ** 2, 0) / (rs.length - 1));
}

export type MeasureOutcome = { status: 'done'; result: ImpactMeasurement } | { status: 'pending'; targetTs: number } | { status: 'no_pre_price' };

export function returnBps(from: number, to: number): number {
  return (to / from - 1) * 10_000;
}

const always = new TradingCalendar(ALWAYS_OPEN);

/**
 * Measures the price reaction to an event published at `publishedTs` over `horizonMs` of
 * trading time (whole days: that many trading sessions, to the same point of the session).
 *
 * - Pre-event price: the last tick at or before publication (no look-ahead: a tick at
 *   the same instant is known, a later one never stands in).
 * - Post price: the last tick at or before the target, known only once the watermark has
 *   passed the target (`watermark >= target`: no tick at or before it is still expected).
 * - Normal volatility: `windows` back-to-back pre-event windows of the same trading length,
 *   the newest ending at publication.
 */
export function measureImpact(
  series: PriceSeries,
  publishedTs: number,
  horizonMs: number,
  watermark: number,
  windows: number,
  calendar: TradingCalendar = always,
): MeasureOutcome {
  // A horizon of whole days counts trading sessions; shorter ones count trading time.
  const sessions = horizonMs >= DAY && horizonMs % DAY === 0 ? horizonMs / DAY : 0;
  const forward = (t: number) => (sessions ? calendar.advanceSessions(t, sessions) : calendar.advance(t, horizonMs));
  const back = (t: number) => (sessions ? calendar.retreatSessions(t, sessions) : calendar.retreat(t, horizonMs));
  const eventTs = calendar.nextOpen(publishedTs);
  const targetTs = forward(eventTs);
  if (watermark < targetTs) return { status: 'pending', targetTs };
  const pre = series.atOrBefore(publishedTs);
  if (!pre) return { status: 'no_pre_price' };
  const post = series.atOrBefore(targetTs)!;
  const r = returnBps(pre.price, post.price);
  const past: number[] = [];
  let end = publishedTs;
  for (let i = 0; i < windows; i++) {
    const start = back(end);
    const a = series.atOrBefore(start);
    const b = series.atOrBefore(end);
    if (!a || !b) break;
    past.push(returnBps(a.price, b.price));
    end = start;
  }
  let abnormal: number | null = null;
  let vol: number | null = null;
  let z: number | null = null;
  let estimationAr: number[] = [];
  if (past.length >= 2) {
    const mean = past.reduce((s, x) => s + x, 0) / past.length;
    const variance = past.reduce((s, x) => s + (x - mean) ** 2, 0) / (past.length - 1);
    abnormal = r - mean;
    vol = Math.sqrt(variance);
    z = vol > 0 ? abnormal / vol : null;
    estimationAr = past.map((x) => x - mean);
  }
  return {
    status: 'done',
    result: {
      eventTs,
      targetTs,
      preTs: pre.ts,
      prePrice: pre.price,
      postTs: post.ts,
      postPrice: post.price,
      returnBps: r,
      abnormalBps: abnormal,
      preVolBps: vol,
      z,
      windows: past.length,
      estimationArBps: estimationAr,
      todVolBps: sessions ? null : timeOfDayVol(series, publishedTs, horizonMs),
      preEventBps: sessions ? null : ((before) => (before ? returnBps(before.price, pre.price) : null))(series.atOrBefore(publishedTs - PRE_EVENT_MS)),
    },
  };
}
