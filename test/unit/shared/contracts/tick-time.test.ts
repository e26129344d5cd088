import { describe, expect, it } from 'vitest';
import { DEFAULT_FUTURE_TOLERANCE_MS, DEFAULT_TICK_TIME_RULE, OLDEST_PLAUSIBLE_TICK, tickTimeVerdict } from '../../../../shared/contracts/tick-time.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('tickTimeVerdict', () => {
  it('by default: nothing before 1983-01-01 UTC and at most a minute ahead of the clock', () => {
    expect(OLDEST_PLAUSIBLE_TICK).toBe('1983-01-01');
    expect(DEFAULT_FUTURE_TOLERANCE_MS).toBe(60_000);
    expect(DEFAULT_TICK_TIME_RULE).toEqual({ futureToleranceMs: 60_000, oldestMs: Date.UTC(1983, 0, 1) });
    expect(tickTimeVerdict(Date.UTC(1983, 0, 1), NOW)).toBe('ok');
    expect(tickTimeVerdict(Date.UTC(1983, 0, 1) - 1, NOW)).toBe('too_old');
    expect(tickTimeVerdict(NOW + 60_000, NOW)).toBe('ok');
    expect(tickTimeVerdict(NOW + 60_001, NOW)).toBe('future_timestamp');
    expect(tickTimeVerdict(NOW, NOW)).toBe('ok');
  });

  it('refuses what is not a time before anything else', () => {
    for (const ts of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(tickTimeVerdict(ts, NOW), String(ts)).toBe('bad_timestamp');
  });

  it('applies the rule it is given, bounds included', () => {
    const rule = { futureToleranceMs: 0, oldestMs: 1000 };
    expect(tickTimeVerdict(1000, 5000, rule)).toBe('ok');
    expect(tickTimeVerdict(999, 5000, rule)).toBe('too_old');
    expect(tickTimeVerdict(5000, 5000, rule)).toBe('ok');
    expect(tickTimeVerdict(5001, 5000, rule)).toBe('future_timestamp');
    // Too old wins over a clock so far behind that the tick also looks ahead of it.
    expect(tickTimeVerdict(500, 0, rule)).toBe('too_old');
  });
});
