/**
 * A keyed cache of async results for reads that are slow and asked for often (the dashboard's /api/topics reads the whole
 * `impact_tests` view): one computation per key in flight at a time, shared by every caller that asks meanwhile, and its
 * result reused for `ttlMs`. A failed computation is not kept: the next caller tries again.
 */
import type { Clock } from '../../../shared/runtime/clock.ts';

interface Entry<V> {
  /** Set while the computation runs; callers meanwhile share it. */
  pending?: Promise<V>;
  /** Set once it has succeeded, with the time it stops being served. */
  value?: { v: V; expiresAt: number };
}

export class SingleFlightCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  /**
   * `ttlMs` 0 disables the cache (every call computes). `maxKeys` bounds memory: keys come from request parameters,
   * so past it the oldest key is dropped.
   */
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxKeys = 64,
  ) {}

  get(key: string, compute: () => Promise<V>): Promise<V> {
    if (this.ttlMs <= 0) return compute();
    const now = this.clock.now();
    const entry = this.entries.get(key);
    if (entry?.pending) return entry.pending;
    if (entry?.value && now < entry.value.expiresAt) return Promise.resolve(entry.value.v);
    // The result is as fresh as the moment the read started: expiry counts from there, not from when it finished.
    const startedAt = now;
    const pending = compute().then(
      (v) => {
        this.entries.set(key, { value: { v, expiresAt: startedAt + this.ttlMs } });
        return v;
      },
      (err: unknown) => {
        this.entries.delete(key);
        throw err;
      },
    );
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    this.entries.set(key, { pending });
    this.evict(now);
    return pending;
  }

  /** Keys held (running or cached): for tests and metrics. */
  get size(): number {
    return this.entries.size;
  }

  /** Expired results go first; then, while over `maxKeys`, the oldest results (a running computation is never dropped). */
  private evict(now: number): void {
    for (const [k, e] of this.entries) if (e.value && now >= e.value.expiresAt) this.entries.delete(k);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxKeys) return;
      if (e.value) this.entries.delete(k);
    }
  }
}
