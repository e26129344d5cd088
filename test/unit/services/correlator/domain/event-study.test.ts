import { describe, expect, it } from 'vitest';
import { analyzeStudy, type StudyHeadlineRow } from '../../../../../services/correlator/domain/event-study.ts';
import { dailyObservation, dailyStartIndex, timeOfDayVolatility, windowReturns, type PricePoint } from '../../../../../services/correlator/domain/statistics/windows.ts';

const DAY = 86_400_000;
const close = (d: number) => Date.UTC(2026, 4, 4) + d * DAY + 19.5 * 3_600_000;
// Thirty daily closes (no weekends, for simplicity): a small zig-zag, then a jump on day 25.
const prices = Array.from({ length: 30 }, (_, i) => 80 + (i % 2 ? 0.4 : 0) + (i >= 25 ? 4 : 0));
const closes: PricePoint[] = prices.map((p, i) => ({ t: close(i), close: p }));
const bps = (a: number, b: number) => (b / a - 1) * 10_000;

describe('daily windows', () => {
  it('next-session starts from the close of the headline\'s day, same-day from the close before it', () => {
    const dateOnly = { ts: Date.UTC(2026, 4, 4) + 24 * DAY, precision: 'date' as const };
    expect(dailyStartIndex(closes, dateOnly, 'next-session')).toBe(24);
    expect(dailyStartIndex(closes, dateOnly, 'same-day')).toBe(23);
    const timed = { ts: close(24) - 3_600_000, precision: 'time' as const };
    expect(dailyStartIndex(closes, timed, 'next-session')).toBe(23);
    expect(dailyStartIndex(closes, timed, 'same-day')).toBe(23);
  });

  it('the observation is the mean-adjusted abnormal return with T one-day estimation windows', () => {
    const o = dailyObservation(closes, 24, 20)!;
    const est = Array.from({ length: 20 }, (_, k) => bps(prices[23 - k], prices[24 - k]));
    const m = est.reduce((a, b) => a + b, 0) / 20;
    expect(o.r).toBeCloseTo(bps(prices[24], prices[25]), 12);
    expect(o.ar).toBeCloseTo(o.r - m, 12);
    expect(o.sigma).toBeCloseTo(Math.sqrt(est.reduce((s, x) => s + (x - m) ** 2, 0) / 19), 12);
    expect(o.estimation[0]).toBeCloseTo(est[0] - m, 12);
    expect(dailyObservation(closes, 1, 20)).toBeNull();
    expect(dailyObservation(closes, 29, 20)).toBeNull();
  });

  it('intraday: back-to-back window returns and the same clock window on previous days', () => {
    const t0 = Date.UTC(2026, 5, 1, 10);
    const minute: PricePoint[] = [];
    for (let d = -5; d <= 0; d++) for (let m = 0; m <= 60; m++) minute.push({ t: t0 + d * DAY + m * 60_000, close: 80 + (m === 60 ? (d % 2 ? 0.8 : -0.4) : 0) });
    // 10:00 -> 11:00 on each of the five previous days: +100 bps or -50 bps alternating.
    const rs = [-1, -2, -3, -4, -5].map((d) => bps(80, 80 + (d % 2 ? 0.8 : -0.4)));
    const m = rs.reduce((a, b) => a + b, 0) / 5;
    const sd = Math.sqrt(rs.reduce((s, x) => s + (x - m) ** 2, 0) / 4);
    expect(timeOfDayVolatility(minute, t0, 3_600_000, 20)).toBeCloseTo(sd, 10);
    // Day 0 ends its hour at 79.6: 10:30 -> 11:00 is -50 bps, 10:00 -> 10:30 flat.
    expect(windowReturns(minute, t0 + 60 * 60_000, 30 * 60_000, 2)).toEqual([bps(80, 79.6), 0]);
  });
});

