import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msToClickHouseTime } from '../../../../shared/store/news-rows.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => dropTestStore(store));

const ch = msToClickHouseTime;
const T0 = Date.parse('2026-06-01T10:00:00Z');
const MIN = 60_000;
// Two-sided normal p-value by Simpson's rule on the density: independent of the engine's erfc.
function normalP(x: number): number {
  const a = 0;
  const b = Math.abs(x);
  const n = 2000;
  const f = (t: number) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += f(a + ((b - a) * i) / n) * (i % 2 ? 4 : 2);
  return 1 - 2 * ((s * (b - a)) / (3 * n));
}
const sd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function impact(id: string, topic: string, start: number, end: number, ar: number, z: number, source = 'wire') {
  return {
    article_id: id,
    symbol: 'VT',
    horizon: '60m',
    horizon_seconds: 3600,
    published_at: ch(start),
    event_ts: ch(start),
    pre_ts: ch(start),
    pre_price: 80,
    post_ts: ch(end),
    post_price: 80,
    return_bps: ar,
    abnormal_bps: ar,
    z,
    pre_vol_bps: ar / z,
    title: id,
    source,
    topics: [topic],
    oil_direction: 'bullish',
    relevance: 60,
    computed_at: ch(T0),
    version: 1,
  };
}

describe('event-study views', () => {
  it('impact_tests: plain t, BMP, Kolari-Pynnonen from window overlap, normal p-values and BH q-values per dimension', async () => {
    // Six clustered events (60-minute windows 10 minutes apart) for opec, six disjoint ones for sanctions.
    const ars = [9, 14, -4, 11, 16, 7];
    const zs = [0.9, 1.3, -0.3, 1.0, 1.7, 0.6];
    const rows = [
      ...ars.map((ar, i) => impact(`o${i}`, 'opec', T0 + i * 10 * MIN, T0 + (i * 10 + 60) * MIN, ar, zs[i])),
      ...ars.map((ar, i) => impact(`s${i}`, 'sanctions', T0 + i * 1440 * MIN, T0 + (i * 1440 + 60) * MIN, ar / 2, zs[i] / 2)),
    ];
    await store.insert('impact_store', rows);
    const got = await store.query<{ value: string; events: string; t_stat: number; bmp_t: number; kp_r: number; kp_t: number; p_kp: number; q_kp: number }>(
      `SELECT value, events, t_stat, bmp_t, kp_r, kp_t, p_kp, q_kp FROM ${store.table('impact_tests')} WHERE symbol = 'VT' AND dimension = 'topic' ORDER BY value`,
    );
    expect(got.map((r) => r.value)).toEqual(['opec', 'sanctions']);
    const [opec, sanctions] = got;
    expect(Number(opec.events)).toBe(6);
    expect(opec.t_stat).toBeCloseTo(mean(ars) / (sd(ars) / Math.sqrt(6)), 9);
    expect(opec.bmp_t).toBeCloseTo(mean(zs) / (sd(zs) / Math.sqrt(6)), 9);
    // Pairs d steps apart overlap (60 - 10 d) of 60 minutes.
    let sum = 0;
    for (let d = 1; d <= 5; d++) sum += (6 - d) * ((60 - 10 * d) / 60);
    const r = sum / 15;
    expect(opec.kp_r).toBeCloseTo(r, 9);
    expect(opec.kp_t).toBeCloseTo(opec.bmp_t * Math.sqrt((1 - r) / (1 + 5 * r)), 9);
    expect(opec.p_kp).toBeCloseTo(normalP(opec.kp_t), 6);
    expect(sanctions.kp_r).toBe(0);
    expect(sanctions.kp_t).toBeCloseTo(sanctions.bmp_t, 9);
    // The clustered group loses the significance the plain t gave it.
    expect(normalP(opec.t_stat)).toBeLessThan(0.05);
    expect(opec.p_kp).toBeGreaterThan(0.05);
    // BH over the family of two: q = min over j >= k of 2 p_(j) / j.
    const ps = [opec.p_kp, sanctions.p_kp].sort((a, b) => a - b);
    const q1 = Math.min(2 * ps[0], ps[1]);
    expect(Math.min(opec.q_kp, sanctions.q_kp)).toBeCloseTo(q1, 9);
    expect(Math.max(opec.q_kp, sanctions.q_kp)).toBeCloseTo(ps[1], 9);
  });

  it('volatility_profile: the standard deviation of consecutive one-minute returns per 15-minute clock window', async () => {
    const ticks = [];
    // Two sessions, 10:00-10:03: returns +10, -10, +20 bps on day 1 and +0, +0, -20 bps on day 2.
    for (let d = 0; d < 2; d++) {
      const path = d === 0 ? [80, 80 * 1.001, 80 * 1.001 * 0.999, 80 * 1.001 * 0.999 * 1.002] : [80, 80, 80, 80 * 0.998];
      for (let m = 0; m < 4; m++) {
        ticks.push({ symbol: 'VP', ts: ch(T0 + d * 86_400_000 + m * MIN), seq: 0, source: 'f', price: path[m], size: 1 });
      }
    }
    await store.insert('ticks_store', ticks);
    const [row] = await store.query<{ clock_utc: string; sessions: string; returns: string; vol_1m_bps: number }>(`SELECT clock_utc, sessions, returns, vol_1m_bps FROM ${store.table('volatility_profile')} WHERE symbol = 'VP'`);
    expect(row.clock_utc).toBe('10:00');
    expect(Number(row.sessions)).toBe(2);
    // The first minute of day 2 follows day 1's last minute by a day: not a one-minute return.
    expect(Number(row.returns)).toBe(6);
    const rs = [10, -10, 20, 0, 0, -20];
    expect(row.vol_1m_bps).toBeCloseTo(sd(rs), 6);
  });
});
