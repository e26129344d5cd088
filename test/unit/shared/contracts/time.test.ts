import { describe, expect, it } from 'vitest';
import { DAY_MS, isDateOnly, msToClickHouseTime, parseDateOrTime, startOfUtcDay, toClickHouseTime, toIso, toIsoDay, toMs } from '../../../../shared/contracts/time.ts';

describe('time', () => {
  it('converts between event text and epoch ms', () => {
    expect(toMs('2026-03-01T12:30:00.250Z')).toBe(Date.UTC(2026, 2, 1, 12, 30, 0, 250));
    expect(toMs('2026-03-01T14:30:00+02:00')).toBe(Date.UTC(2026, 2, 1, 12, 30));
    expect(toIso(Date.UTC(2026, 2, 1, 12, 30, 0, 250))).toBe('2026-03-01T12:30:00.250Z');
    expect(toMs('yesterday')).toBeNaN();
  });

  it("reads event time as Date.parse does, by the digits of toIso's form or by Date.parse itself, on 20,000 seeded texts", () => {
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const chars = '0123456789-:.TZtz +x';
    const texts: string[] = ['0099-01-01T00:00:00.000Z', '0100-01-01T00:00:00.000Z', '2026-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-01T00:60:00.000Z', '2026-01-01T00:00:60.000Z', '2026-01-01T00:00:00.000z'];
    for (let i = 0; i < 10_000; i++) {
      // Any instant from year 100 to 9999 in toIso's form, then one character of it replaced.
      const iso = toIso(Date.UTC(100, 0, 1) + (next() / 2 ** 32) * (Date.UTC(9999, 11, 31) - Date.UTC(100, 0, 1)) + (next() % 1000));
      texts.push(iso);
      const at = next() % 24;
      texts.push(iso.slice(0, at) + chars[next() % chars.length] + iso.slice(at + 1));
    }
    const got = texts.map((t) => [t, toMs(t)]);
    expect(got).toEqual(texts.map((t) => [t, Date.parse(t)]));
    // Enough of the changed texts still name a time, and enough do not.
    expect(got.filter(([, v]) => Number.isNaN(v)).length).toBeGreaterThan(1000);
    expect(got.filter(([, v]) => !Number.isNaN(v)).length).toBeGreaterThan(12_000);
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
