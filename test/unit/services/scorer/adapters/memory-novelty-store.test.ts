import { describe, expect, it } from 'vitest';
import { BUCKET_CAP, MemoryNoveltyStore } from '../../../../../services/scorer/adapters/memory-novelty-store.ts';
import type { ClusterState } from '../../../../../services/scorer/ports.ts';

const cluster = (id: string): ClusterState => ({ id, tokens: [1], firstSeen: 0, lastSeen: 0, count: 1 });
const ids = (cs: ClusterState[]) => cs.map((c) => c.id).sort();

describe('MemoryNoveltyStore', () => {
  it('returns each cluster sharing a key once, however many keys it shares', () => {
    const s = new MemoryNoveltyStore(10);
    s.put(cluster('a'), [1, 2, 3]);
    s.put(cluster('b'), [3, 4]);
    expect(ids(s.candidates([1, 2, 3]))).toEqual(['a', 'b']);
    expect(ids(s.candidates([4]))).toEqual(['b']);
    expect(ids(s.candidates([9]))).toEqual([]);
    // A key listed twice by the caller adds the cluster once.
    s.put(cluster('c'), [7, 7]);
    expect(ids(s.candidates([7]))).toEqual(['c']);
  });

  it('keeps the most recently founded clusters of a crowded key, and finds a pushed-out one by its other keys', () => {
    const s = new MemoryNoveltyStore(100, 3);
    for (const id of ['a', 'b', 'c', 'd']) s.put(cluster(id), [1, id.charCodeAt(0)]);
    expect(ids(s.candidates([1]))).toEqual(['b', 'c', 'd']);
    expect(ids(s.candidates(['a'.charCodeAt(0)]))).toEqual(['a']);
    expect(BUCKET_CAP).toBe(32);
    expect(s.size()).toBe(4);
  });

  it('evicts the least recently touched cluster beyond its bound, from every key, and keeps the founder keys on a touch', () => {
    const s = new MemoryNoveltyStore(2);
    const a = cluster('a');
    s.put(a, [1]);
    s.put(cluster('b'), [1, 2]);
    a.count = 2;
    // A touch with other keys: the cluster stays under its founder's keys and becomes the most recent.
    s.put(a, [5]);
    expect(ids(s.candidates([5]))).toEqual([]);
    expect(s.candidates([1]).find((c) => c.id === 'a')?.count).toBe(2);
    s.put(cluster('c'), [2]);
    expect(s.size()).toBe(2);
    expect(ids(s.candidates([1, 2]))).toEqual(['a', 'c']);
    s.put(cluster('d'), [3]);
    s.put(cluster('e'), [3]);
    expect(ids(s.candidates([1, 2, 3]))).toEqual(['d', 'e']);
  });

  it('remembers per-article answers within four times the cluster bound', () => {
    const s = new MemoryNoveltyStore(1);
    for (let i = 0; i < 5; i++) s.remember(`id-${i}`, { novelty: 100, clusterId: `c${i}` });
    expect(s.seen('id-0')).toBeUndefined();
    expect(s.seen('id-1')).toEqual({ novelty: 100, clusterId: 'c1' });
    expect(s.seen('id-4')).toEqual({ novelty: 100, clusterId: 'c4' });
  });
});
