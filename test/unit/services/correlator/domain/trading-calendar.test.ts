import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, ICE_BRENT_CALENDAR, TradingCalendar, sessionDay } from '../../../../../services/correlator/domain/trading-calendar.ts';

// 2026-06-01 is a Monday; ICE Brent's session of day D runs from 23:00 UTC on D-1 to 22:00 UTC on D, Monday to Friday.
const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const MIN = 60_000;
const HOUR = 3_600_000;

describe('TradingCalendar (ICE Brent sessions)', () => {
  const cal = new TradingCalendar(ICE_BRENT_CALENDAR);

  it('is open on a weekday and from Sunday 23:00, closed from Friday 22:00 and on Saturday', () => {
    expect(cal.isOpen(at('2026-06-03T10:00:00Z'))).toBe(true);
    expect(cal.isOpen(at('2026-06-03T22:30:00Z'))).toBe(false);
    expect(cal.isOpen(at('2026-06-03T23:00:00Z'))).toBe(true);
    expect(cal.isOpen(at('2026-06-05T21:59:59.999Z'))).toBe(true);
    expect(cal.isOpen(at('2026-06-05T22:00:00Z'))).toBe(false);
    expect(cal.isOpen(at('2026-06-06T12:00:00Z'))).toBe(false);
    expect(cal.isOpen(at('2026-06-07T22:59:59.999Z'))).toBe(false);
    expect(cal.isOpen(at('2026-06-07T23:00:00Z'))).toBe(true);
  });

  it('moves a time in a closed period to the next open, and leaves an open time alone', () => {
    expect(iso(cal.nextOpen(at('2026-06-06T12:00:00Z')))).toBe('2026-06-07T23:00:00.000Z');
    expect(iso(cal.nextOpen(at('2026-06-05T22:30:00Z')))).toBe('2026-06-07T23:00:00.000Z');
    expect(iso(cal.nextOpen(at('2026-06-02T22:30:00Z')))).toBe('2026-06-02T23:00:00.000Z');
    expect(iso(cal.nextOpen(at('2026-06-02T10:00:00Z')))).toBe('2026-06-02T10:00:00.000Z');
  });

  it('counts horizons in trading time across the daily break and the weekend', () => {
    // Friday 21:58 + 5 min: 2 min to the close, 3 min after Sunday's open.
    expect(iso(cal.advance(at('2026-06-05T21:58:00Z'), 5 * MIN))).toBe('2026-06-07T23:03:00.000Z');
    // Saturday + 1 day: Monday's session (Sun 23:00 to Mon 22:00) gives 23 h, Tuesday's opens Mon 23:00 for the last hour.
    expect(iso(cal.advance(at('2026-06-06T00:00:00Z'), 24 * HOUR))).toBe('2026-06-09T00:00:00.000Z');
    // Tuesday 21:30 + 1 h: 30 min to the close, 30 min after the 23:00 reopen.
    expect(iso(cal.advance(at('2026-06-02T21:30:00Z'), HOUR))).toBe('2026-06-02T23:30:00.000Z');
    // Reaching the close exactly stops there.
    expect(iso(cal.advance(at('2026-06-05T21:00:00Z'), HOUR))).toBe('2026-06-05T22:00:00.000Z');
  });

  it('counts backwards in trading time too (pre-event windows skip the weekend)', () => {
    // Monday 00:30 - 2 h: 1.5 h back to Sunday's 23:00 open, then 30 min before Friday's close.
    expect(iso(cal.retreat(at('2026-06-08T00:30:00Z'), 2 * HOUR))).toBe('2026-06-05T21:30:00.000Z');
    // From Saturday: back to Friday's close first.
    expect(iso(cal.retreat(at('2026-06-06T12:00:00Z'), HOUR))).toBe('2026-06-05T21:00:00.000Z');
    expect(iso(cal.retreat(at('2026-06-03T12:00:00Z'), 24 * HOUR))).toBe('2026-06-02T11:00:00.000Z');
  });

  it('counts whole days in sessions, to the same point of the session, so daily windows never drift', () => {
    // Wednesday 00:00 is 1 h into Wednesday's session; one session later is 1 h into Thursday's.
    expect(iso(cal.advanceSessions(at('2026-06-03T00:00:00Z'), 1))).toBe('2026-06-04T00:00:00.000Z');
    // Friday 00:00 -> Monday's session opens Sunday 23:00: Monday 00:00.
    expect(iso(cal.advanceSessions(at('2026-06-05T00:00:00Z'), 1))).toBe('2026-06-08T00:00:00.000Z');
    // Saturday moves to Sunday's 23:00 open, then one session on: Monday 23:00.
    expect(iso(cal.advanceSessions(at('2026-06-06T09:00:00Z'), 1))).toBe('2026-06-08T23:00:00.000Z');
    const back = [at('2026-06-08T00:00:00Z')];
    for (let i = 0; i < 5; i++) back.push(cal.retreatSessions(back[back.length - 1], 1));
    expect(back.map((t) => iso(t).slice(0, 16))).toEqual(['2026-06-08T00:00', '2026-06-05T00:00', '2026-06-04T00:00', '2026-06-03T00:00', '2026-06-02T00:00', '2026-06-01T00:00']);
    // From a closed market: the last close, then whole sessions back.
    expect(iso(cal.retreatSessions(at('2026-06-06T12:00:00Z'), 1))).toBe('2026-06-04T22:00:00.000Z');
  });

  it('skips holidays: no session on the day, the next session opens the evening before the next trading day', () => {
    const hol = new TradingCalendar({ ...ICE_BRENT_CALENDAR, holidays: ['2026-06-03'] });
    expect(hol.isOpen(at('2026-06-03T10:00:00Z'))).toBe(false);
    expect(iso(hol.nextOpen(at('2026-06-03T10:00:00Z')))).toBe('2026-06-03T23:00:00.000Z');
    // Tuesday 21:00 + 2 h: 1 h to Tuesday's close, then Thursday's session opens Wednesday 23:00.
    expect(iso(hol.advance(at('2026-06-02T21:00:00Z'), 2 * HOUR))).toBe('2026-06-04T00:00:00.000Z');
  });

  it('infers holidays from the days a price file has no tick on', () => {
    const closes = ['2026-06-01', '2026-06-02', '2026-06-04', '2026-06-05', '2026-06-08'].map((d) => at(`${d}T19:30:00Z`));
    expect(TradingCalendar.inferHolidays(ICE_BRENT_CALENDAR, closes)).toEqual(['2026-06-03']);
    expect(TradingCalendar.inferHolidays(ALWAYS_OPEN, closes)).toEqual([]);
  });

  it('puts a tick after 23:00 UTC into the next trading day', () => {
    expect(sessionDay(at('2026-06-07T23:30:00Z'))).toBe(at('2026-06-08T00:00:00Z') / 86_400_000);
    expect(sessionDay(at('2026-06-08T19:30:00Z'))).toBe(at('2026-06-08T00:00:00Z') / 86_400_000);
  });
});

describe('TradingCalendar (always open)', () => {
  it('is plain clock arithmetic', () => {
    const cal = new TradingCalendar(ALWAYS_OPEN);
    const t = at('2026-06-06T12:00:00Z');
    expect(cal.nextOpen(t)).toBe(t);
    expect(cal.advance(t, HOUR)).toBe(t + HOUR);
    expect(cal.retreat(t, HOUR)).toBe(t - HOUR);
  });
});
