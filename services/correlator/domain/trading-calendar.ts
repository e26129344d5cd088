import { DAY_MS as DAY, parseDateOrTime, toIso, toIsoDay } from '../../../shared/contracts/time.ts';

export interface CalendarSpec {
  /** `always`: a market that never closes; `sessions`: weekday sessions like ICE Brent's. */
  kind: 'always' | 'sessions';
  /** `HH:MM` UTC; when not before `close`, the session opens on the previous day (ICE Brent: 23:00 the evening before). */
  open: string;
  /** `HH:MM` UTC at which the session of a trading day ends. */
  close: string;
  /** Trading weekdays, 0 = Sunday. */
  weekdays: number[];
  /** `YYYY-MM-DD` trading days with no session. */
  holidays: string[];
}

export const ICE_BRENT_CALENDAR: CalendarSpec = { kind: 'sessions', open: '23:00', close: '22:00', weekdays: [1, 2, 3, 4, 5], holidays: [] };
export const ALWAYS_OPEN: CalendarSpec = { kind: 'always', open: '00:00', close: '00:00', weekdays: [0, 1, 2, 3, 4, 5, 6], holidays: [] };

/**
 * A tick after 23:00 UTC belongs to the next day's session (ICE Brent opens the evening
 * before), so daily bars and session days are UTC days shifted by one hour. The SQL
 * `bars_1d` view uses the same shift.
 */
export const SESSION_DAY_SHIFT_MS = 3_600_000;

