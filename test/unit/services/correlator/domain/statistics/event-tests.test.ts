import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../../../../services/correlator/domain/statistics/benjamini-hochberg.ts';
import { bootstrapMeanP } from '../../../../../../services/correlator/domain/statistics/bootstrap.ts';
import { familyQValues, groupTests, type EventObservation } from '../../../../../../services/correlator/domain/statistics/event-tests.ts';
import { corradoRank, generalizedSign, midRanks } from '../../../../../../services/correlator/domain/statistics/nonparametric.ts';
import { bmp, kolariPynnonen, meanResidualCorrelation, overlapCorrelation, plainT, standardizedAr } from '../../../../../../services/correlator/domain/statistics/parametric.ts';

// Closed forms of Student's t two-sided p-value for small degrees of freedom, independent of the library.
const pT1 = (t: number) => 1 - (2 / Math.PI) * Math.atan(Math.abs(t));
const pT2 = (t: number) => 1 - Math.abs(t) / Math.sqrt(2 + t * t);
const pT3 = (t: number) => {
  const th = Math.atan(Math.abs(t) / Math.sqrt(3));
  return 1 - (2 / Math.PI) * (th + Math.sin(th) * Math.cos(th));
};

describe('plain t and standardized abnormal returns', () => {
  it('computes the one-sample t of 10, 20, 30, 40 bps and its p-value (df 3)', () => {
    // mean 25, sd sqrt(500 / 3), t = 25 / (sd / 2)
    const sd = Math.sqrt((15 ** 2 + 5 ** 2 + 5 ** 2 + 15 ** 2) / 3);
    const t = 25 / (sd / 2);
    const r = plainT([10, 20, 30, 40]);
    expect(r.stat).toBeCloseTo(t, 10);
    expect(r.p).toBeCloseTo(pT3(t), 8);
  });

  it('matches the closed forms for df 1 and 2', () => {
    const two = plainT([1, 3]); // mean 2, sd sqrt(2), t = 2 / (sqrt 2 / sqrt 2) = 2
    expect(two.stat).toBeCloseTo(2, 10);
    expect(two.p).toBeCloseTo(pT1(2), 8);
    const three = plainT([1, 2, 6]); // mean 3, sd sqrt(7), t = 3 / (sqrt 7 / sqrt 3)
    const t3 = 3 / (Math.sqrt(7) / Math.sqrt(3));
    expect(three.stat).toBeCloseTo(t3, 10);
    expect(three.p).toBeCloseTo(pT2(t3), 8);
  });

  it('standardizes by the forecast error of the mean-adjusted model, sigma * sqrt(1 + 1/T)', () => {
    expect(standardizedAr(30, 10, 4)).toBeCloseTo(30 / (10 * Math.sqrt(1.25)), 12);
    expect(standardizedAr(30, 0, 4)).toBeNull();
    expect(standardizedAr(30, 10, 1)).toBeNull();
  });

  it('gives no statistic without spread or with one event', () => {
    expect(plainT([5]).stat).toBeNull();
    expect(plainT([5, 5, 5]).stat).toBeNull();
  });
});