describe('analyzeStudy', () => {
  const row = (id: string, day: number, title: string, o: Partial<StudyHeadlineRow> = {}): StudyHeadlineRow => ({
    id,
    ts: Date.UTC(2026, 4, 4) + day * DAY,
    precision: 'date',
    title,
    relevance: 60,
    order: Number(id.slice(1)),
    topics: ['opec'],
    direction: 'bullish',
    ...o,
  });

  it('measures next-session moves, attributes causes, reports the same-day move beside, and tests per topic and direction with q-values', () => {
    const headlines = [
      row('h1', 24, 'Oil jumps as OPEC cuts', { priceReport: true }),
      row('h2', 24, 'OPEC agrees output cut'),
      row('h3', 24, 'Saudi minister confirms cut', { relevance: 70 }),
      row('h4', 24, 'Carmaker recalls vehicles', { relevance: 45, topics: [], direction: 'neutral' }),
      ...[20, 21, 22, 23, 26, 27].map((d, i) => row(`h${10 + i}`, d, `Sanctions headline ${i}`, { topics: ['sanctions'], direction: 'bearish' })),
      row('h30', 29, 'Too late for a next close'),
    ];
    const r = analyzeStudy({ headlines, daily: closes, horizons: [{ label: '1d', ms: DAY }], measure: 'next-session', minRelevance: 40, includeReports: false, estimationWindows: 20, seed: 1, minEvents: 2 });
    const jump = r.events.find((e) => e.cluster.cause?.id === 'h3')!;
    // Same day: the relevant non-report headlines tie; the more relevant one is the cause.
    expect(jump.cluster.sameMove.map((h) => h.id)).toEqual(['h2']);
    expect(jump.cluster.reports.map((h) => h.id)).toEqual(['h1']);
    expect(jump.obs.r).toBeCloseTo(bps(prices[24], prices[25]), 12);
    expect(jump.sameDayBps).toBeCloseTo(bps(prices[23], prices[24]), 12);
    expect(r.unmeasured).toEqual({ '1d': 1 }); // day 29 has no next close
    const opec = r.byTopic.find((g) => g.key === 'opec')!;
    expect(opec.tests.events).toBe(1);
    expect(opec.headlines).toBe(2);
    const sanctions = r.byTopic.find((g) => g.key === 'sanctions')!;
    expect(sanctions.tests.events).toBe(6);
    expect(sanctions.tests.kp.p).not.toBeNull();
    expect(sanctions.q.kp).toBe(sanctions.tests.kp.p); // the only row of the family with a test
    expect(r.byDirection.map((g) => g.key).sort()).toEqual(['bearish', 'bullish']);
    expect(r.byDirection.find((g) => g.key === 'bullish')!.hitRate).toBe(1);
  });

  it('tests per source of the cause as a family of its own, with its own BH q-values', () => {
    const headlines = [20, 21, 22, 23, 26, 27].map((d, i) => row(`h${10 + i}`, d, `Sanctions headline ${i}`, { topics: ['sanctions'], direction: 'bearish', source: i < 3 ? 'wire-a' : 'wire-b' }));
    const r = analyzeStudy({ headlines, daily: closes, horizons: [{ label: '1d', ms: DAY }], measure: 'next-session', minRelevance: 40, includeReports: false, estimationWindows: 20, seed: 1, minEvents: 2 });
    expect(r.bySource.map((g) => [g.key, g.tests.events]).sort()).toEqual([
      ['wire-a', 3],
      ['wire-b', 3],
    ]);
    // Benjamini-Hochberg over the two sources' p: the larger is its own q, the smaller min(2p, the larger).
    for (const k of ['t', 'kp', 'rank', 'sign'] as const) {
      const [lo, hi] = [...r.bySource].sort((a, b) => a.tests[k].p! - b.tests[k].p!);
      expect(lo.tests[k].p).not.toBeNull();
      expect(hi.q[k]).toBeCloseTo(hi.tests[k].p!, 12);
      expect(lo.q[k]).toBeCloseTo(Math.min(2 * lo.tests[k].p!, hi.tests[k].p!), 12);
    }
    // The topic family has one row, so its q is its p: the families are corrected apart.
    const sanctions = r.byTopic.find((g) => g.key === 'sanctions')!;
    expect(sanctions.q.kp).toBe(sanctions.tests.kp.p);
    // A headline without a source groups as 'unknown'.
    const unsourced = analyzeStudy({ headlines: headlines.map(({ source: _s, ...h }) => h), daily: closes, horizons: [{ label: '1d', ms: DAY }], measure: 'next-session', minRelevance: 40, includeReports: false, estimationWindows: 20, seed: 1, minEvents: 2 });
    expect(unsourced.bySource.map((g) => g.key)).toEqual(['unknown']);
  });

  it('needs minEvents for a test', () => {
    const headlines = [20, 21, 22].map((d, i) => row(`h${i}`, d, `x${i}`));
    const r = analyzeStudy({ headlines, daily: closes, horizons: [{ label: '1d', ms: DAY }], measure: 'next-session', minRelevance: 40, includeReports: false, estimationWindows: 20 });
    expect(r.byTopic[0].tests.events).toBe(3);
    expect(r.byTopic[0].tests.kp.p).toBeNull();
    expect(r.byTopic[0].q.kp).toBeNull();
  });
});

