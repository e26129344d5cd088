import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs } from '../../../../shared/net/retry-after.ts';

const now = Date.parse('2026-06-01T10:00:00Z');

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfterMs('30', now)).toBe(30_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date against now, a past date as 0', () => {
    expect(parseRetryAfterMs('Mon, 01 Jun 2026 10:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfterMs('Mon, 01 Jun 2026 09:00:00 GMT', now)).toBe(0);
  });

  it("reads an HTTP-date against the server's Date when it sent one (clock skew)", () => {
    expect(parseRetryAfterMs('Mon, 01 Jun 2026 10:02:00 GMT', now + 3_600_000, 'Mon, 01 Jun 2026 10:00:00 GMT')).toBe(120_000);
    expect(parseRetryAfterMs('Mon, 01 Jun 2026 10:02:00 GMT', now, 'not a date')).toBe(120_000);
  });

  it('ignores what is neither form', () => {
    for (const v of ['soon', '-5', '1.5', '2026-06-01', '', undefined, null]) expect(parseRetryAfterMs(v, now)).toBeUndefined();
  });
});
