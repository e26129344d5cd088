/**
 * Time as the contracts carry it (RFC 3339 text in events) and as the code computes with it
 * (epoch milliseconds, UTC). One place for the conversions so every hop rounds and rejects alike.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Epoch ms of an RFC 3339 / ISO 8601 time; NaN when the text is not a time (events are validated before this). */
export function toMs(iso: string): number {
  return iso.length === 24 ? canonicalMs(iso) : Date.parse(iso);
}

/** The value of `n` decimal digits of `s` from `at`, or -1 if one is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `Date.parse` of a 24-character text. Events carry `toIso`'s form (`2026-03-01T12:30:00.250Z`), read here by its
 * digits at a fraction of the cost of the general parser (the scorer reads one per headline). Any other text, and any
 * field a shortcut might read otherwise than `Date.parse` (a day past the 28th, an hour of 24, a year before 100, which
 * `Date.UTC` would take as 19xx), goes to `Date.parse`.
 */
function canonicalMs(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return Date.parse(s);
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  const ms = digitsAt(s, 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return Date.parse(s);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** RFC 3339 text (UTC, milliseconds) of epoch ms, the form every event carries. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Start of the UTC day holding `ms`; correct before 1970 too, where `%` is negative. */
export function startOfUtcDay(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a bare calendar date (`2026-03-01`): a day, not an instant. */
export function isDateOnly(text: string): boolean {
  return DATE_ONLY.test(text);
}

/** `YYYY-MM-DD` of the UTC day holding `ms`. */
export function toIsoDay(ms: number): string {
  return toIso(ms).slice(0, 10);
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const NAMES_ZONE = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch ms of a date or a time. A bare date is the start of that UTC day, or with `endOfDay`
 * its last millisecond (an inclusive `--to 2026-03-01` covers the whole day). An ISO date-time
 * that names no zone (`2026-03-01 10:30`) is UTC: price files and headline archives are kept in
 * UTC, and `Date.parse` would read it in the machine's zone and shift every row. Any other text
 * (RFC 822 dates of feeds) goes to `Date.parse`. NaN when it is not a time.
 */
export function parseDateOrTime(text: string, options: { endOfDay?: boolean } = {}): number {
  if (isDateOnly(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    return options.endOfDay ? start + DAY_MS - 1 : start;
  }
  if (ISO_DATE_TIME.test(text) && !NAMES_ZONE.test(text)) return Date.parse(`${text.replace(' ', 'T')}Z`);
  return Date.parse(text);
}

/**
 * ClickHouse `DateTime64` text (`2026-03-01 10:30:00.000`, UTC) of an RFC 3339 time: ClickHouse reads
 * this form for DateTime64 in every input format, ISO text only with best-effort parsing.
 */
export function toClickHouseTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

/** ClickHouse `DateTime64` text of epoch ms. */
export function msToClickHouseTime(ms: number): string {
  return toClickHouseTime(toIso(ms));
}
