import { describe, expect, it } from 'vitest';
import { measureImpact, returnBps, type ImpactMeasurement } from '../../../../../services/correlator/domain/measure-impact.ts';
import { PriceSeries } from '../../../../../services/correlator/domain/price-series.ts';
import { ICE_BRENT_CALENDAR, TradingCalendar } from '../../../../../services/correlator/domain/trading-calendar.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
// Independent of the module: the return in basis points.
const bps = (a: number, b: number) => (b / a - 1) * 10_000;

const seriesOf = (ticks: [number, number][]) => {
  const s = new PriceSeries();
  ticks.forEach(([t, p], i) => s.insert(t, p, `t${i}`));
  return s;
};

const done = (o: ReturnType<typeof measureImpact>): ImpactMeasurement => {
  if (o.status !== 'done') throw new Error(`expected a measurement, got ${o.status}`);
  return o.result;
};

describe('returnBps', () => {
  it('is the simple return in basis points', () => {
    expect(returnBps(80, 80.8)).toBeCloseTo(100, 9);
    expect(returnBps(100, 99)).toBeCloseTo(-100, 9);
  });
});

describe('measureImpact (always-open clock)', () => {
  const T = at('2026-06-01T10:00:00Z');
  // Prices at T - 15 min ... T + 5 min, one a minute.
  const prices: [number, number][] = [
    [T - 15 * MIN, 79.0],
    [T - 10 * MIN, 79.4],
    [T - 5 * MIN, 79.2],
    [T - 1 * MIN, 79.9],
    [T, 80.0],
    [T + 2 * MIN, 80.3],
    [T + 5 * MIN, 80.6],
    [T + 6 * MIN, 99],
  ];
  const s = seriesOf(prices);

  it('is pending until the watermark reaches the target, done at it', () => {
    expect(measureImpact(s, T, 5 * MIN, T + 5 * MIN - 1, 3)).toEqual({ status: 'pending', targetTs: T + 5 * MIN });
    const m = done(measureImpact(s, T, 5 * MIN, T + 5 * MIN, 3));
    expect([m.eventTs, m.targetTs]).toEqual([T, T + 5 * MIN]);
  });

  it('takes the last price at or before publication and at or before the target, nothing later', () => {
    const m = done(measureImpact(s, T, 5 * MIN, Infinity, 3));
    expect([m.preTs, m.prePrice, m.postTs, m.postPrice]).toEqual([T, 80.0, T + 5 * MIN, 80.6]);
    expect(m.returnBps).toBeCloseTo(bps(80, 80.6), 9);
    // Published between ticks: the one before stands, the one after never does.
    const between = done(measureImpact(s, T + MIN, 3 * MIN, Infinity, 0));
    expect([between.preTs, between.prePrice, between.postTs, between.postPrice]).toEqual([T, 80.0, T + 2 * MIN, 80.3]);
  });

  it('has no pre-event price before the first tick', () => {
    expect(measureImpact(s, T - 16 * MIN, MIN, Infinity, 3)).toEqual({ status: 'no_pre_price' });
  });

  it('measures the abnormal return against back-to-back windows of the same length before publication', () => {
    const m = done(measureImpact(s, T, 5 * MIN, Infinity, 3));
    const past = [bps(79.2, 80.0), bps(79.4, 79.2), bps(79.0, 79.4)];
    const mean = past.reduce((a, b) => a + b, 0) / 3;
    const sd = Math.sqrt(past.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    expect(m.windows).toBe(3);
    expect(m.abnormalBps!).toBeCloseTo(bps(80, 80.6) - mean, 9);
    expect(m.preVolBps!).toBeCloseTo(sd, 9);
    expect(m.z!).toBeCloseTo((bps(80, 80.6) - mean) / sd, 9);
    expect(m.estimationArBps.length).toBe(3);
    m.estimationArBps.forEach((x, i) => expect(x).toBeCloseTo(past[i] - mean, 9));
  });

  it('stops at the first window without a price at its start, and needs two windows for an abnormal return', () => {
    // The fourth window would start at T - 20 min, before the first tick.
    const four = done(measureImpact(s, T, 5 * MIN, Infinity, 10));
    expect(four.windows).toBe(3);
    const one = done(measureImpact(s, T, 10 * MIN, Infinity, 5));
    expect(one.windows).toBe(1);
    expect([one.abnormalBps, one.preVolBps, one.z, one.estimationArBps]).toEqual([null, null, null, []]);
    const zero = done(measureImpact(s, T, 5 * MIN, Infinity, 0));
    expect([zero.windows, zero.abnormalBps]).toEqual([0, null]);
  });

  it('gives no z on a flat past', () => {
    const flat = seriesOf([[T - 3 * MIN, 80], [T - 2 * MIN, 80], [T - MIN, 80], [T, 80], [T + MIN, 81]]);
    const m = done(measureImpact(flat, T, MIN, Infinity, 3));
    expect(m.windows).toBe(3);
    expect(m.preVolBps).toBe(0);
    expect(m.abnormalBps!).toBeCloseTo(bps(80, 81), 9);
    expect(m.z).toBeNull();
  });

  it('gives the return over the 15 minutes before publication (leakage), null without a price then', () => {
    const m = done(measureImpact(s, T, 5 * MIN, Infinity, 3));
    expect(m.preEventBps!).toBeCloseTo(bps(79.0, 80.0), 9);
    const early = done(measureImpact(s, T - 10 * MIN, 5 * MIN, Infinity, 0));
    expect(early.preEventBps).toBeNull();
  });

  it('measures the same clock window on earlier days with a price inside it, up to 20 of them', () => {
    const h = 30 * MIN;
    const ticks: [number, number][] = [];
    const returns: number[] = [];
    // 25 earlier days, each with a price at the window start and one inside it.
    for (let d = 1; d <= 25; d++) {
      const p0 = 80 + d * 0.1;
      const p1 = p0 * (1 + ((d * 7) % 5) / 1000);
      ticks.push([T - d * DAY, p0], [T - d * DAY + 10 * MIN, p1]);
      if (d <= 20) returns.push(bps(p0, p1));
    }
    ticks.push([T, 80], [T + h, 80.5]);
    const m = done(measureImpact(seriesOf(ticks), T, h, Infinity, 0));
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, x) => a + (x - mean) ** 2, 0) / (returns.length - 1));
    expect(m.todVolBps!).toBeCloseTo(sd, 9);
  });

  it('skips a day whose window has no price inside it (a weekend carried forward), and needs two days', () => {
    const h = 30 * MIN;
    // Day 1: a price inside; day 2: only a price before the window (carried forward); day 3: inside.
    const base: [number, number][] = [
      [T - 3 * DAY, 80],
      [T - 3 * DAY + h, 81],
      [T - 2 * DAY - MIN, 70],
      [T - DAY, 80],
      [T - DAY + h, 80.4],
      [T, 80],
      [T + h, 80.5],
    ];
    const m = done(measureImpact(seriesOf(base), T, h, Infinity, 0));
    const rs = [bps(80, 80.4), bps(80, 81)];
    const mean = (rs[0] + rs[1]) / 2;
    expect(m.todVolBps!).toBeCloseTo(Math.sqrt((rs[0] - mean) ** 2 + (rs[1] - mean) ** 2), 9);
    // A tick exactly at the window start is not inside it.
    const atStart = seriesOf([[T - 2 * DAY, 80], [T - DAY, 80], [T - DAY + h, 80.4], [T, 80], [T + h, 80.5]]);
    expect(done(measureImpact(atStart, T, h, Infinity, 0)).todVolBps).toBeNull();
    // Days more than 40 back are not looked at.
    const far = seriesOf([[T - 41 * DAY, 80], [T - 41 * DAY + MIN, 81], [T - 42 * DAY, 80], [T - 42 * DAY + MIN, 82], [T, 80], [T + h, 80.5]]);
    expect(done(measureImpact(far, T, h, Infinity, 0)).todVolBps).toBeNull();
    // Day 40 is the last one looked at.
    const last = seriesOf([[T - 40 * DAY, 80], [T - 40 * DAY + MIN, 81], [T - 39 * DAY, 80], [T - 39 * DAY + MIN, 82], [T, 80], [T + h, 80.5]]);
    expect(done(measureImpact(last, T, h, Infinity, 0)).todVolBps).not.toBeNull();
  });
});

