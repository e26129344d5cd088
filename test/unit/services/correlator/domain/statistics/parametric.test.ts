import { describe, expect, it } from 'vitest';
import { kolariPynnonen, mean, meanResidualCorrelation, overlapCorrelation, plainT, sampleSd, standardizedAr } from '../../../../../../services/correlator/domain/statistics/parametric.ts';

// Closed form of Student's t two-sided p-value with two degrees of freedom, independent of the library.
const pT2 = (t: number) => 1 - Math.abs(t) / Math.sqrt(2 + t * t);

describe('mean and sample standard deviation', () => {
  it('divide by n and by n - 1', () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(sampleSd([1, 2, 6])).toBeCloseTo(Math.sqrt((4 + 1 + 9) / 2), 12);
    expect(sampleSd([-1, 1])).toBeCloseTo(Math.sqrt(2), 12);
  });
});

describe('plainT', () => {
  it('takes its degrees of freedom from the number of values', () => {
    const t = plainT([1, 2, 6]);
    expect(t.stat).toBeCloseTo(3 / (Math.sqrt(7) / Math.sqrt(3)), 12);
    expect(t.p).toBeCloseTo(pT2(t.stat!), 8);
    // A negative mean: a negative statistic, the same two-sided p.
    const neg = plainT([-1, -2, -6]);
    expect(neg.stat).toBeCloseTo(-t.stat!, 12);
    expect(neg.p).toBeCloseTo(t.p!, 12);
  });

  it('gives nothing for an empty list', () => {
    expect(plainT([])).toEqual({ stat: null, p: null });
  });
});

describe('standardizedAr', () => {
  it('needs a positive sigma, two estimation windows and a finite abnormal return', () => {
    expect(standardizedAr(10, 5, 2)).toBeCloseTo(10 / (5 * Math.sqrt(1.5)), 12);
    expect(standardizedAr(-10, 5, 2)).toBeCloseTo(-10 / (5 * Math.sqrt(1.5)), 12);
    expect(standardizedAr(10, -5, 4)).toBeNull();
    expect(standardizedAr(10, NaN, 4)).toBeNull();
    expect(standardizedAr(10, 5, NaN)).toBeNull();
    expect(standardizedAr(Infinity, 5, 4)).toBeNull();
    expect(standardizedAr(NaN, 5, 4)).toBeNull();
    expect(standardizedAr(0, 5, 4)).toBe(0);
  });
});

describe('kolariPynnonen', () => {
  const sars = [0.5, 1.5, 1, 2];

  it('gives nothing without a BMP statistic or with a non-finite correlation', () => {
    expect(kolariPynnonen([1], 0.2)).toEqual({ stat: null, p: null });
    expect(kolariPynnonen([1, 1, 1], 0.2)).toEqual({ stat: null, p: null });
    expect(kolariPynnonen(sars, NaN)).toEqual({ stat: null, p: null });
    expect(kolariPynnonen(sars, Infinity)).toEqual({ stat: null, p: null });
  });

  it('a full correlation (or more) leaves no significance: statistic 0, p 1', () => {
    for (const r of [1, 3]) {
      const k = kolariPynnonen(sars, r);
      expect(k.stat).toBe(0);
      expect(k.p).toBeCloseTo(1, 7);
    }
  });

  it('a negative correlation raises the statistic, bounded just above -1 / (N - 1)', () => {
    const base = kolariPynnonen(sars, 0).stat!;
    const r = -0.2;
    expect(kolariPynnonen(sars, r).stat).toBeCloseTo(base * Math.sqrt((1 - r) / (1 + 3 * r)), 12);
    const floor = -1 / 3 + 1e-12;
    const atFloor = kolariPynnonen(sars, -5).stat!;
    expect(atFloor / (base * Math.sqrt((1 - floor) / (1 + 3 * floor)))).toBeCloseTo(1, 6);
    expect(Number.isFinite(atFloor)).toBe(true);
  });

  it('the p-value has N - 1 degrees of freedom', () => {
    const three = [1, 2, 6];
    const k = kolariPynnonen(three, 0.1);
    expect(k.stat).toBeCloseTo(plainT(three).stat! * Math.sqrt(0.9 / 1.2), 12);
    expect(k.p).toBeCloseTo(pT2(k.stat!), 8);
  });
});

describe('overlapCorrelation', () => {
  it('is 0 for fewer than two windows', () => {
    expect(overlapCorrelation([])).toBe(0);
    expect(overlapCorrelation([{ start: 0, end: 10 }])).toBe(0);
  });

  it('a window inside a longer one correlates by the overlap over the root of both lengths, in any input order', () => {
    const inner = { start: 10, end: 20 };
    const outer = { start: 0, end: 100 };
    expect(overlapCorrelation([inner, outer])).toBeCloseTo(10 / Math.sqrt(1000), 12);
    expect(overlapCorrelation([outer, inner])).toBeCloseTo(10 / Math.sqrt(1000), 12);
  });

  it('partial overlaps of unequal windows, averaged over every pair', () => {
    // a [0, 10), b [5, 25), c [20, 30): a-b overlap 5, b-c overlap 5, a-c none.
    const r = overlapCorrelation([{ start: 20, end: 30 }, { start: 0, end: 10 }, { start: 5, end: 25 }]);
    expect(r).toBeCloseTo((5 / Math.sqrt(10 * 20) + 5 / Math.sqrt(20 * 10)) / 3, 12);
  });
});

describe('meanResidualCorrelation', () => {
  it('is 0 for fewer than two series or when no pair can be correlated', () => {
    expect(meanResidualCorrelation([])).toBe(0);
    expect(meanResidualCorrelation([[1, 2, 3]])).toBe(0);
    // Pairs shorter than three points, or a series without spread, are left out.
    expect(meanResidualCorrelation([[1, 2], [2, 1]])).toBe(0);
    expect(meanResidualCorrelation([[1, 2, 3], [5, 5, 5]])).toBe(0);
    expect(meanResidualCorrelation([[5, 5, 5], [1, 2, 3]])).toBe(0);
  });

  it('aligns series of unequal length on their first (newest) points', () => {
    expect(meanResidualCorrelation([[1, 2, 3, 100, -50], [2, 4, 6]])).toBeCloseTo(1, 12);
    expect(meanResidualCorrelation([[2, 4, 6], [3, 2, 1, 7]])).toBeCloseTo(-1, 12);
  });

  it('averages only the pairs it could correlate', () => {
    // (a, b) = 1; (a, c) and (b, c) have a flat c and do not count.
    expect(meanResidualCorrelation([[1, 2, 3], [1, 3, 5], [4, 4, 4]])).toBeCloseTo(1, 12);
    // A partly correlated pair: x = 1, 2, 3, 4; y = 1, 3, 2, 4 has r = 0.8.
    expect(meanResidualCorrelation([[1, 2, 3, 4], [1, 3, 2, 4]])).toBeCloseTo(0.8, 12);
  });
});
