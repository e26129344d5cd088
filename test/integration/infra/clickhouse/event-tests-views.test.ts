import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupTests } from '../../../../services/correlator/index.ts';
import { msToClickHouseTime } from '../../../../shared/contracts/time.ts';
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
// Gamma at n / 2 by the recursion from Gamma(1/2) = sqrt(pi) and Gamma(1) = 1 (no library).
const gammaHalf = (n: number): number => (n === 1 ? Math.sqrt(Math.PI) : n === 2 ? 1 : (n / 2 - 1) * gammaHalf(n - 2));
// Two-sided Student-t p-value by Simpson's rule on the density, independent of the view's series and of jstat.
function studentP(x: number, df: number): number {
  const c = gammaHalf(df + 1) / (Math.sqrt(df * Math.PI) * gammaHalf(df));
  const f = (t: number) => c * (1 + (t * t) / df) ** (-(df + 1) / 2);
  const b = Math.abs(x);
  const n = 20_000;
  let s = f(0) + f(b);
  for (let i = 1; i < n; i++) s += f((b * i) / n) * (i % 2 ? 4 : 2);
  return 1 - 2 * ((s * b) / (3 * n));
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
  it('impact_tests: plain t, BMP, Kolari-Pynnonen from window overlap, Student-t p-values and BH q-values per dimension', async () => {
    // Six clustered events (60-minute windows 10 minutes apart) for opec, six disjoint ones for sanctions.
    const ars = [9, 14, -4, 11, 16, 7];
    const zs = [0.9, 1.3, -0.3, 1.0, 1.7, 0.6];
    const rows = [
      ...ars.map((ar, i) => impact(`o${i}`, 'opec', T0 + i * 10 * MIN, T0 + (i * 10 + 60) * MIN, ar, zs[i])),
      ...ars.map((ar, i) => impact(`s${i}`, 'sanctions', T0 + i * 1440 * MIN, T0 + (i * 1440 + 60) * MIN, ar / 2, zs[i] / 2)),
    ];
    await store.insert('impact_store', rows);
    const got = await store.query<{ value: string; events: string; t_stat: number; p_t: number; bmp_t: number; kp_r: number; kp_t: number; p_kp: number; q_kp: number }>(
      `SELECT value, events, t_stat, p_t, bmp_t, kp_r, kp_t, p_kp, q_kp FROM ${store.table('impact_tests')} WHERE symbol = 'VT' AND dimension = 'topic' ORDER BY value`,
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
    // Rows from before migration 013 have no SAR: z stands in.
    expect(opec.p_t).toBeCloseTo(studentP(opec.t_stat, 5), 9);
    expect(opec.p_kp).toBeCloseTo(studentP(opec.kp_t, 5), 9);
    expect(sanctions.kp_r).toBe(0);
    expect(sanctions.kp_t).toBeCloseTo(sanctions.bmp_t, 9);
    // The clustered group loses the significance the plain t gave it.
    expect(opec.p_t).toBeLessThan(0.05);
    expect(opec.p_kp).toBeGreaterThan(0.05);
    // BH over the family of two: q = min over j >= k of 2 p_(j) / j.
    const ps = [opec.p_kp, sanctions.p_kp].sort((a, b) => a - b);
    const q1 = Math.min(2 * ps[0], ps[1]);
    expect(Math.min(opec.q_kp, sanctions.q_kp)).toBeCloseTo(q1, 9);
    expect(Math.max(opec.q_kp, sanctions.q_kp)).toBeCloseTo(ps[1], 9);
  });

  it('impact_tests: kp_r visits only overlapping pairs, touching windows do not overlap, a window of no length overlaps none', async () => {
    // Minutes: A [0, 60], B [30, 90], C [60, 120] (touches A), D [200, 200] (no tick in the horizon), E [200, 260],
    // F [250, 260], G [1000, 1060]; inserted out of order.
    const w = [
      [200, 260],
      [0, 60],
      [1000, 1060],
      [60, 120],
      [200, 200],
      [30, 90],
      [250, 260],
    ];
    const ars = [5, -3, 8, 2, 6, -1, 4];
    await store.insert(
      'impact_store',
      w.map(([a, b], i) => ({ ...impact(`k${i}`, 'opec', T0 + a * MIN, T0 + b * MIN, ars[i], ars[i] / 4), symbol: 'KR' })),
    );
    const [got] = await store.query<{ events: string; kp_r: number }>(`SELECT events, kp_r FROM ${store.table('impact_tests')} WHERE symbol = 'KR' AND dimension = 'topic'`);
    expect(Number(got.events)).toBe(7);
    // A-B 30/60, B-C 30/60, E-F 10/sqrt(60 * 10); the other 18 of the 21 pairs 0.
    expect(got.kp_r).toBeCloseTo((1 + 10 / Math.sqrt(600)) / 21, 12);
    const domain = groupTests(w.map(([a, b], i) => ({ ar: ars[i], sigma: 4, estimation: [1, -1], start: T0 + a * MIN, end: T0 + b * MIN })));
    expect(got.kp_r).toBeCloseTo(domain.kp.r, 12);
  });

  describe('impact_tests: rank, sign, q-values and agreement (migration 013)', () => {
    // Nine estimation windows per event: cyclic shifts of -4..4 (abnormal returns, mean 0, sd sqrt(7.5)), so over
    // nine events every relative period holds each value once. Events a day apart: no overlap, KP is BMP.
    const BASE = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
    const shift = (k: number) => BASE.map((_, i) => BASE[(i + k) % 9]);
    const SIGMA = Math.sqrt(7.5);
    const sarOf = (ar: number, t = 9) => ar / (SIGMA * Math.sqrt(1 + 1 / t));
    const DAY = 1440 * MIN;
    const GROUPS: Record<string, number[]> = {
      // Every event above all its windows: all three tests significant upwards.
      opec: [5, 6, 7, 4.5, 8, 5.5, 6.5, 9, 4.2],
      // Eight small rises and one large fall: the sign test says up, BMP and rank say nothing.
      sanctions: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -30],
      // Noise, with a tie: 1 equals one of its windows (mid-rank 6.5 for both).
      mediation: [0.5, -0.5, 1, -1.5, 0.2],
      // The same as mediation on other days: equal p-values, equal q-values (ties in Benjamini-Hochberg).
      refining: [0.5, -0.5, 1, -1.5, 0.2],
    };
    type Ev = { topic: string; day: number; ar: number; est: number[] };
    const events: Ev[] = [];
    let day = 0;
    for (const [topic, ars] of Object.entries(GROUPS)) ars.forEach((ar, k) => events.push({ topic, day: day++, ar, est: shift(k) }));
    const row = (e: Ev, id: string, publishedOffset = 0, est = e.est) => ({
      ...impact(id, e.topic, T0 + e.day * DAY, T0 + e.day * DAY + 60 * MIN, e.ar, e.ar / SIGMA),
      symbol: 'RS',
      published_at: ch(T0 + e.day * DAY + publishedOffset),
      pre_vol_bps: SIGMA,
      estimation_windows: 9,
      sar: sarOf(e.ar),
      estimation_ar_bps: est,
    });

    // The test's own mid-ranks: sort, then each run of equal values gets the mean of its positions.
    const midRanks = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return xs.map((x) => {
        const first = sorted.indexOf(x) + 1;
        const last = sorted.lastIndexOf(x) + 1;
        return (first + last) / 2;
      });
    };
    function corrado(evs: Ev[]) {
      const u = evs.map((e) => {
        const all = [e.ar, ...e.est];
        return midRanks(all).map((k) => k / (all.length + 1) - 0.5);
      });
      const ubar = u[0].map((_, t) => mean(u.map((row) => row[t])));
      const s = Math.sqrt(mean(ubar.map((x) => x * x)));
      return ubar[0] / s;
    }
    function cowan(evs: Ev[]) {
      const p = mean(evs.map((e) => e.est.filter((x) => x > 0).length / e.est.length));
      const w = evs.filter((e) => e.ar > 0).length;
      return (w - evs.length * p) / Math.sqrt(evs.length * p * (1 - p));
    }
    // Benjamini-Hochberg by its definition: q_(k) = min over j >= k of m p_(j) / j.
    function bh(ps: number[]): number[] {
      const m = ps.length;
      const sorted = [...ps].sort((a, b) => a - b);
      return ps.map((p) => {
        const k = sorted.indexOf(p) + 1;
        return Math.min(1, ...sorted.slice(k - 1).map((pj, j) => (m * pj) / (k + j)));
      });
    }

    type Got = {
      value: string;
      events: string;
      ranked_events: string;
      mean_sar: number;
      bmp_t: number;
      p_bmp: number;
      kp_t: number;
      p_kp: number;
      q_kp: number;
      rank_t: number | null;
      p_rank: number | null;
      q_rank: number | null;
      sign_z: number | null;
      p_sign: number | null;
      q_sign: number | null;
      q_t: number;
      q_bmp: number;
      verdicts: (number | null)[];
      significant_tests: number;
      tests_agree: number | null;
    };
    let got: Map<string, Got>;
    beforeAll(async () => {
      const rows: Record<string, unknown>[] = events.map((e, i) => row(e, `r${String(i).padStart(3, '0')}`));
      // A second headline on opec's first move, later but with an id sorting first: the move counts once, and the
      // rank and sign tests take the earliest headline's windows, not these.
      rows.push(row(events[0], 'a000', 30_000, [...events[0].est].reverse().map((x) => x * 3)));
      // Shipping: six events, two stored before 013 (no SAR, no windows: z stands in, rank and sign skip them).
      for (let k = 0; k < 6; k++) {
        const e: Ev = { topic: 'shipping', day: day++, ar: [2, 3, 1, 4, 2.5, 3.5][k], est: shift(k) };
        const r = row(e, `s${k}`);
        rows.push(k < 2 ? { ...r, sar: null, estimation_windows: null, estimation_ar_bps: [] } : r);
      }
      await store.insert('impact_store', rows);
      const list = await store.query<Got>(`SELECT * FROM ${store.table('impact_tests')} WHERE symbol = 'RS' AND dimension = 'topic' ORDER BY value`);
      got = new Map(list.map((r) => [r.value, r]));
    });
    const of = (topic: string) => events.filter((e) => e.topic === topic);

    it('Corrado rank: closed form on the cyclic design (rank t = 3 for both), mid-ranks on ties, normal p', () => {
      const opec = got.get('opec')!;
      expect(Number(opec.events)).toBe(9);
      expect(Number(opec.ranked_events)).toBe(9);
      // U_0 = 10/11 - 1/2 = 9/22, every other period -1/22: S^2 = ((9/22)^2 + 9 (1/22)^2) / 10, S = 3/22.
      expect(opec.rank_t).toBeCloseTo(3, 9);
      expect(opec.p_rank).toBeCloseTo(normalP(3), 9);
      for (const t of ['opec', 'sanctions', 'mediation', 'refining']) {
        expect(got.get(t)!.rank_t).toBeCloseTo(corrado(of(t)), 9);
        expect(got.get(t)!.p_rank).toBeCloseTo(normalP(corrado(of(t))), 9);
      }
    });

    it('generalized sign: against the windows share of positives (4/9 here), normal p', () => {
      // w = 9 of 9 positive against 4/9: z = (9 - 4) / sqrt(9 * 4/9 * 5/9) = 15 / (2 sqrt 5).
      expect(got.get('opec')!.sign_z).toBeCloseTo(15 / (2 * Math.sqrt(5)), 9);
      for (const t of ['opec', 'sanctions', 'mediation', 'refining']) {
        expect(got.get(t)!.sign_z).toBeCloseTo(cowan(of(t)), 9);
        expect(got.get(t)!.p_sign).toBeCloseTo(normalP(cowan(of(t))), 9);
      }
    });

    it('BMP on the stored SARs (z for rows without one), Student-t p', () => {
      for (const t of ['opec', 'sanctions', 'mediation']) {
        const sars = of(t).map((e) => sarOf(e.ar));
        const g = got.get(t)!;
        expect(g.mean_sar).toBeCloseTo(mean(sars), 9);
        expect(g.bmp_t).toBeCloseTo(mean(sars) / (sd(sars) / Math.sqrt(sars.length)), 9);
        expect(g.kp_t).toBeCloseTo(g.bmp_t, 9);
        expect(g.p_bmp).toBeCloseTo(studentP(g.bmp_t, sars.length - 1), 9);
      }
      const shipping = got.get('shipping')!;
      const ars = [2, 3, 1, 4, 2.5, 3.5];
      const es = ars.map((ar, k) => (k < 2 ? ar / SIGMA : sarOf(ar)));
      expect(shipping.bmp_t).toBeCloseTo(mean(es) / (sd(es) / Math.sqrt(6)), 9);
      // Four events with windows: fewer than five, no rank or sign test, so no agreement to speak of.
      expect(Number(shipping.ranked_events)).toBe(4);
      expect([shipping.rank_t, shipping.p_rank, shipping.q_rank, shipping.sign_z, shipping.q_sign, shipping.tests_agree]).toEqual([null, null, null, null, null, null]);
    });

    it('Benjamini-Hochberg q of every test across the family, tied p-values sharing one q', () => {
      const topics = ['mediation', 'opec', 'refining', 'sanctions', 'shipping'];
      for (const [p, q] of [
        ['p_t', 'q_t'],
        ['p_bmp', 'q_bmp'],
        ['p_kp', 'q_kp'],
      ] as const) {
        const ps = topics.map((t) => (got.get(t) as unknown as Record<string, number>)[p]);
        bh(ps).forEach((qv, i) => expect((got.get(topics[i]) as unknown as Record<string, number>)[q]).toBeCloseTo(qv, 9));
      }
      // Shipping has no rank or sign p: the family of those is the other four.
      const four = ['mediation', 'opec', 'refining', 'sanctions'];
      for (const [p, q] of [
        ['p_rank', 'q_rank'],
        ['p_sign', 'q_sign'],
      ] as const) {
        const ps = four.map((t) => (got.get(t) as unknown as Record<string, number>)[p]);
        bh(ps).forEach((qv, i) => expect((got.get(four[i]) as unknown as Record<string, number>)[q]).toBeCloseTo(qv, 9));
      }
      expect(got.get('mediation')!.p_kp).toBe(got.get('refining')!.p_kp);
      expect(got.get('mediation')!.q_kp).toBe(got.get('refining')!.q_kp);
    });

    it('verdicts and agreement: all three up for opec, only the sign test for sanctions, none for mediation', () => {
      const opec = got.get('opec')!;
      expect([opec.verdicts, Number(opec.significant_tests), opec.tests_agree]).toEqual([[1, 1, 1], 3, 1]);
      const sanctions = got.get('sanctions')!;
      expect(sanctions.q_sign).toBeLessThanOrEqual(0.05);
      expect([sanctions.verdicts, Number(sanctions.significant_tests), sanctions.tests_agree]).toEqual([[0, 0, 1], 1, 0]);
      const mediation = got.get('mediation')!;
      expect([mediation.verdicts, Number(mediation.significant_tests), mediation.tests_agree]).toEqual([[0, 0, 0], 0, 1]);
      // Shipping's BMP-KP alone ran: significant up, nothing to agree with.
      expect(got.get('shipping')!.verdicts).toEqual([1, null, null]);
    });

    it('agrees with the domain statistics `oilwire study` uses (services/correlator/domain/statistics)', () => {
      for (const t of ['opec', 'sanctions', 'mediation']) {
        const domain = groupTests(
          of(t).map((e) => ({ ar: e.ar, sigma: SIGMA, estimation: e.est, start: T0 + e.day * DAY, end: T0 + e.day * DAY + 60 * MIN })),
          { minEvents: 5 },
        );
        const g = got.get(t)!;
        expect(g.bmp_t).toBeCloseTo(domain.bmp.stat!, 9);
        expect(g.kp_t).toBeCloseTo(domain.kp.stat!, 9);
        // jstat's t distribution is good to about 1e-8: the view's series is exact for an integer df.
        expect(g.p_kp).toBeCloseTo(domain.kp.p!, 7);
        expect(g.rank_t).toBeCloseTo(domain.rank.stat!, 9);
        expect(g.p_rank).toBeCloseTo(domain.rank.p!, 9);
        expect(g.sign_z).toBeCloseTo(domain.sign.stat!, 9);
        expect(g.p_sign).toBeCloseTo(domain.sign.p!, 9);
      }
    });
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
