import { describe, expect, it } from 'vitest';
import { IndexedMinHeap, nextUp, slightlyBelow, type HeapEntry } from '../../../../../services/correlator/domain/due-index.ts';
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
