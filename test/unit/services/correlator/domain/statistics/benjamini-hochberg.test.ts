import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../../../../services/correlator/domain/statistics/benjamini-hochberg.ts';

describe('benjaminiHochberg', () => {
  it('leaves a non-finite p-value missing and out of the count m', () => {
    // m = 2 (NaN and Infinity do not count): 0.01 * 2 / 1 = 0.02, 0.04 * 2 / 2 = 0.04.
    const q = benjaminiHochberg([0.01, NaN, 0.04, Infinity, null]);
    expect(q[0]).toBeCloseTo(0.02, 12);
    expect(q[1]).toBeNull();
    expect(q[2]).toBeCloseTo(0.04, 12);
    expect(q[3]).toBeNull();
    expect(q[4]).toBeNull();
  });

  it('an empty family and one of missing values give missing q-values only', () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([null, null])).toEqual([null, null]);
  });

  it('one p-value is its own q-value; the q-values keep the input order', () => {
    expect(benjaminiHochberg([0.3])).toEqual([0.3]);
    // Sorted 0.01, 0.02, 0.5: 3 * 0.01 = 0.03, 3 * 0.02 / 2 = 0.03, 0.5.
    const q = benjaminiHochberg([0.5, 0.02, 0.01]);
    expect(q[0]).toBeCloseTo(0.5, 12);
    expect(q[1]).toBeCloseTo(0.03, 12);
    expect(q[2]).toBeCloseTo(0.03, 12);
  });
});
