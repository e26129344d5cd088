import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../shared/runtime/clock.ts';
import { deferral, hostKey, planNextPoll, readAnswer } from '../../../../../services/ingest-news/domain/poll-schedule.ts';
import type { SchedulePolicy } from '../../../../../services/ingest-news/domain/schedule.ts';

const policy: SchedulePolicy = { minIntervalSec: 60, maxIntervalSec: 21_600, backoffBaseSec: 60, backoffMaxSec: 3600, jitter: 0.1 };
const NOW = Date.UTC(2026, 0, 1, 12);
const clock = () => new ManualClock(NOW);
const zero = () => 0;

describe('readAnswer', () => {
  const sent = { etag: '"sent"', lastModified: 'Wed, 31 Dec 2025 00:00:00 GMT' };

  it('keeps the validators sent on a bare 304 and takes fresher ones a 304 carries', () => {
    expect(readAnswer(304, {}, sent, policy, clock())).toEqual({ outcome: 'not-modified', maxAgeSec: undefined, validators: sent });
    expect(readAnswer(304, { etag: 'W/"new"' }, sent, policy, clock())).toEqual({ outcome: 'not-modified', maxAgeSec: undefined, validators: { etag: 'W/"new"', lastModified: sent.lastModified } });
    expect(readAnswer(304, { lastModified: 'Thu, 01 Jan 2026 00:00:00 GMT' }, sent, policy, clock())).toEqual({
      outcome: 'not-modified',
      maxAgeSec: undefined,
      validators: { etag: '"sent"', lastModified: 'Thu, 01 Jan 2026 00:00:00 GMT' },
    });
    expect(readAnswer(304, { cacheControl: 'max-age=900' }, {}, policy, clock())).toEqual({ outcome: 'not-modified', maxAgeSec: 900, validators: { etag: undefined, lastModified: undefined } });
  });

  it('takes a 2xx validators exactly as sent, dropping one it did not send', () => {
    expect(readAnswer(200, { etag: '"b"' }, sent, policy, clock())).toEqual({ outcome: 'ok', maxAgeSec: undefined, validators: { etag: '"b"', lastModified: undefined } });
    expect(readAnswer(299, {}, sent, policy, clock())).toEqual({ outcome: 'ok', maxAgeSec: undefined, validators: { etag: undefined, lastModified: undefined } });
    expect(readAnswer(200, { expires: 'Thu, 01 Jan 2026 12:10:00 GMT', date: 'Thu, 01 Jan 2026 12:00:00 GMT' }, {}, policy, clock())).toMatchObject({ outcome: 'ok', maxAgeSec: 600 });
  });

  it('reads the edges of the success range as errors', () => {
    expect(readAnswer(199, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_199', retryable: false });
    expect(readAnswer(300, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_300', retryable: false });
  });

  it('retries server errors and request timeouts, not client errors', () => {
    expect(readAnswer(500, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_500', retryable: true });
    expect(readAnswer(502, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_502', retryable: true });
    expect(readAnswer(408, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_408', retryable: true });
    expect(readAnswer(499, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_499', retryable: false });
    expect(readAnswer(404, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_404', retryable: false });
    expect(readAnswer(410, {}, {}, policy, clock())).toEqual({ outcome: 'error', reason: 'http_410', retryable: false });
  });

  it('reads Retry-After in seconds on a 429 and blocks the host for exactly that long', () => {
    expect(readAnswer(429, { retryAfter: '120' }, {}, policy, clock())).toEqual({ outcome: 'rate-limited', reason: 'http_429', retryAfterSec: 120, hostBlockedUntil: NOW + 120_000 });
    expect(readAnswer(429, { retryAfter: '0' }, {}, policy, clock())).toEqual({ outcome: 'rate-limited', reason: 'http_429', retryAfterSec: 0, hostBlockedUntil: NOW });
  });

  it('reads Retry-After as an HTTP date against the server Date, not our clock', () => {
    // Our clock is 12:00; the server thinks it is 11:00 and asks for 11:05: five minutes, not a date in the past.
    expect(readAnswer(429, { retryAfter: 'Thu, 01 Jan 2026 11:05:00 GMT', date: 'Thu, 01 Jan 2026 11:00:00 GMT' }, {}, policy, clock())).toEqual({
      outcome: 'rate-limited',
      reason: 'http_429',
      retryAfterSec: 300,
      hostBlockedUntil: NOW + 300_000,
    });
    expect(readAnswer(429, { retryAfter: 'Thu, 01 Jan 2026 12:02:00 GMT' }, {}, policy, clock())).toMatchObject({ retryAfterSec: 120, hostBlockedUntil: NOW + 120_000 });
  });

  it('caps the host block at the longest interval', () => {
    expect(readAnswer(429, { retryAfter: String(21_600) }, {}, policy, clock())).toMatchObject({ retryAfterSec: 21_600, hostBlockedUntil: NOW + 21_600_000 });
    expect(readAnswer(429, { retryAfter: String(21_601) }, {}, policy, clock())).toMatchObject({ retryAfterSec: 21_601, hostBlockedUntil: NOW + 21_600_000 });
  });

  it('blocks no host for a 503, nor for a 429 without a readable Retry-After', () => {
    expect(readAnswer(503, { retryAfter: '120' }, {}, policy, clock())).toEqual({ outcome: 'rate-limited', reason: 'http_503', retryAfterSec: 120, hostBlockedUntil: undefined });
    expect(readAnswer(429, {}, {}, policy, clock())).toEqual({ outcome: 'rate-limited', reason: 'http_429', retryAfterSec: undefined, hostBlockedUntil: undefined });
    expect(readAnswer(429, { retryAfter: 'soon' }, {}, policy, clock())).toEqual({ outcome: 'rate-limited', reason: 'http_429', retryAfterSec: undefined, hostBlockedUntil: undefined });
  });
});

describe('planNextPoll', () => {
  it('places the next poll on the clock', () => {
    const c = clock();
    expect(planNextPoll({ outcome: 'ok', intervalSec: 300, consecutiveErrors: 0 }, policy, zero, c)).toEqual({ delayMs: 300_000, basis: 'interval', at: NOW + 300_000 });
    c.advance(5000);
    expect(planNextPoll({ outcome: 'ok', intervalSec: 300, consecutiveErrors: 0 }, policy, zero, c)).toEqual({ delayMs: 300_000, basis: 'interval', at: NOW + 305_000 });
  });

  it('backs off by failures in a row, the first one half a base step at least', () => {
    const at = (n: number) => planNextPoll({ outcome: 'error', intervalSec: 300, consecutiveErrors: n }, policy, zero, clock());
    // Equal jitter with random 0: 30 s clamped up to the 60 s minimum, then 60, 120, 240.
    expect([1, 2, 3, 4, 5].map((n) => at(n).delayMs)).toEqual([60_000, 60_000, 120_000, 240_000, 480_000]);
    expect(at(4)).toEqual({ delayMs: 240_000, basis: 'backoff', at: NOW + 240_000 });
    // Capped at half the maximum step with random 0.
    expect(at(40).delayMs).toBe(1_800_000);
  });

  it('waits for Retry-After when it is at least the backoff', () => {
    expect(planNextPoll({ outcome: 'rate-limited', intervalSec: 300, retryAfterSec: 240, consecutiveErrors: 4 }, policy, zero, clock())).toEqual({ delayMs: 240_000, basis: 'retry-after', at: NOW + 240_000 });
    expect(planNextPoll({ outcome: 'rate-limited', intervalSec: 300, retryAfterSec: 239, consecutiveErrors: 4 }, policy, zero, clock())).toEqual({ delayMs: 240_000, basis: 'backoff', at: NOW + 240_000 });
  });
});

describe('deferral', () => {
  it('defers a poll until the host block ends, and not at or after its end', () => {
    const c = clock();
    expect(deferral(undefined, c)).toBeUndefined();
    expect(deferral(NOW + 1, c)).toEqual({ at: NOW + 1, delayMs: 1, basis: 'retry-after' });
    expect(deferral(NOW + 90_000, c)).toEqual({ at: NOW + 90_000, delayMs: 90_000, basis: 'retry-after' });
    expect(deferral(NOW, c)).toBeUndefined();
    expect(deferral(NOW - 1, c)).toBeUndefined();
    c.advance(90_000);
    expect(deferral(NOW + 90_000, c)).toBeUndefined();
  });
});

describe('hostKey', () => {
  it('gates web feeds by host and port, case-insensitively, and files by path', () => {
    expect(hostKey('https://Example.COM/a/feed.xml')).toBe('example.com');
    expect(hostKey('http://example.com:8080/feed')).toBe('example.com:8080');
    expect(hostKey('https://example.com:443/x')).toBe('example.com');
    expect(hostKey('file:///srv/feeds/a.xml')).toBe('file:/srv/feeds/a.xml');
    expect(hostKey('feeds/a.xml')).toBe('path:feeds/a.xml');
  });
});
