/**
 * Token bucket per key (a bearer token's name, or a client address when no tokens are
 * configured): `burst` requests at once, refilled at `perMinute`. Time comes from the
 * caller, so the arithmetic is tested without waiting.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until one more request is allowed (0 when allowed). */
  retryAfterSec: number;
  /** Seconds until the bucket is full again. */
  resetSec: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly defaults: { perMinute: number; burst: number }, private readonly maxKeys = 100_000) {}

  take(key: string, nowMs: number, perMinute = this.defaults.perMinute): RateDecision {
    const capacity = this.defaults.burst;
    const ratePerMs = perMinute / 60_000;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.prune(nowMs, ratePerMs, capacity);
      b = { tokens: capacity, at: nowMs };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(capacity, b.tokens + Math.max(0, nowMs - b.at) * ratePerMs);
    b.at = nowMs;
    const resetSec = Math.ceil((capacity - b.tokens) / ratePerMs / 1000);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, limit: capacity, remaining: Math.floor(b.tokens), retryAfterSec: 0, resetSec: Math.ceil((capacity - b.tokens) / ratePerMs / 1000) };
    }
    return { allowed: false, limit: capacity, remaining: 0, retryAfterSec: Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000)), resetSec };
  }

  /** Full buckets carry no information: forgetting them bounds memory when many addresses pass by. */
  private prune(nowMs: number, ratePerMs: number, capacity: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (nowMs - b.at) * ratePerMs >= capacity) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
