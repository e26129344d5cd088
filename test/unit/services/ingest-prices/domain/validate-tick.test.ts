import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePriceCsv } from '../../../../../services/ingest-prices/domain/parse-prices.ts';
import { MAX_PLAUSIBLE_PRICE, createTickValidator, type CheckedTick, type Verdict } from '../../../../../services/ingest-prices/domain/validate-tick.ts';

const T = Date.parse('2026-06-01T10:00:00Z');
const NOW = () => T + 3_600_000;
const tick = (price: number, over: Partial<{ symbol: string; ts: number; size: number | null; seq: number }> = {}) => ({ symbol: 'BRENT', ts: T, price, size: null, seq: 0, ...over });
const validator = (over: Partial<Parameters<typeof createTickValidator>[0]> = {}) => createTickValidator<ReturnType<typeof tick>>({ maxJumpFraction: 0.5, now: NOW, ...over });
const prices = (v: Verdict<CheckedTick>) => v.accepted.map((t) => t.price);

describe('tick validation', () => {
  it('rejects what cannot be a Brent price, with a counted reason each', () => {
    const v = validator();
    expect(v.push(tick(NaN)).rejected).toBe('non_finite_price');
    expect(v.push(tick(Infinity, { seq: 1 })).rejected).toBe('non_finite_price');
    expect(v.push(tick(0, { seq: 2 })).rejected).toBe('non_positive_price');
    expect(v.push(tick(-3, { seq: 3 })).rejected).toBe('non_positive_price');
    expect(v.push(tick(25_000, { seq: 4 })).rejected).toBe('absurd_price');
    expect(v.push(tick(80, { ts: NaN })).rejected).toBe('bad_timestamp');
    expect(v.push(tick(80, { size: -1, seq: 5 })).rejected).toBe('bad_size');
    expect(prices(v.push(tick(80, { seq: 6 })))).toEqual([80]);
    expect(v.rejected).toMatchObject({ non_finite_price: 2, non_positive_price: 2, absurd_price: 1, bad_timestamp: 1, bad_size: 1, duplicate: 0 });
  });

  it('rejects a tick stamped beyond the future tolerance of the injected clock, and one before a plausible start', () => {
    const v = validator({ time: { futureToleranceMs: 60_000, oldestMs: Date.UTC(1983, 0, 1) } });
    expect(v.push(tick(80, { ts: Date.UTC(2099, 0, 1) })).rejected).toBe('future_timestamp');
    expect(v.push(tick(80, { ts: NOW() + 120_000 })).rejected).toBe('future_timestamp');
    expect(v.push(tick(80, { ts: Date.UTC(1970, 0, 1) })).rejected).toBe('too_old');
    expect(v.push(tick(80, { ts: Date.UTC(1982, 11, 31) })).rejected).toBe('too_old');
    // Within the tolerance: a feed whose clock runs a little ahead is fine.
    expect(v.push(tick(80, { ts: NOW() + 30_000 })).rejected).toBeNull();
    expect(v.rejected).toMatchObject({ future_timestamp: 2, too_old: 2 });
  });

  it('treats a tick seen before (symbol, ts, seq) as a duplicate: the first one wins', () => {
    const v = validator();
    expect(v.push(tick(80)).rejected).toBeNull();
    expect(v.push(tick(80)).rejected).toBe('duplicate');
    expect(v.push(tick(81)).rejected).toBe('duplicate');
    expect(v.push(tick(80, { seq: 1 })).rejected).toBeNull();
    expect(v.push(tick(80, { symbol: 'WTI' })).rejected).toBeNull();
    expect(v.rejected.duplicate).toBe(2);
  });

  it('accepts out-of-order ticks (ordering is the correlator\'s business)', () => {
    const v = validator();
    expect(prices(v.push(tick(80, { ts: T + 60_000 })))).toEqual([80]);
    expect(prices(v.push(tick(80.2, { ts: T })))).toEqual([80.2]);
  });

  it('quarantines a lone 10x spike the next tick reverts, and publishes the rest', () => {
    const v = validator();
    expect(prices(v.push(tick(80, { seq: 0 })))).toEqual([80]);
    const spike = v.push(tick(800, { seq: 1 }));
    expect(spike.accepted).toEqual([]);
    expect(spike.quarantined).toEqual([]);
    const after = v.push(tick(80.1, { seq: 2 }));
    expect(prices(after)).toEqual([80.1]);
    expect(after.quarantined.map((q) => [q.tick.price, q.reason, q.anchor])).toEqual([[800, 'reverted_spike', 80]]);
    expect(v.quarantined.reverted_spike).toBe(1);
    // The level did not move: a tick near 80 is no jump.
    expect(prices(v.push(tick(79.9, { seq: 3 })))).toEqual([79.9]);
  });

  it('confirms a jump the next tick does not undo: one bad first tick does not poison the feed', () => {
    const v = validator();
    expect(prices(v.push(tick(8.0, { seq: 0 })))).toEqual([8]);
    expect(prices(v.push(tick(80.0, { seq: 1 })))).toEqual([]);
    expect(prices(v.push(tick(80.1, { seq: 2 })))).toEqual([80, 80.1]);
    expect(prices(v.push(tick(80.2, { seq: 3 })))).toEqual([80.2]);
  });

  it('quarantines a jump still unconfirmed when its source ends', () => {
    const v = validator();
    v.push(tick(80, { seq: 0 }));
    v.push(tick(300, { seq: 1 }));
    const end = v.end();
    expect(end.quarantined.map((q) => [q.tick.price, q.reason])).toEqual([[300, 'unconfirmed_jump']]);
    expect(v.end().quarantined).toEqual([]);
  });

  it('accepts the real EIA Brent closes of April 2020 (17.36 -> 9.12 -> 13.77)', () => {
    const text = readFileSync(fileURLToPath(new URL('../../../../fixtures/prices/eia-brent-april-2020.csv', import.meta.url)), 'utf8');
    const parsed = parsePriceCsv(text, { symbol: 'BRENT', closeUtc: '19:30' });
    expect(parsed.ticks.length).toBe(13);
    const v = createTickValidator({ maxJumpFraction: 0.3, now: () => Date.parse('2026-12-01T00:00:00Z') });
    const out: number[] = [];
    for (const t of parsed.ticks) {
      const r = v.push(t);
      expect(r.rejected).toBeNull();
      expect(r.quarantined).toEqual([]);
      out.push(...prices(r));
    }
    const end = v.end();
    expect(end.quarantined).toEqual([]);
    // Both jumps beyond 30% (-47% and +51%) were provisional and confirmed by the days after them.
    expect(out).toEqual(parsed.ticks.map((t) => t.price));
    expect(out).toContain(9.12);
    expect(out).toContain(13.77);
  });

  it('accepts them with the default 50% bound too', () => {
    const v = createTickValidator({ maxJumpFraction: 0.5, now: () => Date.parse('2026-12-01T00:00:00Z') });
    const days = [19.75, 17.36, 9.12, 13.77, 15.06].map((price, i) => ({ symbol: 'BRENT', ts: Date.UTC(2020, 3, [17, 20, 21, 22, 23][i], 19, 30), price, size: null }));
    const out = days.flatMap((d) => prices(v.push(d)));
    expect([...out, ...prices(v.end())]).toEqual([19.75, 17.36, 9.12, 13.77, 15.06]);
  });

  it('forgets the oldest identities beyond its memory', () => {
    const v = validator({ rememberIdentities: 2 });
    for (let s = 0; s < 3; s++) expect(v.push(tick(80, { seq: s })).rejected).toBeNull();
    expect(v.push(tick(80, { seq: 0 })).rejected).toBeNull();
    expect(v.push(tick(80, { seq: 2 })).rejected).toBe('duplicate');
  });
});