describe('measureImpact on a session calendar', () => {
  const cal = new TradingCalendar(ICE_BRENT_CALENDAR);

  it('starts a headline from a closed market at the next open and counts trading time to the target', () => {
    // Saturday 12:00; the market opens Sunday 23:00; 5 minutes of trading later is 23:05.
    const sat = at('2026-06-06T12:00:00Z');
    const open = at('2026-06-07T23:00:00Z');
    const s = seriesOf([[at('2026-06-05T21:00:00Z'), 80], [open + 2 * MIN, 81]]);
    expect(measureImpact(s, sat, 5 * MIN, open + 5 * MIN - 1, 0, cal)).toEqual({ status: 'pending', targetTs: open + 5 * MIN });
    const m = done(measureImpact(s, sat, 5 * MIN, open + 5 * MIN, 0, cal));
    expect([m.eventTs, m.targetTs, m.prePrice, m.postPrice]).toEqual([open, open + 5 * MIN, 80, 81]);
  });

  it('counts a whole-day horizon in sessions, with session windows, and no time-of-day or leakage figures', () => {
    // Wednesday 10:00 + 1 session = Thursday 10:00; windows back: Tuesday 10:00, Monday 10:00.
    const wed = at('2026-06-03T10:00:00Z');
    const s = seriesOf([
      [at('2026-06-01T10:00:00Z'), 78],
      [at('2026-06-02T10:00:00Z'), 79],
      [wed, 80],
      [at('2026-06-04T10:00:00Z'), 82],
    ]);
    const m = done(measureImpact(s, wed, DAY, Infinity, 5, cal));
    expect(m.targetTs).toBe(at('2026-06-04T10:00:00Z'));
    expect(m.windows).toBe(2);
    const past = [bps(79, 80), bps(78, 79)];
    expect(m.abnormalBps!).toBeCloseTo(bps(80, 82) - (past[0] + past[1]) / 2, 9);
    expect([m.todVolBps, m.preEventBps]).toEqual([null, null]);
    // 24 hours that are not a whole number of days count trading time: 23 h sessions make it Thursday 11:00.
    const hours = done(measureImpact(s, wed, DAY + MIN, Infinity, 0, cal));
    expect(hours.targetTs).toBe(at('2026-06-04T11:01:00Z'));
  });
});