describe('BMP with the Kolari-Pynnonen adjustment', () => {
  // Ten 60-minute windows starting 5 minutes apart: one burst of news over the same move.
  const MIN = 60_000;
  const clustered = Array.from({ length: 10 }, (_, i) => ({ start: i * 5 * MIN, end: (i * 5 + 60) * MIN }));
  const ars = [9, 14, -4, 11, 16, -7, 10, 13, 1, 8];
  const sigma = 10;
  const T = 20;

  it('derives the mean cross-correlation from window overlap', () => {
    // Pairs at distance d (in 5-minute steps) overlap 60 - 5d minutes of 60: correlation (60 - 5d) / 60.
    let sum = 0;
    for (let d = 1; d <= 9; d++) sum += (10 - d) * ((60 - 5 * d) / 60);
    expect(overlapCorrelation(clustered)).toBeCloseTo(sum / 45, 12);
    expect(overlapCorrelation([{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 30, end: 40 }])).toBe(0);
    expect(overlapCorrelation([{ start: 0, end: 10 }, { start: 0, end: 10 }])).toBe(1);
  });

  it('reduces BMP by sqrt((1 - r) / (1 + (N - 1) r))', () => {
    const sars = ars.map((a) => a / (sigma * Math.sqrt(1 + 1 / T)));
    const r = 0.3;
    const base = bmp(sars).stat!;
    expect(kolariPynnonen(sars, r).stat).toBeCloseTo(base * Math.sqrt(0.7 / (1 + 9 * 0.3)), 12);
    expect(kolariPynnonen(sars, 0).stat).toBeCloseTo(base, 12);
  });

  it('BMP matches a hand computation on four events, p from the df-3 closed form', () => {
    const sars = [0.5, 1.5, 1, 2];
    const m = 1.25;
    const sd = Math.sqrt(((0.75 ** 2) * 2 + 0.25 ** 2 * 2) / 3);
    const t = m / (sd / 2);
    expect(bmp(sars).stat).toBeCloseTo(t, 12);
    expect(bmp(sars).p).toBeCloseTo(pT3(t), 8);
  });

  it('clustered events: the plain t calls significance, BMP with the KP adjustment does not', () => {
    const events: EventObservation[] = clustered.map((w, i) => ({ ar: ars[i], sigma, estimation: Array.from({ length: T }, (_, k) => (k % 2 ? 1 : -1) * sigma), ...w }));
    const g = groupTests(events, { seed: 7 });
    // Independent: mean 7.1, the t of the raw abnormal returns over 10 events.
    const mean = ars.reduce((a, b) => a + b, 0) / 10;
    const sd = Math.sqrt(ars.reduce((s, x) => s + (x - mean) ** 2, 0) / 9);
    expect(g.t.stat).toBeCloseTo(mean / (sd / Math.sqrt(10)), 10);
    expect(g.t.p!).toBeLessThan(0.05);
    expect(g.bmp.p!).toBeLessThan(0.05);
    expect(g.kp.r).toBeGreaterThan(0.5);
    expect(g.kp.p!).toBeGreaterThan(0.2);
  });

  it('unclustered events (disjoint windows): KP equals BMP', () => {
    const events: EventObservation[] = ars.map((ar, i) => ({ ar, sigma, estimation: [10, -10, 5, -5], start: i * 100, end: i * 100 + 50 }));
    const g = groupTests(events);
    expect(g.kp.r).toBe(0);
    expect(g.kp.stat).toBeCloseTo(g.bmp.stat!, 12);
  });

  it('estimates the classic residual correlation across instruments', () => {
    expect(meanResidualCorrelation([[1, 2, 3, 4], [2, 4, 6, 8]])).toBeCloseTo(1, 12);
    expect(meanResidualCorrelation([[1, 2, 3, 4], [4, 3, 2, 1]])).toBeCloseTo(-1, 12);
    // Three series: pairs (1, 1, -1) average to 1/3.
    expect(meanResidualCorrelation([[1, 2, 3], [2, 4, 6], [3, 2, 1]])).toBeCloseTo(-1 / 3, 12);
  });
});

describe('Corrado rank test and generalized sign test', () => {
  const events = [
    { ar: 5, estimation: [1, 5, -2] },
    { ar: -1, estimation: [3, 0, 2] },
  ];

  it('gives tied values their mid-rank', () => {
    expect(midRanks([5, 1, 5, -2])).toEqual([3.5, 2, 3.5, 1]);
    expect(midRanks([2, 2, 2])).toEqual([2, 2, 2]);
  });

  it('matches a hand computation with ties', () => {
    // Event A ranks [3.5, 2, 3.5, 1], event B [1, 4, 2, 3]; U = K / 5 - 1/2.
    // Period means: -0.05, 0.1, 0.05, -0.1; S^2 = 0.025 / 4; T = -0.05 / S.
    const s = Math.sqrt((0.05 ** 2 + 0.1 ** 2 + 0.05 ** 2 + 0.1 ** 2) / 4);
    const r = corradoRank(events);
    expect(r.stat).toBeCloseTo(-0.05 / s, 12);
    // 2 (1 - Phi(0.632456)) from a normal table.
    expect(r.p).toBeCloseTo(0.52709, 4);
  });

  it('the generalized sign test uses the estimation-period share of positive returns', () => {
    // p = (2/3 + 2/3) / 2; one positive event of two: Z = (1 - 4/3) / sqrt(2 * 2/3 * 1/3) = -0.5.
    const r = generalizedSign(events);
    expect(r.stat).toBeCloseTo(-0.5, 12);
    expect(r.p).toBeCloseTo(0.617075, 5);
  });

  it('an event ranking top of every window is significant', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ar: 100 + i, estimation: Array.from({ length: 20 }, (_, k) => ((k * 7 + i) % 11) - 5) }));
    expect(corradoRank(many).p!).toBeLessThan(0.001);
    expect(generalizedSign(many).p!).toBeLessThan(0.001);
  });
});

describe('bootstrap', () => {
  it('two values: half the resamples have no spread and an infinite t, half a zero mean', () => {
    // Independent enumeration: (d, d) and (-d, -d) are extreme, (d, -d) and (-d, d) are not: p -> 1/2.
    const r = bootstrapMeanP([1, 3], { resamples: 4000, seed: 3 });
    expect(r.p!).toBeGreaterThan(0.45);
    expect(r.p!).toBeLessThan(0.55);
  });

  it('is reproducible from its seed and tells a shift from noise', () => {
    const shifted = Array.from({ length: 40 }, (_, i) => 1 + Math.sin(i * 1.7));
    const noise = Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7));
    expect(bootstrapMeanP(shifted, { seed: 5 })).toEqual(bootstrapMeanP(shifted, { seed: 5 }));
    expect(bootstrapMeanP(shifted, { seed: 5 }).p).toBeCloseTo(1 / 1000, 10);
    expect(bootstrapMeanP(noise, { seed: 5 }).p!).toBeGreaterThan(0.2);
  });
});

