import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupTests } from '../../../../services/correlator/index.ts';
import { DAY_MS, msToClickHouseTime } from '../../../../shared/contracts/time.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { seededRandom } from '../../../../shared/runtime/seeded-random.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

// Migration 014: p_boot / q_boot on impact_tests. The view draws with mulberry32 at seed 1, as the study does, so
// the checks below are the properties any bootstrap p must have, and the exact number from a draw rule written in
// the test (the study's own function for groups of at most 200 events, a few lines here for the m-out-of-n case).

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => dropTestStore(store));

const ch = msToClickHouseTime;
const T0 = Date.parse('2026-03-02T10:00:00Z');
const DAY = DAY_MS;
const B = 999;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

// The SAR the correlator stores and the study computes (AR over sigma sqrt(1 + 1/T)), here sigma 4 and T 20.
const SIGMA = 4;
const T = 20;
const sarOf = (ar: number) => ar / (SIGMA * Math.sqrt(1 + 1 / T));
const ESTIMATION = Array.from({ length: T }, (_, i) => (i % 2 ? 1 : -1) * (1 + i / 10));

// The study's own bootstrap: groupTests (services/correlator) on the same events, its `bootstrap` cell.
const studyBootstrap = (ars: number[], seed = 1) =>
  groupTests(
    ars.map((ar, i) => ({ ar, sigma: SIGMA, estimation: ESTIMATION, start: T0 + i * DAY, end: T0 + i * DAY + 3_600_000 })),
    { resamples: B, seed, minEvents: 5 },
  ).bootstrap.p!;

// One impact row per event, a day apart (no overlap); `day` orders the windows.
function impact(topic: string, day: number, ar: number) {
  const start = T0 + day * DAY;
  return {
    article_id: `${topic}-${day}`,
    symbol: 'BT',
    horizon: '60m',
    horizon_seconds: 3600,
    published_at: ch(start),
    event_ts: ch(start),
    pre_ts: ch(start),
    pre_price: 80,
    post_ts: ch(start + 3_600_000),
    post_price: 80,
    return_bps: ar,
    abnormal_bps: ar,
    z: ar / SIGMA,
    pre_vol_bps: SIGMA,
    title: `${topic} ${day}`,
    source: 'wire',
    topics: [topic],
    oil_direction: 'bullish',
    relevance: 60,
    computed_at: ch(T0),
    version: 1,
    estimation_windows: T,
    sar: sarOf(ar),
    estimation_ar_bps: ESTIMATION,
  };
}

