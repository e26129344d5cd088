/**
 * A keyed cache of async results for reads that are slow and asked for often (the dashboard's /api/topics reads the whole
 * `impact_tests` view): one computation per key in flight at a time, shared by every caller that asks meanwhile, and its
 * result reused for `ttlMs`. For `staleMs` after that, an expired result is still answered at once while one fresh
 * computation runs behind it (a page left open asks every few seconds and should not wait seconds for each refresh);
 * past that, callers wait for the computation. A failed computation is not kept: the next caller tries again.
 */
import type { Clock } from '../../../shared/runtime/clock.ts';

interface Entry<V> {
  /** Set while the computation runs; callers meanwhile share it (or the stale value, while it may be served). */
  pending?: Promise<V>;
  /** Set once a computation has succeeded, with the time it stops being fresh. */
  value?: { v: V; expiresAt: number };
}

export interface SingleFlightOptions {
  /** Keys held at most: keys come from request parameters, so past it the oldest result is dropped. */
  maxKeys?: number;
  /** How long past its expiry a result may still be answered while its refresh runs; 0: never. */
  staleMs?: number;
  /** Told of each computation started behind a stale answer, so its owner can wait for it before closing. */
  onBackground?: (work: Promise<unknown>) => void;
}

export class SingleFlightCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxKeys: number;
  private readonly staleMs: number;

  /** `ttlMs` 0 disables the cache (every call computes). */
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly options: SingleFlightOptions = {},
  ) {
    this.maxKeys = options.maxKeys ?? 64;
    this.staleMs = options.staleMs ?? 0;
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    if (this.ttlMs <= 0) return compute();
    const now = this.clock.now();
    const entry = this.entries.get(key);
    const servable = entry?.value && now < entry.value.expiresAt + this.staleMs ? entry.value : undefined;
    if (servable && now < servable.expiresAt) return Promise.resolve(servable.v);
    if (entry?.pending) return servable ? Promise.resolve(servable.v) : entry.pending;
    // The result is as fresh as the moment the read started: expiry counts from there, not from when it finished.
    const startedAt = now;
    const pending = compute().then(
      (v) => {
        this.entries.set(key, { value: { v, expiresAt: startedAt + this.ttlMs } });
        return v;
      },
      (err: unknown) => {
        const current = this.entries.get(key);
        // A stale value stays servable for the rest of its window; the next caller past it tries again.
        if (current?.value) this.entries.set(key, { value: current.value });
        else this.entries.delete(key);
        throw err;
      },
    );
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    this.entries.set(key, { pending, ...(servable ? { value: servable } : {}) });
    this.evict(now);
    if (!servable) return pending;
    // Nobody awaits a background refresh: its failure is the next caller's to see, not an unhandled rejection.
    const background = pending.catch(() => undefined);
    this.options.onBackground?.(background);
    return Promise.resolve(servable.v);
  }

  /** Keys held (running or cached): for tests and metrics. */
  get size(): number {
    return this.entries.size;
  }

  /** Results past serving go first; then, while over `maxKeys`, the oldest results (a running computation is never dropped). */
  private evict(now: number): void {
    for (const [k, e] of this.entries) if (e.value && !e.pending && now >= e.value.expiresAt + this.staleMs) this.entries.delete(k);
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxKeys) return;
      if (e.value && !e.pending) this.entries.delete(k);
    }
  }
}
