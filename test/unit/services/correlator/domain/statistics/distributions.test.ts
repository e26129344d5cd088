import { describe, expect, it } from 'vitest';
import { normalTwoSided, tTwoSided } from '../../../../../../services/correlator/domain/statistics/distributions.ts';

// Closed form of Student's t two-sided p-value with one degree of freedom (Cauchy), independent of the library.
const pT1 = (t: number) => 1 - (2 / Math.PI) * Math.atan(Math.abs(t));

describe('two-sided p-values', () => {
  it('t: symmetric in the sign of the statistic, 1 at 0, from the lower tail', () => {
    expect(tTwoSided(2, 1)).toBeCloseTo(pT1(2), 10);
    expect(tTwoSided(-2, 1)).toBeCloseTo(pT1(2), 10);
    expect(tTwoSided(0, 5)).toBe(1);
    // A large statistic keeps its precision instead of rounding 1 - cdf to 0.
    // (2 / pi) atan(1 / t) is the same tail without the cancellation of 1 - (2 / pi) atan(t).
    expect(tTwoSided(1e4, 1) / ((2 / Math.PI) * Math.atan(1e-4))).toBeCloseTo(1, 6);
  });

  it('t: no p-value without a finite statistic or a positive degree of freedom', () => {
    expect(tTwoSided(Infinity, 3)).toBeNaN();
    expect(tTwoSided(NaN, 3)).toBeNaN();
    expect(tTwoSided(1, 0)).toBeNaN();
    expect(tTwoSided(1, -1)).toBeNaN();
    expect(tTwoSided(1, NaN)).toBeNaN();
  });

  it('normal: the two-sided tail of the standard normal', () => {
    expect(normalTwoSided(1.959963984540054)).toBeCloseTo(0.05, 10);
    expect(normalTwoSided(-1.959963984540054)).toBeCloseTo(0.05, 10);
    expect(normalTwoSided(0)).toBe(1);
    // 2 (1 - Phi(5)) = 5.733e-7 from a normal table: the lower tail keeps it.
    expect(normalTwoSided(5) / 5.733031438470704e-7).toBeCloseTo(1, 4);
    expect(normalTwoSided(Infinity)).toBeNaN();
    expect(normalTwoSided(NaN)).toBeNaN();
  });
});
