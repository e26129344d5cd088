import { describe, expect, it } from 'vitest';
import { dailyObservation, dailyStartIndex, lastAtOrBefore, observation, returnOver, timeOfDayVolatility, windowReturns, type PricePoint } from '../../../../../../services/correlator/domain/statistics/windows.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const bps = (a: number, b: number) => (b / a - 1) * 10_000;
const pts = (xs: [number, number][]): PricePoint[] => xs.map(([t, close]) => ({ t, close }));

describe('lastAtOrBefore', () => {
  const s = pts([[10, 1], [20, 2], [20, 2.5], [30, 3]]);

  it('is the index of the last point at or before t, -1 when there is none', () => {
    expect(lastAtOrBefore([], 5)).toBe(-1);
    expect([5, 10, 15, 20, 25, 30, 99].map((t) => lastAtOrBefore(s, t))).toEqual([-1, 0, 0, 2, 2, 3, 3]);
    expect(lastAtOrBefore(pts([[10, 1]]), 10)).toBe(0);
  });
});

describe('dailyStartIndex', () => {
  it('finds the day of a date-only headline before 1970 too', () => {
    const d = -2 * DAY;
    const closes = pts([[d - DAY + 19.5 * 3_600_000, 80], [d + 19.5 * 3_600_000, 81], [d + DAY + 19.5 * 3_600_000, 82]]);
    // A date-only headline placed anywhere in its day: next-session from that day's close, same-day from the one before.
    const h = { ts: d + 5 * 3_600_000, precision: 'date' as const };
    expect(dailyStartIndex(closes, h, 'next-session')).toBe(1);
    expect(dailyStartIndex(closes, h, 'same-day')).toBe(0);
    const later = { ts: Date.UTC(2026, 5, 2, 7), precision: 'date' as const };
    const c2 = pts([[Date.UTC(2026, 5, 1, 19), 1], [Date.UTC(2026, 5, 2, 19), 2]]);
    expect(dailyStartIndex(c2, later, 'next-session')).toBe(1);
    expect(dailyStartIndex(c2, later, 'same-day')).toBe(0);
  });
});

describe('dailyObservation', () => {
  const closes = pts([100, 101, 99, 102, 103, 100].map((c, i) => [i * DAY, c]));

  it('uses at most T windows, and at least two', () => {
    const o = dailyObservation(closes, 4, 2)!;
    const est = [bps(102, 103), bps(99, 102)];
    const m = (est[0] + est[1]) / 2;
    expect(o.r).toBeCloseTo(bps(103, 100), 12);
    expect(o.estimation.length).toBe(2);
    expect(o.ar).toBeCloseTo(o.r - m, 12);
    expect([o.start, o.end]).toEqual([4 * DAY, 5 * DAY]);
    // s = 2 leaves two earlier returns; s = 1 one, too few.
    expect(dailyObservation(closes, 2, 20)!.estimation.length).toBe(2);
    expect(dailyObservation(closes, 1, 20)).toBeNull();
    expect(dailyObservation(closes, 4, 1)).toBeNull();
    // The last close has no next one.
    expect(dailyObservation(closes, 5, 2)).toBeNull();
    expect(dailyObservation(closes, 4, 20)!.estimation.length).toBe(4);
  });
});

describe('windowReturns and returnOver', () => {
  const s = pts([[0, 100], [10, 101], [20, 103], [30, 102]]);

  it('walks back window by window and stops at the first without a price at its start', () => {
    expect(windowReturns(s, 30, 10, 5)).toEqual([bps(103, 102), bps(101, 103), bps(100, 101)]);
    expect(windowReturns(s, 30, 10, 2)).toEqual([bps(103, 102), bps(101, 103)]);
    expect(windowReturns(s, 30, 10, 0)).toEqual([]);
    expect(windowReturns(s, -5, 10, 3)).toEqual([]);
  });

  it('returnOver takes the last prices at or before each end; null without a price at the start', () => {
    expect(returnOver(s, 5, 25)).toBeCloseTo(bps(100, 103), 12);
    expect(returnOver(s, 10, 30)).toBeCloseTo(bps(101, 102), 12);
    expect(returnOver(s, -1, 30)).toBeNull();
    expect(returnOver(s, 10, -1)).toBeNull();
  });
});

