/** Sorted price series for one symbol: out-of-order ticks are inserted in place, duplicates (same ts and seq) kept once. */
export class PriceSeries {
  readonly ts: number[] = [];
  readonly price: number[] = [];
  private readonly keys = new Map<string, number>();

  get length(): number {
    return this.ts.length;
  }

  get last(): number | undefined {
    return this.ts.length ? this.ts[this.ts.length - 1] : undefined;
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
    return true;
  }

  /** Index of the first element with ts > t. */
  private upperBound(t: number): number {
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
  }
}
