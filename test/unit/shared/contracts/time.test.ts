import { describe, expect, it } from 'vitest';
import { DAY_MS, isDateOnly, msToClickHouseTime, parseDateOrTime, startOfUtcDay, toClickHouseTime, toIso, toIsoDay, toMs } from '../../../../shared/contracts/time.ts';

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

  it('reads an ISO date-time without a zone as UTC whatever the machine zone, and other text as Date.parse does', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      // The environment really reads zone-less text locally, so the UTC reading below is the function's own.
      expect(Date.parse('2026-03-01T10:30')).toBe(Date.UTC(2026, 2, 1, 15, 30));
      expect(parseDateOrTime('2026-03-01T10:30')).toBe(Date.UTC(2026, 2, 1, 10, 30));
      expect(parseDateOrTime('2026-03-01 10:30:15.5')).toBe(Date.UTC(2026, 2, 1, 10, 30, 15, 500));
      expect(parseDateOrTime('2026-03-01 10:30', { endOfDay: true })).toBe(Date.UTC(2026, 2, 1, 10, 30));
      expect(parseDateOrTime('2026-03-01T10:30:00+02:00')).toBe(Date.UTC(2026, 2, 1, 8, 30));
      expect(parseDateOrTime('2026-03-01T10:30:00-0500')).toBe(Date.UTC(2026, 2, 1, 15, 30));
      expect(parseDateOrTime('2026-03-01T10:30:00z')).toBe(Date.UTC(2026, 2, 1, 10, 30));
      expect(parseDateOrTime('Sun, 01 Mar 2026 10:30:00 GMT')).toBe(Date.UTC(2026, 2, 1, 10, 30));
      expect(parseDateOrTime('2026-03-01 10:30 Zulu')).toBeNaN();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('writes UTC days and ClickHouse DateTime64 text', () => {
    expect(toIsoDay(Date.UTC(2026, 2, 1, 23, 59))).toBe('2026-03-01');
    expect(toClickHouseTime('2026-03-01T10:30:00.250Z')).toBe('2026-03-01 10:30:00.250');
    expect(msToClickHouseTime(Date.UTC(2026, 2, 1, 10, 30, 0, 250))).toBe('2026-03-01 10:30:00.250');
  });
});
