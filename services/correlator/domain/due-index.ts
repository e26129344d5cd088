/**
 * A binary min-heap whose entries know their place, so one can be taken out from the middle
 * in O(log n) (an article whose last horizon closed leaves the heap of publication times
 * without waiting to reach the top). Ties come out in no particular order: callers that need
 * an order sort what they took out.
 */
export interface HeapEntry<T> {
  readonly value: T;
  key: number;
  /** Position in the heap's array; -1 once out of it. */
  index: number;
}

export class IndexedMinHeap<T> {
  private readonly items: HeapEntry<T>[] = [];

  get size(): number {
    return this.items.length;
  }

  push(key: number, value: T): HeapEntry<T> {
    const e: HeapEntry<T> = { value, key, index: this.items.length };
    this.items.push(e);
    this.up(e.index);
    return e;
  }

  peek(): HeapEntry<T> | undefined {
    return this.items[0];
  }

  pop(): HeapEntry<T> | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  /** Takes every entry with key <= bound out, smallest first. */
  popUntil(bound: number): T[] {
    const out: T[] = [];
    while (this.items.length && this.items[0].key <= bound) out.push(this.pop()!.value);
    return out;
  }

  /** Takes `e` out wherever it is; a no-op for one already out. */
  remove(e: HeapEntry<T>): void {
    const i = e.index;
    if (i < 0 || this.items[i] !== e) return;
    const last = this.items.pop()!;
    e.index = -1;
    if (last === e) return;
    this.items[i] = last;
    last.index = i;
    this.down(i);
    this.up(last.index);
  }

  private swap(a: number, b: number): void {
    const x = this.items[a];
    const y = this.items[b];
    this.items[a] = y;
    this.items[b] = x;
    x.index = b;
    y.index = a;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.items[parent].key <= this.items[i].key) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.items[l].key < this.items[m].key) m = l;
      if (r < n && this.items[r].key < this.items[m].key) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The smallest double greater than x (x itself for +Infinity and NaN). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

/**
 * A little below x (by a few units in the last place): a key that is certainly at or before
 * any watermark w for which a test such as `w - a > b` with `x = a + b` can hold, whatever the
 * rounding of the subtraction.
 */
export function slightlyBelow(x: number): number {
  if (!Number.isFinite(x)) return x;
  return x - Math.max(Math.abs(x) * 4 * Number.EPSILON, Number.MIN_VALUE);
}
