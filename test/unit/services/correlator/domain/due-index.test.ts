import { describe, expect, it } from 'vitest';
import { IndexedMinHeap, IntrusiveMinHeap, nextUp, slightlyBelow, type HeapEntry } from '../../../../../services/correlator/domain/due-index.ts';
import { seededRandom } from '../../../../../shared/runtime/seeded-random.ts';

describe('IndexedMinHeap', () => {
  it('gives entries back smallest key first, with removals from the middle, like a sorted list would', () => {
    const rnd = seededRandom(7);
    const heap = new IndexedMinHeap<number>();
    const live = new Map<number, HeapEntry<number>>();
    let id = 0;
    for (let op = 0; op < 2000; op++) {
      const x = rnd();
      if (x < 0.5) {
        const e = heap.push(Math.floor(rnd() * 200), id);
        live.set(id++, e);
      } else if (x < 0.7 && live.size) {
        const victim = [...live.values()][Math.floor(rnd() * live.size)];
        heap.remove(victim);
        expect(victim.index).toBe(-1);
        live.delete(victim.value);
      } else if (live.size) {
        const min = Math.min(...[...live.values()].map((e) => e.key));
        const top = heap.pop()!;
        expect(top.key).toBe(min);
        live.delete(top.value);
      }
      expect(heap.size).toBe(live.size);
      for (const e of live.values()) expect(heap.peek()!.key).toBeLessThanOrEqual(e.key);
    }
  });

  it('popUntil takes exactly the entries at or below the bound, in key order', () => {
    const heap = new IndexedMinHeap<string>();
    for (const [k, v] of [[30, 'c'], [10, 'a'], [20, 'b'], [20, 'b2'], [40, 'd']] as const) heap.push(k, v);
    expect(heap.popUntil(5)).toEqual([]);
    const got = heap.popUntil(20);
    expect(got.slice(0, 1)).toEqual(['a']);
    expect(new Set(got.slice(1))).toEqual(new Set(['b', 'b2']));
    expect(heap.size).toBe(2);
    expect(heap.popUntil(Infinity)).toEqual(['c', 'd']);
    expect(heap.pop()).toBeUndefined();
  });

  it('removing an entry twice, or one already popped, changes nothing', () => {
    const heap = new IndexedMinHeap<string>();
    const a = heap.push(1, 'a');
    const b = heap.push(2, 'b');
    heap.push(3, 'c');
    heap.remove(b);
    heap.remove(b);
    expect(heap.pop()).toBe(a);
    heap.remove(a);
    expect(heap.size).toBe(1);
    expect(heap.peek()!.value).toBe('c');
  });
});

