import { describe, expect, it } from 'vitest';
import { corradoRank, generalizedSign, midRanks } from '../../../../../../services/correlator/domain/statistics/nonparametric.ts';
import { normalTwoSided } from '../../../../../../services/correlator/domain/statistics/distributions.ts';

describe('midRanks', () => {
  it('ranks an empty list and distinct values 1..n in place', () => {
    expect(midRanks([])).toEqual([]);
    expect(midRanks([30, 10, 20])).toEqual([3, 1, 2]);
    expect(midRanks([1, 1, 0, 2, 2, 2])).toEqual([2.5, 2.5, 1, 5, 5, 5]);
  });
});

describe('corradoRank', () => {
  it('averages each relative period over the events that have it (events with different estimation lengths)', () => {
    // A: [3, 1, 2] ranks [3, 1, 2], U = K / 4 - 1/2 = [0.25, -0.25, 0].
    // B: [0, 5, 1, 2] ranks [1, 4, 2, 3], U = K / 5 - 1/2 = [-0.3, 0.3, -0.1, 0.1].
    // C has one estimation window: left out. Period means: -0.025, 0.025, -0.05, 0.1 (the last from B alone).
    const r = corradoRank([
      { ar: 3, estimation: [1, 2] },
      { ar: 0, estimation: [5, 1, 2] },
      { ar: 9, estimation: [7] },
    ]);
    const s = Math.sqrt((0.025 ** 2 + 0.025 ** 2 + 0.05 ** 2 + 0.1 ** 2) / 4);
    expect(r.stat).toBeCloseTo(-0.025 / s, 12);
    expect(r.p).toBeCloseTo(normalTwoSided(-0.025 / s), 12);
  });

  it('gives no test without an event with two estimation windows, or without spread in the ranks', () => {
    expect(corradoRank([])).toEqual({ stat: null, p: null });
    expect(corradoRank([{ ar: 1, estimation: [2] }])).toEqual({ stat: null, p: null });
    expect(corradoRank([{ ar: 2, estimation: [2, 2] }])).toEqual({ stat: null, p: null });
  });

  it('one event with two estimation windows is enough', () => {
    // [5, 1, 3]: U = [0.25, -0.25, 0]; S = sqrt((0.0625 * 2) / 3).
    const r = corradoRank([{ ar: 5, estimation: [1, 3] }]);
    expect(r.stat).toBeCloseTo(0.25 / Math.sqrt(0.125 / 3), 12);
  });
});

describe('generalizedSign', () => {
  it('counts neither a zero abnormal return nor a zero estimation return as positive, and skips events without estimation windows', () => {
    // A: share 1/4 positive, ar 0 (not positive); B: share 2/4, ar 2 (positive); C: no estimation windows.
    // p = 0.375, w = 1, N = 2: Z = (1 - 0.75) / sqrt(2 * 0.375 * 0.625).
    const r = generalizedSign([
      { ar: 0, estimation: [0, 1, -1, 0] },
      { ar: 2, estimation: [1, 1, -1, 0] },
      { ar: 5, estimation: [] },
    ]);
    const z = 0.25 / Math.sqrt(2 * 0.375 * 0.625);
    expect(r.stat).toBeCloseTo(z, 12);
    expect(r.p).toBeCloseTo(normalTwoSided(z), 12);
  });

  it('gives no test without events, or when the estimation windows are all positive or none is', () => {
    expect(generalizedSign([])).toEqual({ stat: null, p: null });
    expect(generalizedSign([{ ar: 1, estimation: [] }])).toEqual({ stat: null, p: null });
    expect(generalizedSign([{ ar: 1, estimation: [1, 2] }, { ar: -1, estimation: [3] }])).toEqual({ stat: null, p: null });
    expect(generalizedSign([{ ar: 1, estimation: [0, -2] }, { ar: -1, estimation: [-3] }])).toEqual({ stat: null, p: null });
  });

  it('one event is enough', () => {
    // p = 1/2, w = 1, N = 1: Z = 0.5 / 0.5 = 1.
    expect(generalizedSign([{ ar: 3, estimation: [1, -1] }]).stat).toBeCloseTo(1, 12);
    // One estimation window each is enough too: p = (1 + 0) / 2, w = 1, N = 2: Z = 0.
    expect(generalizedSign([{ ar: 3, estimation: [1] }, { ar: -1, estimation: [-1] }]).stat).toBeCloseTo(0, 12);
  });
});
