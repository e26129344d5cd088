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

describe('TradingCalendar: other session shapes and edges', () => {
  it('a session opening and closing the same day (open before close)', () => {
    const day = new TradingCalendar({ kind: 'sessions', open: '08:00', close: '16:30', weekdays: [1, 2, 3, 4, 5], holidays: [] });
    expect(day.isOpen(at('2026-06-01T07:59:59.999Z'))).toBe(false);
    expect(day.isOpen(at('2026-06-01T08:00:00Z'))).toBe(true);
    expect(day.isOpen(at('2026-06-01T16:29:59.999Z'))).toBe(true);
    expect(day.isOpen(at('2026-06-01T16:30:00Z'))).toBe(false);
    expect(day.sessionAt(at('2026-06-01T12:00:00Z'))).toEqual({ day: at('2026-06-01T00:00:00Z') / 86_400_000, start: at('2026-06-01T08:00:00Z'), end: at('2026-06-01T16:30:00Z') });
    expect(iso(day.nextOpen(at('2026-06-01T17:00:00Z')))).toBe('2026-06-02T08:00:00.000Z');
    expect(iso(day.advance(at('2026-06-01T16:00:00Z'), HOUR))).toBe('2026-06-02T08:30:00.000Z');
    expect(iso(day.retreat(at('2026-06-02T08:30:00Z'), HOUR))).toBe('2026-06-01T16:00:00.000Z');
    // Retreating exactly to an open stops there; from the open, further back is the previous close.
    expect(iso(day.retreat(at('2026-06-02T09:00:00Z'), HOUR))).toBe('2026-06-02T08:00:00.000Z');
    expect(iso(day.retreat(at('2026-06-02T08:00:00Z'), MIN))).toBe('2026-06-01T16:29:00.000Z');
    // From inside the night: back to the close first.
    expect(iso(day.retreat(at('2026-06-01T20:00:00Z'), HOUR))).toBe('2026-06-01T15:30:00.000Z');
  });

  it('an open equal to the close makes a session of a whole day starting the day before', () => {
    const full = new TradingCalendar({ kind: 'sessions', open: '22:00', close: '22:00', weekdays: [1, 2, 3, 4, 5], holidays: [] });
    // Monday's session: Sunday 22:00 to Monday 22:00.
    expect(full.isOpen(at('2026-06-07T22:00:00Z'))).toBe(true);
    expect(full.isOpen(at('2026-06-07T21:59:59.999Z'))).toBe(false);
    expect(full.isOpen(at('2026-06-08T12:00:00Z'))).toBe(true);
    expect(full.isOpen(at('2026-06-08T22:00:00Z'))).toBe(true);
    expect(full.isOpen(at('2026-06-12T22:00:00Z'))).toBe(false);
  });

  it('needs a trading weekday unless always open', () => {
    expect(() => new TradingCalendar({ ...ICE_BRENT_CALENDAR, weekdays: [] })).toThrow(/at least one trading weekday/);
    expect(new TradingCalendar({ ...ALWAYS_OPEN, weekdays: [] }).isOpen(0)).toBe(true);
    expect(new TradingCalendar().spec).toBe(ICE_BRENT_CALENDAR);
    expect(new TradingCalendar(ICE_BRENT_CALENDAR).always).toBe(false);
    expect(new TradingCalendar(ALWAYS_OPEN).always).toBe(true);
  });

  it('knows weekdays before 1970', () => {
    // 1969-12-29 was a Monday, 1969-12-28 a Sunday.
    expect(cal().isTradingDay(Date.UTC(1969, 11, 29) / 86_400_000)).toBe(true);
    expect(cal().isTradingDay(Date.UTC(1969, 11, 28) / 86_400_000)).toBe(false);
    expect(cal().isTradingDay(Date.UTC(1969, 11, 27) / 86_400_000)).toBe(false);
    expect(cal().isTradingDay(Date.UTC(1969, 11, 26) / 86_400_000)).toBe(true);
  });

  it('gives up beyond 400 days without a session', () => {
    const days = Array.from({ length: 420 }, (_, i) => new Date(Date.UTC(2026, 5, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const none = new TradingCalendar({ ...ICE_BRENT_CALENDAR, holidays: days });
    expect(() => none.nextOpen(at('2026-06-01T10:00:00Z'))).toThrow(/no trading session within 400 days after 2026-06-01T10:00:00/);
    const noneBefore = new TradingCalendar({ ...ICE_BRENT_CALENDAR, holidays: Array.from({ length: 420 }, (_, i) => new Date(Date.UTC(2026, 5, 1) - i * 86_400_000).toISOString().slice(0, 10)) });
    expect(() => noneBefore.retreat(at('2026-06-01T10:00:00Z'), HOUR)).toThrow(/no trading session within 400 days before 2026-06-01T10:00:00/);
  });

  it('counts sessions on the always-open clock as whole days', () => {
    const always = new TradingCalendar(ALWAYS_OPEN);
    const t = at('2026-06-06T12:00:00Z');
    expect(always.advanceSessions(t, 2)).toBe(t + 2 * 86_400_000);
    expect(always.retreatSessions(t, 3)).toBe(t - 3 * 86_400_000);
    expect(always.isOpen(t)).toBe(true);
  });

  it('retreats sessions from inside a session to the same point of earlier ones, across a holiday', () => {
    const hol = new TradingCalendar({ ...ICE_BRENT_CALENDAR, holidays: ['2026-06-03'] });
    // Thursday 10:00, one session back: Wednesday is a holiday, so Tuesday 10:00.
    expect(iso(hol.retreatSessions(at('2026-06-04T10:00:00Z'), 1))).toBe('2026-06-02T10:00:00.000Z');
    expect(iso(hol.advanceSessions(at('2026-06-02T10:00:00Z'), 1))).toBe('2026-06-04T10:00:00.000Z');
    // Zero sessions: the same point.
    expect(iso(hol.retreatSessions(at('2026-06-04T10:00:00Z'), 0))).toBe('2026-06-04T10:00:00.000Z');
    // Exactly at a close the session that just ended is the last one: one session back is the close before it.
    expect(iso(cal().retreatSessions(at('2026-06-05T22:00:00Z'), 1))).toBe('2026-06-04T22:00:00.000Z');
  });

  it('infers no holidays from no ticks, and starts and ends at the sessions of the first and last ticks', () => {
    expect(TradingCalendar.inferHolidays(ICE_BRENT_CALENDAR, [])).toEqual([]);
    // The first tick on a Saturday (outside any session) still opens the span on its day; Monday to Wednesday have no tick.
    const ticks = [at('2026-05-30T12:00:00Z'), at('2026-06-04T10:00:00Z')];
    expect(TradingCalendar.inferHolidays(ICE_BRENT_CALENDAR, ticks)).toEqual(['2026-06-01', '2026-06-02', '2026-06-03']);
    // A last tick after Friday's close ends the span on its own day: the Monday after is not counted.
    expect(TradingCalendar.inferHolidays(ICE_BRENT_CALENDAR, [at('2026-06-01T10:00:00Z'), at('2026-06-05T22:30:00Z')])).toEqual(['2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05']);
    // A tick after 23:00 belongs to the next day's session.
    expect(TradingCalendar.inferHolidays(ICE_BRENT_CALENDAR, [at('2026-06-01T10:00:00Z'), at('2026-06-01T23:30:00Z'), at('2026-06-03T10:00:00Z')])).toEqual([]);
  });
});

function cal(): TradingCalendar {
  return new TradingCalendar(ICE_BRENT_CALENDAR);
}
