import { describe, expect, it } from 'vitest';
import { DAY_MS, isDateOnly, parseDateOrTime, startOfUtcDay, toIso, toMs } from '../../../../shared/contracts/time.ts';

describe('time', () => {
  it('converts between event text and epoch ms', () => {
    expect(toMs('2026-03-01T12:30:00.250Z')).toBe(Date.UTC(2026, 2, 1, 12, 30, 0, 250));
    expect(toMs('2026-03-01T14:30:00+02:00')).toBe(Date.UTC(2026, 2, 1, 12, 30));
    expect(toIso(Date.UTC(2026, 2, 1, 12, 30, 0, 250))).toBe('2026-03-01T12:30:00.250Z');
    expect(toMs('yesterday')).toBeNaN();
  });

  it('finds the start of the UTC day, before 1970 too', () => {
    expect(startOfUtcDay(Date.UTC(2026, 2, 1, 23, 59, 59, 999))).toBe(Date.UTC(2026, 2, 1));
    expect(startOfUtcDay(Date.UTC(2026, 2, 1))).toBe(Date.UTC(2026, 2, 1));
    expect(startOfUtcDay(Date.UTC(1969, 11, 31, 6))).toBe(Date.UTC(1969, 11, 31));
    expect(startOfUtcDay(-1)).toBe(-DAY_MS);
  });

  it('tells a bare date from a time', () => {
    expect(isDateOnly('2026-03-01')).toBe(true);
    for (const t of ['2026-03-01T00:00:00Z', '2026-3-1', ' 2026-03-01', '20260301']) expect(isDateOnly(t)).toBe(false);
  });

  it('reads a bare date as its UTC day (inclusive end on request) and a time as itself', () => {
    expect(parseDateOrTime('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
    expect(parseDateOrTime('2026-03-01', { endOfDay: true })).toBe(Date.UTC(2026, 2, 2) - 1);
    expect(parseDateOrTime('2026-03-01T06:00:00Z', { endOfDay: true })).toBe(Date.UTC(2026, 2, 1, 6));
    expect(parseDateOrTime('nope')).toBeNaN();
  });
});
