import { describe, expect, it } from 'vitest';
import { backoffSec, freshnessSec, nextPoll, parseRetryAfter, ttlSec, type SchedulePolicy } from '../../../../../services/ingest-news/domain/schedule.ts';

const policy: SchedulePolicy = { minIntervalSec: 60, maxIntervalSec: 21_600, backoffBaseSec: 60, backoffMaxSec: 3600, jitter: 0.1 };
const zero = () => 0;
const one = () => 0.999999;

describe('poll schedule', () => {
  it('uses the configured interval, lengthened (never shortened) by <ttl> and max-age', () => {
    expect(nextPoll({ outcome: 'ok', intervalSec: 300, consecutiveErrors: 0 }, policy, zero)).toEqual({ delayMs: 300_000, basis: 'interval' });
    expect(nextPoll({ outcome: 'ok', intervalSec: 300, ttlSec: 1800, consecutiveErrors: 0 }, policy, zero)).toEqual({ delayMs: 1_800_000, basis: 'ttl' });
    expect(nextPoll({ outcome: 'not-modified', intervalSec: 300, ttlSec: 60, maxAgeSec: 900, consecutiveErrors: 0 }, policy, zero)).toEqual({ delayMs: 900_000, basis: 'max-age' });
    expect(nextPoll({ outcome: 'ok', intervalSec: 300, maxAgeSec: 10, consecutiveErrors: 0 }, policy, zero).delayMs).toBe(300_000);
  });

  it('adds jitter only upwards and stays within the bounds', () => {
    expect(nextPoll({ outcome: 'ok', intervalSec: 300, consecutiveErrors: 0 }, policy, one).delayMs).toBe(330_000);
    expect(nextPoll({ outcome: 'ok', intervalSec: 5, consecutiveErrors: 0 }, policy, zero).delayMs).toBe(60_000);
    expect(nextPoll({ outcome: 'ok', intervalSec: 300, ttlSec: 7 * 86_400, consecutiveErrors: 0 }, policy, one).delayMs).toBe(21_600_000);
  });

  it('backs off exponentially with equal jitter, capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffSec(n, policy, zero))).toEqual([30, 60, 120, 240]);
    expect([1, 2, 3, 4].map((n) => Math.round(backoffSec(n, policy, one)))).toEqual([60, 120, 240, 480]);
    expect(backoffSec(50, policy, one)).toBeLessThanOrEqual(3600);
    expect(backoffSec(50, policy, zero)).toBe(1800);
    expect(nextPoll({ outcome: 'error', intervalSec: 300, consecutiveErrors: 1 }, policy, zero)).toEqual({ delayMs: 60_000, basis: 'backoff' });
    expect(nextPoll({ outcome: 'error', intervalSec: 300, consecutiveErrors: 3 }, policy, zero)).toEqual({ delayMs: 120_000, basis: 'backoff' });
  });

  it('honours Retry-After when it asks for more than the backoff', () => {
    expect(nextPoll({ outcome: 'rate-limited', intervalSec: 300, retryAfterSec: 600, consecutiveErrors: 1 }, policy, zero)).toEqual({ delayMs: 600_000, basis: 'retry-after' });
    expect(nextPoll({ outcome: 'rate-limited', intervalSec: 300, retryAfterSec: 1, consecutiveErrors: 4 }, policy, zero)).toEqual({ delayMs: 240_000, basis: 'backoff' });
    expect(nextPoll({ outcome: 'rate-limited', intervalSec: 300, retryAfterSec: 10 ** 9, consecutiveErrors: 1 }, policy, zero).delayMs).toBe(21_600_000);
  });

  it('parses Retry-After as seconds or as an HTTP date against the server clock', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:02:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:02:00 GMT', now + 3_600_000, 'Thu, 01 Jan 2026 12:00:00 GMT')).toBe(120);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('reads freshness from Cache-Control or Expires, and none under no-cache', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    expect(freshnessSec({ cacheControl: 'public, max-age=900' }, now)).toBe(900);
    expect(freshnessSec({ cacheControl: 'no-cache, max-age=900' }, now)).toBeUndefined();
    expect(freshnessSec({ expires: 'Thu, 01 Jan 2026 12:10:00 GMT', date: 'Thu, 01 Jan 2026 12:00:00 GMT' }, 0)).toBe(600);
    expect(freshnessSec({}, now)).toBeUndefined();
    expect(ttlSec('15')).toBe(900);
    expect(ttlSec('soon')).toBeUndefined();
    expect(ttlSec(undefined)).toBeUndefined();
  });

  it('boundaries: a hint equal to the interval or the backoff does not take over; odd header values are ignored', () => {
    expect(nextPoll({ outcome: 'ok', intervalSec: 300, ttlSec: 300, maxAgeSec: 300, consecutiveErrors: 0 }, policy, zero)).toEqual({ delayMs: 300_000, basis: 'interval' });
    expect(nextPoll({ outcome: 'ok', intervalSec: 300, ttlSec: 120, consecutiveErrors: 0 }, policy, zero)).toEqual({ delayMs: 300_000, basis: 'interval' });
    // Backoff after one error with no jitter is 30 s: a Retry-After of exactly that is honoured as such.
    expect(nextPoll({ outcome: 'rate-limited', intervalSec: 300, retryAfterSec: 30, consecutiveErrors: 1 }, policy, zero)).toEqual({ delayMs: 60_000, basis: 'retry-after' });
    const now = Date.UTC(2026, 0, 1, 12);
    expect(freshnessSec({ cacheControl: 'max-age=120' }, now)).toBe(120);
    expect(freshnessSec({ cacheControl: 'public, max-age = 120' }, now)).toBe(120);
    expect(freshnessSec({ cacheControl: 'private, no-cache' }, now)).toBeUndefined();
    expect(freshnessSec({ cacheControl: 'max-age=60, no-store' }, now)).toBeUndefined();
    expect(freshnessSec({ expires: 'whenever' }, now)).toBeUndefined();
    expect(ttlSec(5)).toBe(300);
    expect(ttlSec('0')).toBeUndefined();
    expect(ttlSec('-3')).toBeUndefined();
    expect(ttlSec('Infinity')).toBeUndefined();
  });
});