// The m-out-of-n studentized bootstrap the docs define: B resamples of m draws from the n centred values.
function mOutOfN(values: number[], m: number): number {
  const n = values.length;
  const mu = mean(values);
  const observed = mu / (sd(values) / Math.sqrt(n));
  // The view's draws are the study's generator at seed 1 (docs/prices-and-impact.md).
  const rnd = seededRandom(1);
  let extreme = 0;
  for (let r = 0; r < B; r++) {
    const xs = Array.from({ length: m }, () => values[Math.floor(rnd() * n)] - mu);
    const bm = mean(xs);
    const v = xs.reduce((s, x) => s + (x - bm) ** 2, 0) / (m - 1);
    const t = v > 0 ? bm / Math.sqrt(v / m) : bm === 0 ? 0 : Infinity;
    if (Math.abs(t) >= Math.abs(observed)) extreme++;
  }
  return (extreme + 1) / (B + 1);
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

// A fixed, skewed, zero-mean-ish pattern and a deterministic spread of values (no Math.random in a test).
const wave = (k: number) => Math.sin(k * 2.399) * 1.3 + Math.cos(k * 0.7) * 0.4;
const GROUPS: Record<string, number[]> = {
  // Abnormal returns (bps). Every one well above zero: t about 11.7.
  shifted: [2.1, 1.4, 2.8, 1.9, 2.5, 1.1, 3.0, 2.2, 1.7, 2.6, 1.3, 2.0],
  // Nearly symmetric around a small positive mean: t about 0.35 (Student-t p 0.74).
  symmetric: [-2.0, -1.2, -0.5, 0.3, 1.1, 1.9, 2.4, -1.6, 0.9, -0.2, 1.4, -0.8],
  // Skewed: many small falls, a few large rises: t about 0.9.
  skewed: [-0.4, -0.3, -0.5, -0.2, -0.45, 2.8, -0.35, -0.25, 3.1, -0.4, -0.3, 2.2, -0.5, -0.1],
  // 250 events: more than the 200 drawn per resample.
  large: Array.from({ length: 250 }, (_, k) => wave(k) + 0.12),
};

type Got = { value: string; events: string; bmp_t: number; p_bmp: number; boot_resamples: string; boot_draws: string; p_boot: number; q_boot: number };
const read = () =>
  store.query<Got>(
    `SELECT value, events, bmp_t, p_bmp, boot_resamples, boot_draws, p_boot, q_boot FROM ${store.table('impact_tests')} WHERE symbol = 'BT' AND dimension = 'topic' ORDER BY value`,
  );

describe('impact_tests bootstrap (migration 014)', () => {
  let got: Map<string, Got>;
  beforeAll(async () => {
    let day = 0;
    const rows: Record<string, unknown>[] = [];
    for (const [topic, ars] of Object.entries(GROUPS)) {
      ars.forEach((ar, i) => rows.push(impact(topic, day + i, ar)));
      day += ars.length + 1;
    }
    // Inserted newest first: the view orders each group's events by window start, not by insertion.
    await store.insert('impact_store', rows.reverse());
    got = new Map((await read()).map((r) => [r.value, r]));
  });
  const g = (topic: string) => got.get(topic)!;

  it('runs B = 999 resamples of min(N, 200) draws on every group, p in [1/(B+1), 1]', () => {
    expect([...got.keys()]).toEqual(['large', 'shifted', 'skewed', 'symmetric']);
    for (const [topic, ars] of Object.entries(GROUPS)) {
      const sars = ars.map(sarOf);
      expect(Number(g(topic).events)).toBe(sars.length);
      expect(Number(g(topic).boot_resamples)).toBe(B);
      expect(Number(g(topic).boot_draws)).toBe(Math.min(sars.length, 200));
      expect(g(topic).p_boot).toBeGreaterThanOrEqual(1 / (B + 1));
      expect(g(topic).p_boot).toBeLessThanOrEqual(1);
      // A count of extreme resamples over B + 1.
      expect(Math.abs(g(topic).p_boot * (B + 1) - Math.round(g(topic).p_boot * (B + 1)))).toBeLessThan(1e-9);
      expect(g(topic).bmp_t).toBeCloseTo(mean(sars) / (sd(sars) / Math.sqrt(sars.length)), 9);
    }
  });

  it('a strongly shifted sample: p below 0.01 (no resample of the centred SARs comes near t = 9)', () => {
    expect(g('shifted').bmp_t).toBeGreaterThan(8);
    expect(g('shifted').p_boot).toBeLessThan(0.01);
    expect(g('shifted').p_boot).toBe(1 / (B + 1));
  });

  it('a symmetric sample of mean near 0: p in the middle, near the Student-t p of BMP', () => {
    const p = g('symmetric').p_boot;
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.9);
    // Symmetric data: the bootstrap and Student-t agree to Monte Carlo error (sd about 0.016 at B = 999) plus the
    // bootstrap's lighter tails at N = 12.
    expect(Math.abs(p - g('symmetric').p_bmp)).toBeLessThan(0.1);
  });

  it('is the study\'s bootstrap (999 resamples, seed 1) on the group\'s events in window order, up to 200 events', () => {
    for (const topic of ['shifted', 'symmetric', 'skewed']) {
      expect(g(topic).p_boot).toBeCloseTo(studyBootstrap(GROUPS[topic]), 12);
    }
    // Another seed of the study's gives another p, within Monte Carlo error of the view's (sd about 0.015 at p 0.38).
    const other = studyBootstrap(GROUPS.skewed, 7);
    expect(Math.abs(g('skewed').p_boot - other)).toBeLessThan(0.05);
  });

  it('above 200 events draws 200 per resample (m-out-of-n), close to the study\'s full bootstrap of the same data', () => {
    expect(g('large').p_boot).toBeCloseTo(mOutOfN(GROUPS.large.map(sarOf), 200), 12);
    const study = studyBootstrap(GROUPS.large);
    // Two Monte Carlo estimates (sd of the difference about 0.01 near p = 0.05) of nearly the same quantity.
    expect(study).toBeGreaterThan(0.02);
    expect(Math.abs(g('large').p_boot - study)).toBeLessThan(0.06);
  });

  it('gives the same p on every read', async () => {
    const again = await read();
    expect(again.map((r) => [r.value, r.p_boot, r.q_boot])).toEqual([...got.values()].map((r) => [r.value, r.p_boot, r.q_boot]));
  });

  it('q_boot is Benjamini-Hochberg over the family (every topic group of the symbol), in the order of p', () => {
    const topics = [...got.keys()];
    const q = bh(topics.map((t) => g(t).p_boot));
    topics.forEach((t, i) => expect(g(t).q_boot).toBeCloseTo(q[i], 12));
    const byP = [...topics].sort((a, b) => g(a).p_boot - g(b).p_boot);
    for (let i = 1; i < byP.length; i++) expect(g(byP[i]).q_boot).toBeGreaterThanOrEqual(g(byP[i - 1]).q_boot);
  });

  it('leaves groups of fewer than five events out, as every other test', async () => {
    await store.insert('impact_store', [1, 2, 3, 4].map((i) => ({ ...impact('few', 900 + i, i), symbol: 'BF' })));
    expect(await store.query(`SELECT p_boot FROM ${store.table('impact_tests')} WHERE symbol = 'BF'`)).toEqual([]);
    // The bootstrap's own views key groups by a hash of (symbol, horizon, dimension, value): nothing for this one either.
    const gid = `cityHash64('BF', '60m', 'topic', 'few')`;
    expect(await store.query(`SELECT gid FROM ${store.table('impact_bootstrap_events')} WHERE gid = ${gid}`)).toEqual([]);
    expect(await store.query(`SELECT p_boot FROM ${store.table('impact_bootstrap')} WHERE gid = ${gid}`)).toEqual([]);
  });
});
