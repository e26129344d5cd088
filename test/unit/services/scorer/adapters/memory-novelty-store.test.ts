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

  it('keeps one slot for an id asked about, remembered and remembered again', () => {
    // Four answers (a bound of one cluster): 'x' twice in one slot leaves room for three more ids.
    const s = new MemoryNoveltyStore(1);
    expect(s.seen('x')).toBeUndefined();
    s.remember('x', { novelty: 100, clusterId: 'c1' });
    s.remember('x', { novelty: 50, clusterId: 'c1' });
    for (const id of ['y', 'z', 'w']) {
      expect(s.seen(id)).toBeUndefined();
      s.remember(id, { novelty: 100, clusterId: `c-${id}` });
    }
    expect(s.seen('x')).toEqual({ novelty: 50, clusterId: 'c1' });
    s.remember('v', { novelty: 100, clusterId: 'c-v' });
    expect(s.seen('x')).toBeUndefined();
    expect(s.seen('y')).toEqual({ novelty: 100, clusterId: 'c-y' });
  });

  it('evicts in the same order as a Map-ordered reference over 20,000 seeded puts, touches and answers, past both bounds many times', () => {
    // The reference: recency read from Maps' insertion order (a touch deletes and re-inserts), as the store did before its queues.
    const maxClusters = 50;
    const store = new MemoryNoveltyStore(maxClusters, 100_000);
    const refClusters = new Map<string, number[]>();
    const refAnswers = new Map<string, { novelty: number; clusterId: string }>();
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let step = 0; step < 20_000; step++) {
      const id = `c${next() % 400}`;
      const known = refClusters.get(id);
      if (known) {
        store.put(cluster(id), [999]);
        refClusters.delete(id);
        refClusters.set(id, known);
      } else {
        const keys = [next() % 60, next() % 60];
        store.put(cluster(id), keys);
        refClusters.set(id, keys);
        while (refClusters.size > maxClusters) refClusters.delete(refClusters.keys().next().value as string);
      }
      // Answers: new ids, and now and then one remembered again (it keeps its place).
      const article = next() % 5 === 0 ? `a${next() % 300}` : `a${step + 1000}`;
      const answer = { novelty: step % 100, clusterId: id };
      // As the tracker asks: mostly the id it then remembers (answered or not), now and then another in between.
      if (step % 4 !== 3) expect(store.seen(article)).toEqual(refAnswers.get(article));
      if (step % 7 === 0) {
        const other = `a${next() % 300}`;
        expect(store.seen(other)).toEqual(refAnswers.get(other));
      }
      store.remember(article, answer);
      refAnswers.set(article, answer);
      while (refAnswers.size > maxClusters * 4) refAnswers.delete(refAnswers.keys().next().value as string);
      if (step % 250 === 0) {
        expect(store.size()).toBe(refClusters.size);
        // Buckets are uncapped here, so the live clusters are exactly those found through every key.
        expect(ids(store.candidates(Array.from({ length: 60 }, (_, k) => k)))).toEqual([...refClusters.keys()].sort());
        const probe = [...Array.from({ length: 300 }, (_, k) => `a${k}`), ...Array.from({ length: 400 }, (_, k) => `a${step + 1000 - k}`)];
        expect(probe.map((a) => store.seen(a))).toEqual(probe.map((a) => refAnswers.get(a)));
      }
    }
  });

  it('finds the same candidates as a reference of id lists per key over 30,000 seeded puts and lookups, crowded keys, evictions and slots taken again', () => {
    // The reference: per key the ids of its clusters, oldest founded first, the oldest dropped past the cap; recency in a Map's order.
    const maxClusters = 40;
    const cap = 3;
    const store = new MemoryNoveltyStore(maxClusters, cap);
    const refKeys = new Map<string, number[]>();
    const refBuckets = new Map<number, string[]>();
    let seed = 5;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let nonEmpty = 0;
    // One comparison at the end (an expect per step took seconds); each entry carries its step.
    const got: [number, string[]][] = [];
    const wanted: [number, string[]][] = [];
    for (let step = 0; step < 30_000; step++) {
      const id = `c${next() % 120}`;
      if (refKeys.has(id)) {
        const keys = refKeys.get(id)!;
        refKeys.delete(id);
        refKeys.set(id, keys);
        store.put(cluster(id), [next() % 50]);
      } else {
        const keys = Array.from({ length: 1 + (next() % 3) }, () => next() % 50);
        store.put(cluster(id), keys);
        refKeys.set(id, keys);
        for (const k of keys) {
          const b = refBuckets.get(k) ?? [];
          if (b[b.length - 1] === id) continue;
          if (b.length >= cap) b.shift();
          b.push(id);
          refBuckets.set(k, b);
        }
        while (refKeys.size > maxClusters) {
          const [old, oldKeys] = refKeys.entries().next().value as [string, number[]];
          refKeys.delete(old);
          for (const k of oldKeys) refBuckets.set(k, (refBuckets.get(k) ?? []).filter((x) => x !== old));
        }
      }
      const probe = Array.from({ length: 1 + (next() % 4) }, () => next() % 50);
      const want = [...new Set(probe.flatMap((k) => refBuckets.get(k) ?? []))].sort();
      got.push([step, ids(store.candidates(probe))]);
      wanted.push([step, want]);
      if (want.length > 0) nonEmpty++;
    }
    expect(got).toEqual(wanted);
    expect(store.size()).toBe(maxClusters);
    expect(nonEmpty).toBeGreaterThan(20_000);
  });
});

