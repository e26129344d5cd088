import { describe, expect, it } from 'vitest';
import { bootstrapMeanP } from '../../../../../../services/correlator/domain/statistics/bootstrap.ts';

/**
 * The exact bootstrap p-value: every one of the n^n resamples of the centred values, weighted
 * equally. A Monte Carlo bootstrap with many resamples must come close to it.
 */
function exactBootstrapP(xs: number[]): number {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
  const observed = Math.abs(m / (sd / Math.sqrt(n)));
  const c = xs.map((x) => x - m);
  let extreme = 0;
  const total = n ** n;
  for (let code = 0; code < total; code++) {
    const sample: number[] = [];
    for (let k = 0, r = code; k < n; k++, r = Math.floor(r / n)) sample.push(c[r % n]);
    const bm = sample.reduce((a, b) => a + b, 0) / n;
    const bv = sample.reduce((a, x) => a + (x - bm) ** 2, 0) / (n - 1);
    // No spread: an infinite t unless the mean is 0 too.
    const t = bv > 1e-12 ? Math.abs(bm / Math.sqrt(bv / n)) : bm === 0 ? 0 : Infinity;
    if (t >= observed - 1e-9) extreme++;
  }
  return extreme / total;
}

const values = Array.from({ length: 12 }, (_, i) => 0.3 + Math.sin(i * 2.3));

describe('bootstrapMeanP', () => {
  it('gives no test for fewer than two values or no spread', () => {
    expect(bootstrapMeanP([])).toEqual({ stat: null, p: null });
    expect(bootstrapMeanP([1])).toEqual({ stat: null, p: null });
    expect(bootstrapMeanP([2, 2, 2])).toEqual({ stat: null, p: null });
  });

  it('reports the studentized mean of the sample as its statistic', () => {
    const n = values.length;
    const m = values.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
    expect(bootstrapMeanP(values, { resamples: 10 }).stat).toBeCloseTo(m / (sd / Math.sqrt(n)), 12);
  });

  it('defaults to 999 resamples and seed 1; the p-value is (extreme + 1) / (resamples + 1)', () => {
    const d = bootstrapMeanP(values);
    expect(d).toEqual(bootstrapMeanP(values, { resamples: 999, seed: 1 }));
    expect(d.p).not.toEqual(bootstrapMeanP(values, { resamples: 999, seed: 2 }).p);
    // The p-value counts resamples in steps of 1 / (B + 1) and is never 0.
    for (const b of [1, 9, 99]) {
      const p = bootstrapMeanP(values, { resamples: b, seed: 4 }).p!;
      expect(p).toBeGreaterThanOrEqual(1 / (b + 1));
      expect(Math.abs(p * (b + 1) - Math.round(p * (b + 1)))).toBeLessThan(1e-9);
    }
    // Zero resamples: only the observed sample, p = 1.
    expect(bootstrapMeanP(values, { resamples: 0 }).p).toBe(1);
  });

  it('counts a resample exactly as extreme as the observed sample (>=), and a spreadless resample with a mean as infinite', () => {
    // Two values, centred to -1 and +1 with observed |t| = 1 ... any resample (d, d) has no spread and
    // a non-zero mean, so an infinite t; (d, -d) has mean 0 and t 0. With one resample the p is 1 or 1/2.
    const ps = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => bootstrapMeanP([1, 3], { resamples: 1, seed }).p));
    expect([...ps].sort()).toEqual([0.5, 1]);
    // Three values whose resamples include the sample itself: its |t| equals the observed one and counts.
    const few = bootstrapMeanP([0, 1, 5], { resamples: 2000, seed: 9 });
    expect(few.p!).toBeGreaterThan(0);
    expect(few.p!).toBeLessThan(1);
  });

  it('comes close to the exact bootstrap distribution (all n^n resamples)', () => {
    // [0, 3, 6]: the resample (3, 3, 3) centres to all zeros, a t of 0, not extreme. [0, 3, 6, 7] tests the variance.
    for (const xs of [[0, 3, 6], [0, 3, 6, 7]]) {
      const p = bootstrapMeanP(xs, { resamples: 20_000, seed: 11 }).p!;
      expect(Math.abs(p - exactBootstrapP(xs))).toBeLessThan(0.012);
    }
  });
});
