import { describe, expect, it } from 'vitest';
import { createTickValidator } from '../../../../../services/ingest-prices/domain/validate-tick.ts';

const T = Date.parse('2026-06-01T10:00:00Z');
const tick = (price: number, over: Partial<{ symbol: string; ts: number; size: number | null; seq: number }> = {}) => ({ symbol: 'BRENT', ts: T, price, size: null, seq: 0, ...over });

describe('tick validation', () => {
  it('rejects what cannot be a Brent price, with a counted reason each', () => {
    const v = createTickValidator({ maxJumpFraction: 0.5 });
    expect(v.check(tick(NaN))).toBe('non_finite_price');
    expect(v.check(tick(Infinity, { seq: 1 }))).toBe('non_finite_price');
    expect(v.check(tick(0, { seq: 2 }))).toBe('non_positive_price');
    expect(v.check(tick(-3, { seq: 3 }))).toBe('non_positive_price');
    expect(v.check(tick(25_000, { seq: 4 }))).toBe('absurd_price');
    expect(v.check(tick(80, { ts: NaN }))).toBe('bad_timestamp');
    expect(v.check(tick(80, { ts: Date.UTC(2200, 0, 1) }))).toBe('bad_timestamp');
    expect(v.check(tick(80, { size: -1, seq: 5 }))).toBe('bad_size');
    expect(v.check(tick(80, { seq: 6 }))).toBeNull();
    expect(v.check(tick(160, { seq: 7 }))).toBe('absurd_jump');
    expect(v.rejected).toEqual({ non_finite_price: 2, non_positive_price: 2, absurd_price: 1, absurd_jump: 1, bad_timestamp: 2, bad_size: 1, duplicate: 0 });
  });

  it('treats a tick seen before (symbol, ts, seq) as a duplicate: the first one wins', () => {
    const v = createTickValidator({ maxJumpFraction: 0.5 });
    expect(v.check(tick(80))).toBeNull();
    expect(v.check(tick(80))).toBe('duplicate');
    expect(v.check(tick(81))).toBe('duplicate');
    expect(v.check(tick(80, { seq: 1 }))).toBeNull();
    expect(v.check(tick(80, { symbol: 'WTI' }))).toBeNull();
    expect(v.rejected.duplicate).toBe(2);
  });

  it('accepts out-of-order ticks (ordering is the correlator\'s business)', () => {
    const v = createTickValidator({ maxJumpFraction: 0.5 });
    expect(v.check(tick(80, { ts: T + 60_000 }))).toBeNull();
    expect(v.check(tick(80.2, { ts: T }))).toBeNull();
  });

  it('believes a new level after three consistent jumps, so one bad first tick does not poison the feed', () => {
    const v = createTickValidator({ maxJumpFraction: 0.5 });
    expect(v.check(tick(8.0, { seq: 0 }))).toBeNull();
    expect(v.check(tick(80.0, { seq: 1 }))).toBe('absurd_jump');
    expect(v.check(tick(80.1, { seq: 2 }))).toBe('absurd_jump');
    expect(v.check(tick(80.2, { seq: 3 }))).toBeNull();
    expect(v.check(tick(80.3, { seq: 4 }))).toBeNull();
  });

  it('forgets the oldest identities beyond its memory', () => {
    const v = createTickValidator({ maxJumpFraction: 0.5, rememberIdentities: 2 });
    for (let s = 0; s < 3; s++) expect(v.check(tick(80, { seq: s }))).toBeNull();
    expect(v.check(tick(80, { seq: 0 }))).toBeNull();
    expect(v.check(tick(80, { seq: 2 }))).toBe('duplicate');
  });
});