describe('nextUp and slightlyBelow', () => {
  it('nextUp is the next double up, for positive, negative, zero and infinite values', () => {
    for (const x of [1, 1.7e12, 1_780_000_000_000.5, -3, -1e-300, 0.1]) {
      const y = nextUp(x);
      expect(y).toBeGreaterThan(x);
      // Nothing fits between: the midpoint rounds to one of the two ends.
      const mid = x / 2 + y / 2;
      expect(mid === x || mid === y).toBe(true);
    }
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
    expect(nextUp(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(nextUp(Infinity)).toBe(Infinity);
    expect(nextUp(1.7e12 + 1)).toBeLessThan(1.7e12 + 2);
  });

  it('slightlyBelow stays below x but above the integer before it at timestamp sizes', () => {
    const x = Date.UTC(2026, 5, 1) + 14 * 86_400_000;
    expect(slightlyBelow(x)).toBeLessThan(x);
    expect(slightlyBelow(x)).toBeGreaterThan(x - 1);
    expect(slightlyBelow(0)).toBeLessThan(0);
    expect(slightlyBelow(Infinity)).toBe(Infinity);
    expect(slightlyBelow(-Infinity)).toBe(-Infinity);
  });
});

describe('IndexedMinHeap: foreign entries', () => {
  it('removing an entry of another heap changes nothing', () => {
    const one = new IndexedMinHeap<string>();
    const two = new IndexedMinHeap<string>();
    one.push(1, 'a');
    one.push(2, 'b');
    two.push(5, 'x');
    const foreign = two.push(6, 'y');
    one.remove(foreign);
    expect(one.size).toBe(2);
    expect(one.popUntil(Infinity)).toEqual(['a', 'b']);
    // The entry still knows its place in its own heap.
    two.remove(foreign);
    expect(two.size).toBe(1);
    expect(two.popUntil(Infinity)).toEqual(['x']);
  });
});

interface Item {
  id: number;
  a: number;
  b: number;
}

describe('IntrusiveMinHeap', () => {
  it('matches a plain sorted list under random pushes, pops, popUntil and removals, with each item in two heaps at once', () => {
    const rnd = seededRandom(11);
    const one = new IntrusiveMinHeap<Item, 'a'>('a');
    const two = new IntrusiveMinHeap<Item, 'b'>('b');
    // The reference: per heap, the live items with their keys, kept sorted by key.
    const refs = [new Map<Item, number>(), new Map<Item, number>()];
    const heaps = [one, two] as const;
    const sorted = (ref: Map<Item, number>) => [...ref.values()].sort((x, y) => x - y);
    let id = 0;
    const all: Item[] = [];
    for (let op = 0; op < 2000; op++) {
      const which = rnd() < 0.5 ? 0 : 1;
      const heap = heaps[which] as IntrusiveMinHeap<Item, 'a' | 'b'>;
      const ref = refs[which];
      const x = rnd();
      if (x < 0.4) {
        // A new item, or one out of this heap (it may still be in the other).
        const out = all.filter((it) => !ref.has(it));
        const it = out.length && rnd() < 0.5 ? out[Math.floor(rnd() * out.length)] : { id: id++, a: -1, b: -1 };
        if (it.id === id - 1) all.push(it);
        // Few distinct keys, so ties are common; some fractional and infinite ones.
        const key = [Math.floor(rnd() * 50), Math.floor(rnd() * 50) + 0.5, -Infinity, Infinity][Math.floor(rnd() * 4)];
        heap.push(it, key);
        ref.set(it, key);
      } else if (x < 0.6) {
        const it = all[Math.floor(rnd() * all.length)];
        if (!it) continue;
        const was = ref.has(it);
        expect(heap.remove(it)).toBe(was);
        ref.delete(it);
      } else if (x < 0.8) {
        const want = sorted(ref);
        const top = heap.pop();
        if (!want.length) expect(top).toBeUndefined();
        else {
          expect(ref.get(top!)).toBe(want[0]);
          ref.delete(top!);
        }
      } else {
        const bound = Math.floor(rnd() * 60) - 5;
        const want = sorted(ref).filter((k) => k <= bound);
        const got = heap.popUntil(bound);
        expect(got.map((it) => ref.get(it))).toEqual(want);
        for (const it of got) ref.delete(it);
      }
      for (const w of [0, 1] as const) {
        const h = heaps[w] as IntrusiveMinHeap<Item, 'a' | 'b'>;
        expect(h.size).toBe(refs[w].size);
        expect(h.peekKey()).toBe(sorted(refs[w])[0]);
        // Plain comparisons, one expect: thousands of expect calls per step would make the test slow.
        const wrong = all.filter((it) => h.has(it) !== refs[w].has(it) || h.keyOf(it) !== refs[w].get(it));
        expect(wrong).toEqual([]);
      }
    }
    expect(id).toBeGreaterThan(20);
  });

  it('grows past its initial key storage and keeps every key', () => {
    const heap = new IntrusiveMinHeap<Item, 'a'>('a');
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: i, a: -1, b: -1 }));
    for (const it of items) heap.push(it, (it.id * 7919) % 1000);
    expect(heap.size).toBe(1000);
    expect(heap.popUntil(Infinity).map((it) => (it.id * 7919) % 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(items.every((it) => it.a === -1)).toBe(true);
    expect(heap.peek()).toBeUndefined();
    expect(heap.peekKey()).toBeUndefined();
  });

  it('an item of another heap with the same field is not taken for one of its own', () => {
    const one = new IntrusiveMinHeap<Item, 'a'>('a');
    const two = new IntrusiveMinHeap<Item, 'a'>('a');
    const x = { id: 1, a: -1, b: -1 };
    const y = { id: 2, a: -1, b: -1 };
    one.push(x, 1);
    two.push(y, 2);
    // y's place (0) in two is x's place in one.
    expect(one.has(y)).toBe(false);
    expect(one.remove(y)).toBe(false);
    expect(one.keyOf(y)).toBeUndefined();
    expect(one.size).toBe(1);
    expect(two.pop()).toBe(y);
    expect(one.pop()).toBe(x);
  });
});
