/** Sorted price series for one symbol: out-of-order ticks are inserted in place, duplicates (same identity) kept once. */
export class PriceSeries {
  /** Sorted times and their prices (read them, never write them). */
  ts: number[] = [];
  price: number[] = [];
  private readonly keys = new Map<string, number>();
  /** Bumped whenever a tick lands anywhere but at the end, so caches over past prices know to drop. */
  revision = 0;

  get length(): number {
    return this.ts.length;
  }

  get first(): number | undefined {
    return this.ts.length ? this.ts[0] : undefined;
  }

  get last(): number | undefined {
    return this.ts.length ? this.ts[this.ts.length - 1] : undefined;
  }

  has(identity: string): boolean {
    return this.keys.has(identity);
  }

  insert(ts: number, price: number, identity = `${ts}`): boolean {
    if (this.keys.has(identity)) return false;
    this.keys.set(identity, ts);
    const n = this.ts.length;
    if (n === 0 || ts >= this.ts[n - 1]) {
      this.ts.push(ts);
      this.price.push(price);
      return true;
    }
    const i = this.upperBound(ts);
    this.ts.splice(i, 0, ts);
    this.price.splice(i, 0, price);
    this.revision++;
    return true;
  }

  /**
   * Adds many ticks at once (a history loaded from the store) in one linear merge instead of
   * one insertion each; known identities are skipped. Returns how many were new.
   */
  merge(ticks: { ts: number; price: number; identity: string }[]): number {
    const fresh = ticks.filter((t) => !this.keys.has(t.identity) && (this.keys.set(t.identity, t.ts), true)).sort((a, b) => a.ts - b.ts);
    if (fresh.length === 0) return 0;
    const n = this.ts.length;
    if (n === 0 || fresh[0].ts >= this.ts[n - 1]) {
      for (const t of fresh) {
        this.ts.push(t.ts);
        this.price.push(t.price);
      }
      return fresh.length;
    }
    const ts: number[] = [];
    const price: number[] = [];
    let i = 0;
    let j = 0;
    while (i < n || j < fresh.length) {
      if (j >= fresh.length || (i < n && this.ts[i] <= fresh[j].ts)) {
        ts.push(this.ts[i]);
        price.push(this.price[i++]);
      } else {
        ts.push(fresh[j].ts);
        price.push(fresh[j++].price);
      }
    }
    this.ts = ts;
    this.price = price;
    this.revision++;
    return fresh.length;
  }

  /** Index of the first element with ts > t. */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The last price at or before t: what a trader could have known at t (no look-ahead). */
  atOrBefore(t: number): { ts: number; price: number } | undefined {
    const i = this.upperBound(t) - 1;
    return i >= 0 ? { ts: this.ts[i], price: this.price[i] } : undefined;
  }

  /** The first price strictly after t. */
  after(t: number): { ts: number; price: number } | undefined {
    const i = this.upperBound(t);
    return i < this.ts.length ? { ts: this.ts[i], price: this.price[i] } : undefined;
  }

  /** Drops ticks before t, keeping the last one before it (it is still the price at t). */
  pruneBefore(t: number): void {
    const i = this.upperBound(t) - 1;
    if (i <= 0) return;
    const cutoff = this.ts[i];
    this.ts.splice(0, i);
    this.price.splice(0, i);
    for (const [key, ts] of this.keys) if (ts < cutoff) this.keys.delete(key);
    this.revision++;
  }
}