describe('tick validation at its bounds', () => {
  it('starts with every counter at zero and answers a rejection with nothing released', () => {
    const v = validator();
    expect(v.rejected).toEqual({ non_finite_price: 0, non_positive_price: 0, absurd_price: 0, bad_timestamp: 0, future_timestamp: 0, too_old: 0, bad_size: 0, duplicate: 0 });
    expect(v.quarantined).toEqual({ reverted_spike: 0, unconfirmed_jump: 0 });
    expect(v.push(tick(NaN))).toEqual({ accepted: [], quarantined: [], rejected: 'non_finite_price' });
  });

  it('takes prices up to MAX_PLAUSIBLE_PRICE and any size that is a finite count, 0 included', () => {
    const v = validator({ maxJumpFraction: 1e9 });
    expect(v.push(tick(MAX_PLAUSIBLE_PRICE)).rejected).toBeNull();
    expect(v.push(tick(MAX_PLAUSIBLE_PRICE + 0.01, { seq: 1 })).rejected).toBe('absurd_price');
    expect(v.push(tick(0.01, { seq: 2 })).rejected).toBeNull();
    expect(v.push(tick(80, { seq: 3, size: 0 })).rejected).toBeNull();
    expect(v.push(tick(80, { seq: 4, size: NaN })).rejected).toBe('bad_size');
    expect(v.push(tick(80, { seq: 5, size: Infinity })).rejected).toBe('bad_size');
    expect(v.rejected).toMatchObject({ absurd_price: 1, bad_size: 2 });
  });

  it('applies the default time rule (60 s ahead, 1983-01-01) without one', () => {
    const v = validator();
    expect(v.push(tick(80, { ts: NOW() + 60_000 })).rejected).toBeNull();
    expect(v.push(tick(80, { ts: NOW() + 60_001 })).rejected).toBe('future_timestamp');
    expect(v.push(tick(80, { ts: Date.UTC(1983, 0, 1) })).rejected).toBeNull();
    expect(v.push(tick(80, { ts: Date.UTC(1983, 0, 1) - 1 })).rejected).toBe('too_old');
  });

  it("applies the caller's own time rule, not the default, when one is given", () => {
    const v = validator({ time: { futureToleranceMs: 5_000, oldestMs: Date.UTC(2020, 0, 1) } });
    // Both would pass the default rule (60 s ahead, 1983-01-01).
    expect(v.push(tick(80, { ts: NOW() + 10_000 })).rejected).toBe('future_timestamp');
    expect(v.push(tick(80, { ts: Date.UTC(2019, 11, 31) })).rejected).toBe('too_old');
    expect(v.push(tick(80, { ts: NOW() + 5_000 })).rejected).toBeNull();
  });

  it('does not remember a rejected tick: a corrected copy of it is no duplicate', () => {
    const v = validator();
    expect(v.push(tick(NaN)).rejected).toBe('non_finite_price');
    expect(prices(v.push(tick(80)))).toEqual([80]);
  });

  it('counts a tick without seq as seq 0', () => {
    const v = createTickValidator<CheckedTick>({ maxJumpFraction: 0.5, now: NOW });
    expect(v.push({ symbol: 'BRENT', ts: T, price: 80, size: null }).rejected).toBeNull();
    expect(v.push({ symbol: 'BRENT', ts: T, price: 80, size: null, seq: 0 }).rejected).toBe('duplicate');
  });

  it('remembers exactly rememberIdentities identities, and 200,000 by default', () => {
    const v = validator({ rememberIdentities: 2 });
    v.push(tick(80, { seq: 0 }));
    v.push(tick(80, { seq: 1 }));
    expect(v.push(tick(80, { seq: 0 })).rejected).toBe('duplicate');
    expect(v.push(tick(80, { seq: 1 })).rejected).toBe('duplicate');
    const d = validator();
    for (let s = 0; s < 200_000; s++) d.push(tick(80, { seq: s }));
    expect(d.push(tick(80, { seq: 0 })).rejected).toBe('duplicate');
    d.push(tick(80, { seq: 200_000 }));
    expect(d.push(tick(80, { seq: 0 })).rejected).toBeNull();
  });

  it('holds a move only beyond maxJumpFraction: exactly the bound is an ordinary tick, both ways', () => {
    const v = validator({ maxJumpFraction: 0.5 });
    v.push(tick(80, { seq: 0 }));
    expect(prices(v.push(tick(120, { seq: 1 })))).toEqual([120]);
    expect(prices(v.push(tick(60, { seq: 2 })))).toEqual([60]);
    expect(prices(v.push(tick(90.01, { seq: 3 })))).toEqual([]);
  });

  it('holds a fall as it holds a rise', () => {
    const v = validator();
    v.push(tick(80, { seq: 0 }));
    expect(prices(v.push(tick(8, { seq: 1 })))).toEqual([]);
    const after = v.push(tick(80.5, { seq: 2 }));
    expect(after.quarantined.map((q) => [q.tick.price, q.reason, q.anchor])).toEqual([[8, 'reverted_spike', 80]]);
  });

  it('calls a jump reverted when the next tick is back within revertShare of it, the bound included', () => {
    // ln 2 is exactly a quarter of ln 16.
    const v = validator({ maxJumpFraction: 0.5 });
    v.push(tick(1, { seq: 0 }));
    v.push(tick(16, { seq: 1 }));
    expect(v.push(tick(2, { seq: 2 })).quarantined.map((q) => q.reason)).toEqual(['reverted_spike']);
    const w = validator({ maxJumpFraction: 0.5 });
    w.push(tick(1, { seq: 0 }));
    w.push(tick(16, { seq: 1 }));
    expect(prices(w.push(tick(2.01, { seq: 2 })))).toEqual([16]);
    // A wider share reverts more: back at 4 is half the jump.
    const x = validator({ maxJumpFraction: 0.5, revertShare: 0.5 });
    x.push(tick(1, { seq: 0 }));
    x.push(tick(16, { seq: 1 }));
    expect(x.push(tick(4, { seq: 2 })).quarantined.map((q) => q.reason)).toEqual(['reverted_spike']);
  });

  it('judges each symbol against its own last price and held tick', () => {
    const v = validator();
    v.push(tick(80, { seq: 0 }));
    v.push(tick(70, { seq: 0, symbol: 'WTI' }));
    expect(prices(v.push(tick(800, { seq: 1 })))).toEqual([]);
    // WTI's tick neither confirms nor reverts Brent's spike.
    expect(v.push(tick(70.1, { seq: 1, symbol: 'WTI' }))).toEqual({ accepted: [tick(70.1, { seq: 1, symbol: 'WTI' })], quarantined: [], rejected: null });
    const end = v.end();
    expect(end.quarantined.map((q) => [q.tick.symbol, q.tick.price, q.reason, q.anchor])).toEqual([['BRENT', 800, 'unconfirmed_jump', 80]]);
    expect(end.accepted).toEqual([]);
    expect(end.rejected).toBeNull();
    expect(v.quarantined).toEqual({ reverted_spike: 0, unconfirmed_jump: 1 });
  });
});
