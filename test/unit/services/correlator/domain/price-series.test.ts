import { describe, expect, it } from 'vitest';
import { PriceSeries } from '../../../../../services/correlator/domain/price-series.ts';

const series = (ticks: [number, number, string?][]) => {
  const s = new PriceSeries();
  for (const [ts, price, id] of ticks) s.insert(ts, price, id);
  return s;
};

describe('PriceSeries', () => {
  it('an empty series has no first, last or price at any time', () => {
    const s = new PriceSeries();
    expect([s.length, s.first, s.last]).toEqual([0, undefined, undefined]);
    expect(s.atOrBefore(1e15)).toBeUndefined();
    expect(s.after(-1e15)).toBeUndefined();
    expect(s.upperBound(0)).toBe(0);
  });

  it('keeps ticks sorted, first and last the ends, whatever order they arrive in', () => {
    const s = series([[20, 2, 'b'], [10, 1, 'a'], [30, 3, 'c'], [15, 1.5, 'd']]);
    expect(s.ts).toEqual([10, 15, 20, 30]);
    expect(s.price).toEqual([1, 1.5, 2, 3]);
    expect([s.length, s.first, s.last]).toEqual([4, 10, 30]);
  });

  it('keeps a tick once per identity; without one, its time is the identity', () => {
    const s = new PriceSeries();
    expect(s.insert(10, 1, 'a')).toBe(true);
    expect(s.insert(20, 2, 'a')).toBe(false);
    expect(s.has('a')).toBe(true);
    expect(s.has('b')).toBe(false);
    expect(s.insert(30, 3)).toBe(true);
    expect(s.has('30')).toBe(true);
    expect(s.insert(30, 4)).toBe(false);
    expect([s.ts, s.price]).toEqual([[10, 30], [1, 3]]);
  });

  it('bumps the revision only when a tick lands before the end, not when it is appended (ties included)', () => {
    const s = series([[10, 1, 'a'], [20, 2, 'b']]);
    expect(s.revision).toBe(0);
    s.insert(20, 2.5, 'c');
    expect(s.revision).toBe(0);
    expect(s.price).toEqual([1, 2, 2.5]);
    s.insert(15, 1.5, 'd');
    expect(s.revision).toBe(1);
    // A tick tied with one inside the series goes after it: the later arrival is the newer price at that time.
    s.insert(10, 1.1, 'e');
    expect(s.revision).toBe(2);
    expect([s.ts, s.price]).toEqual([[10, 10, 15, 20, 20], [1, 1.1, 1.5, 2, 2.5]]);
    expect(s.atOrBefore(10)).toEqual({ ts: 10, price: 1.1 });
  });

  it('upperBound is the index of the first tick strictly after t', () => {
    const s = series([[10, 1, 'a'], [20, 2, 'b'], [20, 2.1, 'c'], [30, 3, 'd']]);
    expect([5, 10, 15, 20, 25, 30, 35].map((t) => s.upperBound(t))).toEqual([0, 1, 1, 3, 3, 4, 4]);
  });

  it('atOrBefore gives the last price at or before t, after the first one strictly after t', () => {
    const s = series([[10, 1, 'a'], [20, 2, 'b'], [30, 3, 'c']]);
    expect(s.atOrBefore(9)).toBeUndefined();
    expect(s.atOrBefore(10)).toEqual({ ts: 10, price: 1 });
    expect(s.atOrBefore(29)).toEqual({ ts: 20, price: 2 });
    expect(s.atOrBefore(99)).toEqual({ ts: 30, price: 3 });
    expect(s.after(9)).toEqual({ ts: 10, price: 1 });
    expect(s.after(10)).toEqual({ ts: 20, price: 2 });
    expect(s.after(29)).toEqual({ ts: 30, price: 3 });
    expect(s.after(30)).toBeUndefined();
  });

  describe('merge', () => {
    it('into an empty series takes the ticks sorted, without a revision', () => {
      const s = new PriceSeries();
      expect(s.merge([{ ts: 30, price: 3, identity: 'c' }, { ts: 10, price: 1, identity: 'a' }])).toBe(2);
      expect([s.ts, s.price, s.revision]).toEqual([[10, 30], [1, 3], 0]);
    });

    it('returns 0 and changes nothing when every tick is known', () => {
      const s = series([[10, 1, 'a']]);
      expect(s.merge([{ ts: 5, price: 9, identity: 'a' }])).toBe(0);
      expect([s.ts, s.price, s.revision]).toEqual([[10], [1], 0]);
      expect(s.merge([])).toBe(0);
    });

    it('appends a batch that starts at or after the last tick, without a revision', () => {
      const s = series([[10, 1, 'a'], [20, 2, 'b']]);
      expect(s.merge([{ ts: 30, price: 3, identity: 'c' }, { ts: 20, price: 2.5, identity: 'd' }])).toBe(2);
      expect([s.ts, s.price, s.revision]).toEqual([[10, 20, 20, 30], [1, 2, 2.5, 3], 0]);
    });

    it('interleaves an older batch, known ticks first among equal times, and bumps the revision', () => {
      const s = series([[10, 1, 'a'], [20, 2, 'b'], [40, 4, 'd']]);
      expect(s.merge([{ ts: 20, price: 2.5, identity: 'x' }, { ts: 5, price: 0.5, identity: 'y' }, { ts: 50, price: 5, identity: 'z' }])).toBe(3);
      expect([s.ts, s.price]).toEqual([[5, 10, 20, 20, 40, 50], [0.5, 1, 2, 2.5, 4, 5]]);
      expect(s.revision).toBe(1);
      expect(s.has('y') && s.has('z')).toBe(true);
    });

    it('keeps one of two ticks with the same identity in one batch', () => {
      const s = new PriceSeries();
      expect(s.merge([{ ts: 10, price: 1, identity: 'a' }, { ts: 11, price: 2, identity: 'a' }])).toBe(1);
      expect(s.length).toBe(1);
    });
  });

  describe('pruneBefore', () => {
    it('drops ticks before t but keeps the last one at or before it (the price at t) and forgets the dropped identities', () => {
      const s = series([[10, 1, 'a'], [20, 2, 'b'], [30, 3, 'c'], [40, 4, 'd']]);
      s.pruneBefore(35);
      expect([s.ts, s.price]).toEqual([[30, 40], [3, 4]]);
      expect(s.revision).toBe(1);
      expect(['a', 'b', 'c', 'd'].map((k) => s.has(k))).toEqual([false, false, true, true]);
      // A forgotten identity can come back (a history reload) and lands in place.
      expect(s.insert(20, 2, 'b')).toBe(true);
      expect(s.ts).toEqual([20, 30, 40]);
    });

    it('keeps the identities of every tick at the cut-off time, so a reload of a tied tick adds nothing', () => {
      const s = series([[10, 1, 'a'], [30, 3, 'b'], [30, 3.1, 'c'], [40, 4, 'd']]);
      s.pruneBefore(30);
      // The price at 30 is the later of the two tied ticks; the earlier one is no longer needed.
      expect([s.ts, s.price]).toEqual([[30, 40], [3.1, 4]]);
      expect(['a', 'b', 'c', 'd'].map((k) => s.has(k))).toEqual([false, true, true, true]);
    });

    it('is a no-op when nothing lies before the last tick at or before t', () => {
      const s = series([[10, 1, 'a'], [20, 2, 'b']]);
      s.pruneBefore(5);
      s.pruneBefore(10);
      s.pruneBefore(19);
      expect([s.ts, s.revision, s.has('a')]).toEqual([[10, 20], 0, true]);
    });
  });
});