export function sessionDay(ts: number): number {
  return Math.floor((ts + SESSION_DAY_SHIFT_MS) / DAY);
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

export interface Session {
  /** Day number (ms since epoch / one day) of the trading day. */
  day: number;
  start: number;
  end: number;
}

/**
 * The trading clock. Horizons are counted in trading time: a headline published while the
 * market is closed starts at the next open, and a horizon that reaches a close continues
 * after the next open. So a Saturday headline is judged by Monday's trading, and the
 * pre-event volatility windows skip the weekend instead of measuring zero returns on it.
 */
export class TradingCalendar {
  private readonly openOffset: number;
  private readonly closeOffset: number;
  private readonly weekdays: Set<number>;
  private readonly holidays: Set<number>;
  readonly always: boolean;

  constructor(readonly spec: CalendarSpec = ICE_BRENT_CALENDAR) {
    this.always = spec.kind === 'always';
    const open = minutes(spec.open) * 60_000;
    const close = minutes(spec.close) * 60_000;
    this.closeOffset = close;
    this.openOffset = open >= close ? open - DAY : open;
    this.weekdays = new Set(spec.weekdays);
    this.holidays = new Set(spec.holidays.map((d) => parseDateOrTime(d) / DAY));
    if (!this.always && this.weekdays.size === 0) throw new Error('a session calendar needs at least one trading weekday');
  }

  isTradingDay(day: number): boolean {
    // Day 0 (1970-01-01) was a Thursday.
    return this.weekdays.has((((day + 4) % 7) + 7) % 7) && !this.holidays.has(day);
  }

  session(day: number): Session {
    return { day, start: day * DAY + this.openOffset, end: day * DAY + this.closeOffset };
  }

  /** The session that contains t (start <= t < end), if any. */
  sessionAt(t: number): Session | null {
    const d = Math.floor(t / DAY);
    for (const day of [d, d + 1]) {
      if (!this.isTradingDay(day)) continue;
      const s = this.session(day);
      if (s.start <= t && t < s.end) return s;
    }
    return null;
  }

  isOpen(t: number): boolean {
    return this.always || this.sessionAt(t) !== null;
  }

  /** The first session starting after t. */
  private nextSession(t: number): Session {
    for (let day = Math.floor(t / DAY); day < Math.floor(t / DAY) + 400; day++) {
      if (!this.isTradingDay(day)) continue;
      const s = this.session(day);
      if (s.start > t) return s;
    }
    throw new Error(`no trading session within 400 days after ${toIso(t)}`);
  }

  /** The last session ending at or before t. */
  private previousSession(t: number): Session {
    for (let day = Math.floor(t / DAY) + 1; day > Math.floor(t / DAY) - 400; day--) {
      if (!this.isTradingDay(day)) continue;
      const s = this.session(day);
      if (s.end <= t) return s;
    }
    throw new Error(`no trading session within 400 days before ${toIso(t)}`);
  }

  /** t itself when the market is open, else the next open. */
  nextOpen(t: number): number {
    if (this.always || this.sessionAt(t)) return t;
    return this.nextSession(t).start;
  }

  /** The instant `ms` of trading time after t (t is first moved to the next open). */
  advance(t: number, ms: number): number {
    if (this.always) return t + ms;
    let cur = this.nextOpen(t);
    let rem = ms;
    for (let guard = 0; guard < 100_000; guard++) {
      const s = this.sessionAt(cur)!;
      if (cur + rem <= s.end) return cur + rem;
      rem -= s.end - cur;
      cur = this.nextOpen(s.end);
    }
    throw new Error('trading clock did not converge');
  }

  /** The instant `ms` of trading time before t (t is first moved back to the last close when the market is shut). */
  retreat(t: number, ms: number): number {
    if (this.always) return t - ms;
    let cur = t;
    let rem = ms;
    for (let guard = 0; guard < 100_000; guard++) {
      // The session that cur lies in, counting its end as inside (start < cur <= end).
      const s = this.sessionAt(cur - 1) ?? this.previousSession(cur);
      if (cur > s.end) cur = s.end;
      if (cur - rem >= s.start) return cur - rem;
      rem -= cur - s.start;
      cur = s.start;
    }
    throw new Error('trading clock did not converge');
  }

  /**
   * The same point of the session `n` trading sessions later. Whole-day horizons count
   * sessions, not hours: ICE Brent's sessions last 23 hours, so "24 hours of trading" would
   * drift an hour a day and windows of it would sometimes hold two daily closes or none.
   */
  advanceSessions(t: number, n: number): number {
    if (this.always) return t + n * DAY;
    const start = this.nextOpen(t);
    let s = this.sessionAt(start)!;
    const offset = start - s.start;
    for (let i = 0; i < n; i++) s = this.nextSession(s.start);
    return Math.min(s.start + offset, s.end);
  }

  /** The same point of the session `n` trading sessions earlier (from a closed market: the last close). */
  retreatSessions(t: number, n: number): number {
    if (this.always) return t - n * DAY;
    let s = this.sessionAt(t);
    let offset: number;
    if (s) offset = t - s.start;
    else {
      s = this.previousSession(t);
      offset = s.end - s.start;
    }
    for (let i = 0; i < n; i++) s = this.previousSession(s.start);
    return s.start + Math.min(offset, s.end - s.start);
  }

  /**
   * Trading days inside the span of a tick series on which no tick fell: holidays, as far as
   * the data can tell (a whole history is known at once, like an exchange's published calendar).
   */
  static inferHolidays(spec: CalendarSpec, sortedTicks: number[]): string[] {
    if (spec.kind === 'always' || sortedTicks.length === 0) return [];
    const cal = new TradingCalendar({ ...spec, holidays: [] });
    const withTicks = new Set<number>();
    for (const t of sortedTicks) {
      const s = cal.sessionAt(t);
      if (s) withTicks.add(s.day);
    }
    const first = cal.sessionAt(sortedTicks[0])?.day ?? Math.floor(sortedTicks[0] / DAY);
    const last = cal.sessionAt(sortedTicks[sortedTicks.length - 1])?.day ?? Math.floor(sortedTicks[sortedTicks.length - 1] / DAY);
    const out: string[] = [];
    for (let day = first; day <= last; day++) if (cal.isTradingDay(day) && !withTicks.has(day)) out.push(toIsoDay(day * DAY));
    return out;
  }
}
