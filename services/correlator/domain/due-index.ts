/**
 * A binary min-heap whose entries carry their own place (in the field named at construction),
 * and whose keys live in a Float64Array beside the entries rather than in an object per entry:
 * the correlator holds one open entry per pending (article, symbol, horizon), tens of thousands
 * a day, and a wrapper object with a boxed key for each, in each of two heaps, was most of their
 * weight. One object can sit in several such heaps at once if each uses a field of its own.
 * Ties come out in no particular order.
 */
export class IntrusiveMinHeap<E extends Record<F, number>, F extends string> {
  private readonly items: E[] = [];
  private keys = new Float64Array(16);

  /** `field`: the entry's field that holds its position here (-1 once out); the heap owns it. */
  constructor(private readonly field: F) {}

  get size(): number {
    return this.items.length;
  }

  private at(e: E): number {
    return e[this.field];
  }

  private place(e: E, i: number): void {
    (e as Record<F, number>)[this.field] = i;
  }

  /** True while `e` is in this heap. */
  has(e: E): boolean {
    const i = this.at(e);
    return i >= 0 && this.items[i] === e;
  }

  /** The key `e` sits at here; undefined for an entry not in this heap. */
  keyOf(e: E): number | undefined {
    return this.has(e) ? this.keys[this.at(e)] : undefined;
  }

  /** Adds `e` (which must not be in this heap already) at `key`. */
  push(e: E, key: number): void {
    const i = this.items.length;
    if (i === this.keys.length) {
      const grown = new Float64Array(i * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.items.push(e);
    this.keys[i] = key;
    this.place(e, i);
    this.up(i);
  }

  peek(): E | undefined {
    return this.items[0];
  }

  /** The smallest key; undefined when empty. */
  peekKey(): number | undefined {
    return this.items.length ? this.keys[0] : undefined;
  }

  pop(): E | undefined {
    const top = this.items[0];
    if (top) this.remove(top);
    return top;
  }

  /** Takes every entry with key <= bound out, smallest first. */
  popUntil(bound: number): E[] {
    const out: E[] = [];
    while (this.items.length && this.keys[0] <= bound) out.push(this.pop()!);
    return out;
  }

  /** Takes `e` out wherever it is; a no-op (false) for one not in this heap. */
  remove(e: E): boolean {
    if (!this.has(e)) return false;
    const i = this.at(e);
    const last = this.items.pop()!;
    const n = this.items.length;
    this.place(e, -1);
    if (last === e) return true;
    this.items[i] = last;
    this.keys[i] = this.keys[n];
    this.place(last, i);
    this.down(i);
    this.up(this.at(last));
    return true;
  }

  private swap(a: number, b: number): void {
    const x = this.items[a];
    const y = this.items[b];
    this.items[a] = y;
    this.items[b] = x;
    const k = this.keys[a];
    this.keys[a] = this.keys[b];
    this.keys[b] = k;
    this.place(x, b);
    this.place(y, a);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= this.keys[i]) return;
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
      if (l < n && this.keys[l] < this.keys[m]) m = l;
      if (r < n && this.keys[r] < this.keys[m]) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}


/**
 * A min-heap of values, each in an entry that knows its place, so one can be taken out from the
 * middle in O(log n); for callers that hold values rather than entries of their own (the
 * correlator's retained results). Built on the intrusive heap below, the entry being its item.
 * Ties come out in no particular order: callers that need an order sort what they took out.
 */
export interface HeapEntry<T> {
  readonly value: T;
  readonly key: number;
  /** Position in the heap's array; -1 once out of it. */
  index: number;
}

export class IndexedMinHeap<T> {
  private readonly heap = new IntrusiveMinHeap<HeapEntry<T>, 'index'>('index');

  get size(): number {
    return this.heap.size;
  }

  push(key: number, value: T): HeapEntry<T> {
    const e: HeapEntry<T> = { value, key, index: -1 };
    this.heap.push(e, key);
    return e;
  }

  peek(): HeapEntry<T> | undefined {
    return this.heap.peek();
  }

  pop(): HeapEntry<T> | undefined {
    return this.heap.pop();
  }

  /** Takes every entry with key <= bound out, smallest first. */
  popUntil(bound: number): T[] {
    return this.heap.popUntil(bound).map((e) => e.value);
  }

  /** Takes `e` out wherever it is; a no-op for one already out or of another heap. */
  remove(e: HeapEntry<T>): void {
    this.heap.remove(e);
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