describe('Benjamini-Hochberg', () => {
  it('computes q-values of a family, skipping missing p-values', () => {
    // m = 5: sorted 0.005, 0.01, 0.03, 0.04, 0.5 -> m p / k = 0.025, 0.025, 0.05, 0.05, 0.5 (already monotone).
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, null, 0.5]);
    expect(q[0]).toBeCloseTo(0.025, 12);
    expect(q[1]).toBeCloseTo(0.05, 12);
    expect(q[2]).toBeCloseTo(0.05, 12);
    expect(q[3]).toBeCloseTo(0.025, 12);
    expect(q[4]).toBeNull();
    expect(q[5]).toBeCloseTo(0.5, 12);
  });

  it('enforces monotonicity from the largest p down', () => {
    // 0.02 * 2 / 1 = 0.04 but 0.021 * 2 / 2 = 0.021 is smaller: both get 0.021.
    expect(benjaminiHochberg([0.02, 0.021])).toEqual([0.021, 0.021]);
    expect(benjaminiHochberg([0.9, 0.8])[0]).toBeCloseTo(0.9, 12);
  });

  it('q-values per test across groups', () => {
    const g = (ar: number) => groupTests(Array.from({ length: 12 }, (_, i) => ({ ar: ar + (i % 3) - 1, sigma: 1, estimation: [1, -1, 0.5, -0.5], start: i * 10, end: i * 10 + 5 })));
    const family = [g(3), g(0.05), g(-2)];
    const q = familyQValues(family);
    const expected = benjaminiHochberg(family.map((x) => x.kp.p));
    expect(q.map((x) => x.kp)).toEqual(expected);
    expect(q[1].kp!).toBeGreaterThan(q[0].kp!);
  });
});

describe('groupTests: small groups and events without a usable sigma', () => {
  const ev = (ar: number, sigma: number | null, i: number): EventObservation => ({ ar, sigma, estimation: [1, -1, 2, -2], start: i * 100, end: i * 100 + 10 });

  it('below minEvents (default 2) reports the means only, and no test', () => {
    const one = groupTests([ev(6, 2, 0)]);
    expect(one.events).toBe(1);
    expect(one.mean_ar_bps).toBe(6);
    expect(one.mean_sar).toBeCloseTo(6 / (2 * Math.sqrt(1.25)), 12);
    for (const k of ['t', 'bmp', 'rank', 'sign', 'bootstrap'] as const) expect(one[k]).toEqual({ stat: null, p: null });
    expect(one.kp).toEqual({ stat: null, p: null, r: 0 });
    const none = groupTests([]);
    expect([none.events, none.mean_ar_bps, none.mean_sar]).toEqual([0, null, null]);
    // A sigma of null or 0 gives no standardized return.
    expect(groupTests([ev(6, null, 0)]).mean_sar).toBeNull();
    expect(groupTests([ev(6, 0, 0)]).mean_sar).toBeNull();
    // minEvents raises the bar: two events are not enough for five.
    const two = groupTests([ev(6, 2, 0), ev(4, 2, 1)], { minEvents: 5 });
    expect(two.t).toEqual({ stat: null, p: null });
    expect(two.mean_ar_bps).toBe(5);
  });

  it('at minEvents every test runs; events without a sigma count in the raw t and the means of AR only', () => {
    const events = [ev(6, 2, 0), ev(4, 2, 1), ev(9, null, 2), ev(5, 2, 3), ev(1, 0, 4)];
    const g = groupTests(events, { seed: 3, resamples: 99 });
    expect(g.events).toBe(5);
    expect(g.mean_ar_bps).toBe(5);
    const sars = [6, 4, 5].map((a) => a / (2 * Math.sqrt(1.25)));
    expect(g.mean_sar).toBeCloseTo(sars.reduce((a, b) => a + b, 0) / 3, 12);
    expect(g.t).toEqual(plainT([6, 4, 9, 5, 1]));
    expect(g.bmp).toEqual(bmp(sars));
    expect(g.kp.r).toBe(0);
    expect(g.bootstrap).toEqual(bootstrapMeanP(sars, { seed: 3, resamples: 99 }));
    expect(g.rank).toEqual(corradoRank(events));
    expect(g.sign).toEqual(generalizedSign(events));
    // The overlap correlation uses the windows of the events with a standardized return only.
    const overlapping = [ev(6, 2, 0), { ...ev(4, null, 0) }, { ...ev(5, 2, 0), start: 5, end: 15 }];
    expect(groupTests(overlapping).kp.r).toBeCloseTo(overlapCorrelation([{ start: 0, end: 10 }, { start: 5, end: 15 }]), 12);
  });

  it('q-values of every test across the family, each test corrected on its own', () => {
    const g = (shift: number) => groupTests(Array.from({ length: 8 }, (_, i) => ev(shift + (i % 4) - 1.5, 1, i)), { resamples: 99 });
    const family = [g(2), g(0.2), g(-1)];
    const q = familyQValues(family);
    for (const k of ['t', 'bmp', 'kp', 'rank', 'sign', 'bootstrap'] as const) expect(q.map((x) => x[k])).toEqual(benjaminiHochberg(family.map((x) => x[k].p)));
    expect(familyQValues([])).toEqual([]);
  });
});
