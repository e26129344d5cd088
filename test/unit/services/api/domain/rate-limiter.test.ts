import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../../../services/api/domain/rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the time until the next token', () => {
    const rl = new RateLimiter({ perMinute: 60, burst: 3 });
    const t = 1_000_000;
    expect([1, 2, 3].map(() => rl.take('a', t).allowed)).toEqual([true, true, true]);
    const refused = rl.take('a', t);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSec: 1 });
    // One token per second at 60/min.
    expect(rl.take('a', t + 1000).allowed).toBe(true);
    expect(rl.take('a', t + 1000).allowed).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const rl = new RateLimiter({ perMinute: 60, burst: 1 });
    expect(rl.take('a', 0).allowed).toBe(true);
    expect(rl.take('a', 0).allowed).toBe(false);
    expect(rl.take('b', 0).allowed).toBe(true);
  });

  it('honours a per-key rate', () => {
    const rl = new RateLimiter({ perMinute: 60, burst: 1 });
    rl.take('slow', 0, 6);
    expect(rl.take('slow', 1000, 6).allowed).toBe(false);
    expect(rl.take('slow', 10_000, 6).allowed).toBe(true);
  });

  it('never grows past the burst, however long the pause', () => {
    const rl = new RateLimiter({ perMinute: 600, burst: 2 });
    rl.take('a', 0);
    const d = rl.take('a', 10 * 60_000);
    expect(d.remaining).toBe(1);
    expect(d.limit).toBe(2);
  });

  it('forgets full buckets when it holds too many keys', () => {
    const rl = new RateLimiter({ perMinute: 60, burst: 1 }, 2);
    rl.take('a', 0);
    rl.take('b', 0);
    expect(rl.take('c', 120_000).allowed).toBe(true);
    expect(rl.take('a', 120_000).allowed).toBe(true);
  });

  it('reports remaining, Retry-After and reset in whole seconds, rounding up', () => {
    // 6 a minute: one token every 10 s.
    const rl = new RateLimiter({ perMinute: 6, burst: 2 });
    expect(rl.take('a', 0)).toEqual({ allowed: true, limit: 2, remaining: 1, retryAfterSec: 0, resetSec: 10 });
    expect(rl.take('a', 0)).toEqual({ allowed: true, limit: 2, remaining: 0, retryAfterSec: 0, resetSec: 20 });
    expect(rl.take('a', 0)).toEqual({ allowed: false, limit: 2, remaining: 0, retryAfterSec: 10, resetSec: 20 });
    expect(rl.take('a', 4000)).toEqual({ allowed: false, limit: 2, remaining: 0, retryAfterSec: 6, resetSec: 16 });
    expect(rl.take('a', 10_000)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('a clock that steps back refills nothing', () => {
    const rl = new RateLimiter({ perMinute: 60, burst: 1 });
    rl.take('a', 10_000);
    expect(rl.take('a', 5_000)).toMatchObject({ allowed: false, retryAfterSec: 1 });
  });

  it('when full, forgets only the buckets that refilled, and keeps the state of the others', () => {
    const rl = new RateLimiter({ perMinute: 60, burst: 2 }, 2);
    rl.take('a', 0);
    rl.take('a', 0);
    rl.take('b', 0);
    // At 1 s, b is full again (forgotten) and a holds one token (kept): a new key fits without clearing a.
    expect(rl.take('c', 1000).allowed).toBe(true);
    expect(rl.take('a', 1000)).toMatchObject({ allowed: true, remaining: 0 });
  });
});