describe('timeOfDayVolatility', () => {
  const T = Date.UTC(2026, 5, 10, 10);

  it('uses up to `sessions` earlier days with a price inside the window, looking back twice as many days by default', () => {
    const series: PricePoint[] = [];
    const rs: number[] = [];
    for (let d = 6; d >= 1; d--) {
      const p1 = 80 + ((d * 3) % 4) * 0.2;
      series.push({ t: T - d * DAY, close: 80 }, { t: T - d * DAY + 5 * MIN, close: p1 });
    }
    for (let d = 1; d <= 3; d++) rs.push(bps(80, 80 + ((d * 3) % 4) * 0.2));
    const m = rs.reduce((a, b) => a + b, 0) / 3;
    const sd = Math.sqrt(rs.reduce((a, x) => a + (x - m) ** 2, 0) / 2);
    expect(timeOfDayVolatility(series, T, 30 * MIN, 3)).toBeCloseTo(sd, 12);
    // Only days 5 and 6 have prices once days 1-4 are left out; a limit of 4 days back finds none of them.
    const old = series.filter((p) => p.t < T - 4.5 * DAY);
    expect(timeOfDayVolatility(old, T, 30 * MIN, 2)).toBeNull();
    expect(timeOfDayVolatility(old, T, 30 * MIN, 2, 6)).not.toBeNull();
    expect(timeOfDayVolatility(old, T, 30 * MIN, 3)).not.toBeNull();
  });

  it('skips days without a new price inside the window and needs two days', () => {
    // Day 1: the window's last price is the one at its start (no tick inside); day 2: a price before the window only.
    const series = pts([
      [T - 3 * DAY, 80],
      [T - 3 * DAY + MIN, 81],
      [T - 2 * DAY - MIN, 79],
      [T - DAY, 80],
      [T - DAY + 40 * MIN, 90],
    ]);
    expect(timeOfDayVolatility(series, T, 30 * MIN, 20)).toBeNull();
    const two = [...series, { t: T - 4 * DAY, close: 80 }, { t: T - 4 * DAY + MIN, close: 80.4 }].sort((a, b) => a.t - b.t);
    const rs = [bps(80, 81), bps(80, 80.4)];
    const m = (rs[0] + rs[1]) / 2;
    expect(timeOfDayVolatility(two, T, 30 * MIN, 20)).toBeCloseTo(Math.sqrt((rs[0] - m) ** 2 + (rs[1] - m) ** 2), 12);
  });
});

describe('observation', () => {
  it('is the raw return with no estimation windows, and has a sigma from two', () => {
    expect(observation(12, [], 1, 2)).toEqual({ r: 12, ar: 12, sigma: null, estimation: [], start: 1, end: 2 });
    expect(observation(12, [4], 1, 2)).toEqual({ r: 12, ar: 8, sigma: null, estimation: [0], start: 1, end: 2 });
    const o = observation(12, [4, 8], 1, 2);
    expect(o.ar).toBe(6);
    expect(o.sigma).toBeCloseTo(Math.sqrt(8), 12);
    expect(o.estimation).toEqual([-2, 2]);
  });
});

describe('windows: boundaries', () => {
  it('a date-only headline placed late in its day still starts from that day\'s closes; closes at midnight belong to the day they end', () => {
    const d = Date.UTC(2026, 5, 2);
    const cs = pts([[d - DAY + 19.5 * 3_600_000, 80], [d + 19.5 * 3_600_000, 81], [d + DAY + 19.5 * 3_600_000, 82], [d + 2 * DAY + 19.5 * 3_600_000, 83]]);
    const late = { ts: d + 20 * 3_600_000, precision: 'date' as const };
    expect(dailyStartIndex(cs, late, 'next-session')).toBe(1);
    expect(dailyStartIndex(cs, late, 'same-day')).toBe(0);
    // A close exactly at midnight: the one ending the day before is the same-day start; the one at the next midnight is not the day's own.
    const mid = pts([[d, 80], [d + DAY, 81], [d + 2 * DAY, 82]]);
    const h = { ts: d + DAY, precision: 'date' as const };
    expect(dailyStartIndex(mid, h, 'next-session')).toBe(1);
    expect(dailyStartIndex(mid, h, 'same-day')).toBe(0);
  });

  it('a window whose both ends fall on the first point is a return of 0, not a missing one', () => {
    const s = pts([[0, 100], [10, 101]]);
    expect(windowReturns(s, 5, 3, 1)).toEqual([0]);
    expect(returnOver(s, 0, 5)).toBe(0);
  });

  it('time of day: a day whose only prices are inside the window (none before it) does not count', () => {
    const T = Date.UTC(2026, 5, 10, 10);
    const series = pts([
      [T - 3 * DAY + 5 * MIN, 79],
      [T - 2 * DAY, 80],
      [T - 2 * DAY + 5 * MIN, 81],
      [T - DAY, 80],
      [T - DAY + 5 * MIN, 80.4],
    ]);
    const rs = [bps(80, 80.4), bps(80, 81)];
    const m = (rs[0] + rs[1]) / 2;
    expect(timeOfDayVolatility(series, T, 30 * MIN, 20)).toBeCloseTo(Math.sqrt((rs[0] - m) ** 2 + (rs[1] - m) ** 2), 12);
  });
});
