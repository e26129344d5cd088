import { describe, expect, it } from 'vitest';
import { newsImpactV1 } from '../../../../../shared/contracts/events.ts';
import { ImpactEngine } from '../../../../../services/correlator/domain/impact-engine.ts';
import { ALWAYS_OPEN } from '../../../../../services/correlator/domain/trading-calendar.ts';
import { scoredNews } from '../../../../helpers/events.ts';

const at = (iso: string) => Date.parse(iso);
const bps = (from: number, to: number) => (to / from - 1) * 10_000;

describe('ImpactEngine: event-study inputs on news.impact', () => {
  it('carries T and the standardized abnormal return abnormal / (vol * sqrt(1 + 1/T))', () => {
    const e = new ImpactEngine({ symbols: ['BRENT'], horizons: ['1m'], volatilityWindows: 3, maxPendingAgeMs: 86_400_000, calendar: ALWAYS_OPEN, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 }, indicators: null });
    const prices = [80, 80.2, 80.1, 80.4, 81.2, 81.3];
    prices.forEach((p, i) => e.addTick({ symbol: 'BRENT', ts: at('2026-06-01T09:57:00Z') + i * 60_000, price: p, identity: `f|${i}|0`, source: 'f' }, 0));
    e.addArticle(scoredNews({ id: 'sar00001', published_at: '2026-06-01T10:00:00.000Z', model: { name: 't', version: '0' } }));
    const [impact] = e.evaluate(0);
    expect(newsImpactV1.parse(impact)).toBeTruthy();
    // Windows 09:59-10:00, 09:58-09:59, 09:57-09:58; the event 10:00 -> 10:01.
    const past = [bps(80.1, 80.4), bps(80.2, 80.1), bps(80, 80.2)];
    const m = past.reduce((a, b) => a + b, 0) / 3;
    const sd = Math.sqrt(past.reduce((s, x) => s + (x - m) ** 2, 0) / 2);
    const ar = bps(80.4, 81.2) - m;
    expect(impact.estimation_windows).toBe(3);
    expect(impact.abnormal_bps).toBeCloseTo(ar, 9);
    expect(impact.sar).toBeCloseTo(ar / (sd * Math.sqrt(1 + 1 / 3)), 9);
    // The windows' own abnormal returns, newest first: what the rank and sign tests compare the event with.
    expect(impact.estimation_ar_bps).toHaveLength(3);
    impact.estimation_ar_bps!.forEach((x, i) => expect(x).toBeCloseTo(past[i] - m, 9));
  });

  it('leaves the estimation windows empty with fewer than two (no abnormal return either)', () => {
    const e = new ImpactEngine({ symbols: ['BRENT'], horizons: ['1m'], volatilityWindows: 3, maxPendingAgeMs: 86_400_000, calendar: ALWAYS_OPEN, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 }, indicators: null });
    [80, 80.4, 81.2, 81.3].forEach((p, i) => e.addTick({ symbol: 'BRENT', ts: at('2026-06-01T09:59:00Z') + i * 60_000, price: p, identity: `f|${i}|0`, source: 'f' }, 0));
    e.addArticle(scoredNews({ id: 'sar00002', published_at: '2026-06-01T10:00:00.000Z', model: { name: 't', version: '0' } }));
    const [impact] = e.evaluate(0);
    expect(impact.estimation_windows).toBe(1);
    expect([impact.abnormal_bps, impact.sar, impact.estimation_ar_bps]).toEqual([null, null, []]);
  });

  it('carries the time-of-day z (the same clock window on earlier days) and the return over the 15 minutes before', () => {
    const e = new ImpactEngine({ symbols: ['BRENT'], horizons: ['1m'], volatilityWindows: 2, maxPendingAgeMs: 30 * 86_400_000, calendar: ALWAYS_OPEN, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 }, indicators: null });
    const day0 = at('2026-06-05T10:00:00Z');
    const DAY = 86_400_000;
    let n = 0;
    const add = (ts: number, price: number) => e.addTick({ symbol: 'BRENT', ts, price, identity: `f|${n++}|0`, source: 'f' }, 0);
    // 10:00 -> 10:01 on the three days before: +50, -25, +100 bps.
    const earlier = [
      [3, 80, 80.4],
      [2, 80, 79.8],
      [1, 80, 80.8],
    ];
    for (const [d, a, b] of earlier) {
      add(day0 - d * DAY, a);
      add(day0 - d * DAY + 60_000, b);
    }
    add(day0 - 15 * 60_000, 79.5);
    add(day0 - 2 * 60_000, 79.9);
    add(day0 - 60_000, 80.1);
    add(day0, 80);
    add(day0 + 60_000, 80.6);
    add(day0 + 120_000, 80.6);
    e.addArticle(scoredNews({ id: 'tod00001', published_at: new Date(day0).toISOString(), model: { name: 't', version: '0' } }));
    const [impact] = e.evaluate(0);
    const rs = earlier.map(([, a, b]) => bps(a, b));
    const m = rs.reduce((x, y) => x + y, 0) / 3;
    const sd = Math.sqrt(rs.reduce((s, x) => s + (x - m) ** 2, 0) / 2);
    expect(impact.tod_z).toBeCloseTo(impact.abnormal_bps! / sd, 9);
    expect(impact.pre_event_bps).toBeCloseTo(bps(79.5, 80), 9);
  });
});