describe('analyzeStudy: the event measure (the correlator\'s own measurements) and the group figures', () => {
  const MIN = 60_000;
  const T0 = Date.UTC(2026, 5, 10, 10);
  // One-minute closes from 09:00 to 11:00 on this day and the three before, each day with its own shape.
  const minute: PricePoint[] = [];
  for (let d = -3; d <= 0; d++) for (let m = -60; m <= 60; m++) minute.push({ t: T0 + d * DAY + m * MIN, close: 80 + 0.01 * (((m + 61) * (d + 5)) % 17) });
  const timed = (id: string, ts: number, o: Partial<StudyHeadlineRow> = {}): StudyHeadlineRow => ({ id, ts, precision: 'time', title: id, relevance: 60, order: Number(id.slice(1)), topics: ['opec'], direction: 'bullish', ...o });
  const horizon = { label: '5m', ms: 5 * MIN };
  const base = { horizons: [horizon], measure: 'event' as const, minRelevance: 40, includeReports: false, estimationWindows: 4, minEvents: 2 };

  it('measures from the engine\'s pre and post prices, with estimation windows, time-of-day z and the leakage return', () => {
    const h1 = timed('h1', T0 + 2 * MIN);
    const measured = new Map([['5m', new Map([['h1', { pre: T0 + MIN, post: T0 + 7 * MIN, r: 12 }]])]]);
    const r = analyzeStudy({ ...base, headlines: [h1, timed('h2', T0 + 30 * MIN)], measured, minute, preEventMs: 10 * MIN, todSessions: 2 });
    expect(r.unmeasured).toEqual({ '5m': 1 });
    expect(r.events).toHaveLength(1);
    const e = r.events[0];
    const est = windowReturns(minute, T0 + MIN, 5 * MIN, 4);
    expect(est).toHaveLength(4);
    const mean = est.reduce((a, b) => a + b, 0) / 4;
    expect(e.obs.r).toBe(12);
    expect(e.obs.ar).toBeCloseTo(12 - mean, 12);
    expect([e.obs.start, e.obs.end]).toEqual([T0 + MIN, T0 + 7 * MIN]);
    const sigma = Math.sqrt(est.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    expect(e.z).toBeCloseTo((12 - mean) / sigma, 12);
    const vol = timeOfDayVolatility(minute, h1.ts, 5 * MIN, 2)!;
    expect(e.todZ).toBeCloseTo((12 - mean) / vol, 12);
    expect(vol).not.toBeCloseTo(timeOfDayVolatility(minute, h1.ts, 5 * MIN, 20)!, 6);
    const at = (t: number) => [...minute].reverse().find((p) => p.t <= t)!.close;
    expect(e.preEventBps).toBeCloseTo(bps(at(h1.ts - 10 * MIN), at(h1.ts)), 12);
    expect(e.sameDayBps).toBeNull();
    // Defaults: 20 sessions and 15 minutes.
    const d = analyzeStudy({ ...base, headlines: [h1], measured, minute }).events[0];
    expect(d.todZ).toBeCloseTo((12 - mean) / timeOfDayVolatility(minute, h1.ts, 5 * MIN, 20)!, 12);
    expect(d.preEventBps).toBeCloseTo(bps(at(h1.ts - 15 * MIN), at(h1.ts)), 12);
    // Without minute closes: no estimation windows, no time-of-day z, no leakage return.
    const bare = analyzeStudy({ ...base, headlines: [h1], measured }).events[0];
    expect([bare.obs.ar, bare.obs.sigma, bare.todZ, bare.preEventBps, bare.z]).toEqual([12, null, null, null, null]);
  });

  it('gives a headline measured with no time after it a window of 1 ms, so one at the same instant joins its event', () => {
    const measured = new Map([['5m', new Map([['h1', { pre: T0, post: T0, r: 5 }], ['h2', { pre: T0, post: T0 + 5 * MIN, r: 5 }]])]]);
    const r = analyzeStudy({ ...base, headlines: [timed('h1', T0), timed('h2', T0, { relevance: 50 })], measured, minute });
    expect(r.events).toHaveLength(1);
    expect(r.events[0].cluster.cause!.id).toBe('h1');
    expect(r.events[0].cluster.sameMove.map((h) => h.id)).toEqual(['h2']);
  });

  it('signs returns by the cause\'s direction for the hit rate, leaves neutral causes out of it, and groups causes without a topic as none', () => {
    const dirs = ['bullish', 'bearish', 'bearish', 'neutral', 'bullish'];
    const rs = [10, 8, -6, 3, -4];
    const headlines = dirs.map((direction, i) => timed(`h${i + 1}`, T0 + i * 10 * MIN, { direction, topics: i === 4 ? [] : ['opec'] }));
    const measured = new Map([['5m', new Map(headlines.map((h, i) => [h.id, { pre: h.ts, post: h.ts + 5 * MIN, r: rs[i] }]))]]);
    const r = analyzeStudy({ ...base, headlines, measured, minute });
    expect(r.events).toHaveLength(5);
    const opec = r.byTopic.find((g) => g.key === 'opec')!;
    // Signed by direction: +10, -8, +6 (the neutral one left out): two hits of three.
    expect(opec.directional).toBe(3);
    expect(opec.hitRate).toBeCloseTo(2 / 3, 12);
    expect(opec.meanSignedBps).toBeCloseTo((10 - 8 + 6) / 3, 12);
    expect(opec.headlines).toBe(4);
    expect(opec.horizon).toBe('5m');
    const none = r.byTopic.find((g) => g.key === 'none')!;
    expect([none.headlines, none.directional, none.hitRate, none.meanSignedBps]).toEqual([1, 1, 0, -4]);
    expect(r.byDirection.find((g) => g.key === 'bearish')!.hitRate).toBe(0.5);
    expect(r.byDirection.find((g) => g.key === 'neutral')!.tests.events).toBe(1);
  });

  it('tests a group only from five events by default', () => {
    const headlines = [0, 1, 2, 3].map((i) => timed(`h${i + 1}`, T0 + i * 10 * MIN));
    const measured = new Map([['5m', new Map(headlines.map((h, i) => [h.id, { pre: h.ts, post: h.ts + 5 * MIN, r: 10 + i }]))]]);
    const { minEvents: _m, ...noMin } = base;
    const four = analyzeStudy({ ...noMin, headlines, measured, minute });
    expect(four.byTopic[0].tests.t.p).toBeNull();
    const five = [...headlines, timed('h5', T0 + 40 * MIN)];
    measured.get('5m')!.set('h5', { pre: T0 + 40 * MIN, post: T0 + 45 * MIN, r: 9 });
    expect(analyzeStudy({ ...noMin, headlines: five, measured, minute }).byTopic[0].tests.t.p).not.toBeNull();
  });

  it('same-day measure: a date-only headline from the close before its day; no separate same-day figure', () => {
    const h = { id: 'h1', ts: Date.UTC(2026, 4, 4) + 24 * DAY, precision: 'date' as const, title: 'x', relevance: 60, order: 1, topics: ['opec'], direction: 'bullish' };
    const r = analyzeStudy({ headlines: [h], daily: closes, horizons: [{ label: '1d', ms: DAY }], measure: 'same-day', minRelevance: 40, includeReports: false, estimationWindows: 20 });
    expect(r.events[0].obs.r).toBeCloseTo(bps(prices[23], prices[24]), 12);
    expect(r.events[0].sameDayBps).toBeNull();
    // A headline on the first day has no earlier closes for its estimation windows: it is not measured.
    const first = { ...h, ts: Date.UTC(2026, 4, 4) + 0 * DAY };
    const r2 = analyzeStudy({ headlines: [first], daily: closes, horizons: [{ label: '1d', ms: DAY }], measure: 'next-session', minRelevance: 40, includeReports: false, estimationWindows: 20 });
    expect(r2.unmeasured).toEqual({ '1d': 1 });
  });
});

describe('analyzeStudy: the move of an event, events without a cause, and edge values', () => {
  const MIN = 60_000;
  const T0 = Date.UTC(2026, 5, 10, 10);
  const flat: PricePoint[] = [];
  for (let d = -3; d <= 0; d++) for (let m = -60; m <= 60; m++) flat.push({ t: T0 + d * DAY + m * MIN, close: 80 });
  const timed = (id: string, ts: number, o: Partial<StudyHeadlineRow> = {}): StudyHeadlineRow => ({ id, ts, precision: 'time', title: id, relevance: 60, order: Number(id.slice(1)), topics: ['opec'], direction: 'bullish', ...o });
  const base = { horizons: [{ label: '5m', ms: 5 * MIN }], measure: 'event' as const, minRelevance: 40, includeReports: false, estimationWindows: 4, minEvents: 2 };
  const m = (rows: [string, number, number][]) => new Map([['5m', new Map(rows.map(([id, ts, r]) => [id, { pre: ts, post: ts + 5 * MIN, r }]))]]);

  it('an event\'s move is its first window, whichever headline is its cause', () => {
    // h1 and h2 share one move; h1 is the cause, h2 same move: the event is measured on h1's window.
    const r = analyzeStudy({ ...base, headlines: [timed('h1', T0), timed('h2', T0 + 2 * MIN)], measured: m([['h1', T0, 5], ['h2', T0 + 2 * MIN, 9]]), minute: flat });
    expect(r.events).toHaveLength(1);
    expect(r.events[0].cluster.cause!.id).toBe('h1');
    expect(r.events[0].obs.r).toBe(5);
    // Here the report comes first: the move is still its window, the cause a later headline.
    const rep = analyzeStudy({ ...base, headlines: [timed('h1', T0, { priceReport: true }), timed('h2', T0 + 2 * MIN)], measured: m([['h1', T0, 5], ['h2', T0 + 2 * MIN, 9]]), minute: flat });
    expect(rep.events[0].cluster.cause!.id).toBe('h2');
    expect(rep.events[0].obs.r).toBe(5);
  });

  it('keeps an event without a cause among the events but out of every group', () => {
    const r = analyzeStudy({ ...base, headlines: [timed('h1', T0, { priceReport: true }), timed('h2', T0 + 30 * MIN)], measured: m([['h1', T0, 5], ['h2', T0 + 30 * MIN, 9]]), minute: flat });
    expect(r.events.map((e) => e.cluster.cause?.id ?? null)).toEqual([null, 'h2']);
    expect(r.byTopic.map((g) => g.tests.events)).toEqual([1]);
    expect(r.bySource.map((g) => g.tests.events)).toEqual([1]);
  });

  it('a flat market gives no z and no time-of-day z (no division by zero); a zero signed return is no hit', () => {
    const r = analyzeStudy({ ...base, headlines: [timed('h1', T0), timed('h2', T0 + 30 * MIN)], measured: m([['h1', T0, 0], ['h2', T0 + 30 * MIN, 3]]), minute: flat });
    expect(r.events.map((e) => [e.obs.sigma, e.z, e.todZ])).toEqual([[0, null, null], [0, null, null]]);
    expect(r.byTopic[0].hitRate).toBe(0.5);
  });

  it('the minimum relevance itself is relevant', () => {
    const r = analyzeStudy({ ...base, headlines: [timed('h1', T0, { relevance: 40 })], measured: m([['h1', T0, 5]]), minute: flat });
    expect(r.events[0].cluster.cause!.id).toBe('h1');
    const below = analyzeStudy({ ...base, headlines: [timed('h1', T0, { relevance: 39 })], measured: m([['h1', T0, 5]]), minute: flat });
    expect(below.events[0].cluster.cause).toBeNull();
  });

  it('without measurements for a horizon every headline is unmeasured', () => {
    expect(analyzeStudy({ ...base, headlines: [timed('h1', T0)] }).unmeasured).toEqual({ '5m': 1 });
    expect(analyzeStudy({ ...base, headlines: [timed('h1', T0)], measured: new Map([['1m', new Map()]]) }).unmeasured).toEqual({ '5m': 1 });
  });

  it('next-session: the same-day move only for a date-only cause, from the close before its day to the close of it; no intraday figures', () => {
    const day = (d: number) => Date.UTC(2026, 4, 4) + d * DAY;
    const cs: PricePoint[] = [80, 81, 83, 86, 90, 95, 101].map((c, d) => ({ t: day(d) + 19.5 * 3_600_000, close: c }));
    // Minute closes around the event's close: the daily measures still give no intraday figures.
    const around: PricePoint[] = [{ t: day(4) + 19.5 * 3_600_000 - 20 * MIN, close: 80 }, { t: day(4) + 19.5 * 3_600_000, close: 81 }];
    const input = { daily: cs, minute: around, horizons: [{ label: '1d', ms: DAY }], measure: 'next-session' as const, minRelevance: 40, includeReports: false, estimationWindows: 2 };
    const dated = analyzeStudy({ ...input, headlines: [{ ...timed('h1', day(4)), precision: 'date' }] }).events[0];
    expect(dated.sameDayBps).toBeCloseTo(bps(86, 90), 12);
    expect(dated.obs.r).toBeCloseTo(bps(90, 95), 12);
    expect([dated.todZ, dated.preEventBps]).toEqual([null, null]);
    const timedEvent = analyzeStudy({ ...input, headlines: [timed('h1', day(4) + 10 * 3_600_000)] }).events[0];
    expect(timedEvent.sameDayBps).toBeNull();
    // A move with only a report has no cause and no same-day figure.
    const noCause = analyzeStudy({ ...input, headlines: [{ ...timed('h1', day(4), { priceReport: true }), precision: 'date' }] }).events[0];
    expect([noCause.cluster.cause, noCause.sameDayBps]).toEqual([null, null]);
  });
});
