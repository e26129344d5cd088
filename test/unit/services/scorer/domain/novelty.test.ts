import { describe, expect, it } from 'vitest';
import { MemoryNoveltyStore } from '../../../../../services/scorer/adapters/memory-novelty-store.ts';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { bandKeys, jaccard, NoveltyTracker } from '../../../../../services/scorer/domain/novelty.ts';

const H = 3_600_000;
const t0 = Date.parse('2026-03-01T00:00:00Z');
const tracker = (maxClusters = 1000) => new NoveltyTracker(new MemoryNoveltyStore(maxClusters), { windowMs: 24 * H, threshold: 0.5 });
const sh = (text: string) => analyzeText(text).shingles;

describe('novelty', () => {
  it('puts near-duplicates from different sources into one cluster and decays repeats', () => {
    const n = tracker();
    const a = n.assign('id-a', sh('Iran seizes oil tanker in Strait of Hormuz'), t0);
    const b = n.assign('id-b', sh('Iran seizes oil tanker in the Strait of Hormuz - Reuters'), t0 + H);
    const c = n.assign('id-c', sh('Iranian forces seize oil tanker in Hormuz'), t0 + 2 * H);
    const d = n.assign('id-d', sh('Iran seizes oil tanker in Strait of Hormuz'), t0 + 3 * H);
    expect(a.novelty).toBe(100);
    expect(b.clusterId).toBe(a.clusterId);
    expect(d.clusterId).toBe(a.clusterId);
    expect(b.novelty).toBeLessThan(100);
    expect(d.novelty).toBeLessThan(b.novelty);
    expect(c.novelty).toBeGreaterThan(0);
  });

  it('keeps unrelated stories apart', () => {
    const n = tracker();
    const a = n.assign('id-a', sh('OPEC+ agrees surprise output cut'), t0);
    const b = n.assign('id-b', sh('US crude inventories fall more than expected'), t0);
    expect(b.clusterId).not.toBe(a.clusterId);
    expect(b.novelty).toBe(100);
  });

  it('starts a new cluster once the 24 h window has passed', () => {
    const n = tracker();
    const a = n.assign('id-a', sh('Houthis attack tanker in Red Sea'), t0);
    const b = n.assign('id-b', sh('Houthis attack tanker in Red Sea'), t0 + 25 * H);
    expect(b.clusterId).not.toBe(a.clusterId);
    expect(b.novelty).toBe(100);
  });

  it('answers a redelivered article the same way', () => {
    const n = tracker();
    n.assign('id-a', sh('Brent jumps on supply fears'), t0);
    const first = n.assign('id-b', sh('Brent jumps on supply fears'), t0);
    expect(n.assign('id-b', sh('Brent jumps on supply fears'), t0)).toEqual(first);
  });

  it('is deterministic across trackers and gives stable cluster ids', () => {
    const run = () => {
      const n = tracker();
      return ['Oil rises', 'Oil rises as OPEC cuts', 'Oil rises as OPEC cuts output'].map((t, i) => n.assign(`id-${i}`, sh(t), t0 + i));
    };
    expect(run()).toEqual(run());
  });

  it('stays within its size bound', () => {
    const store = new MemoryNoveltyStore(16);
    const n = new NoveltyTracker(store, { windowMs: 24 * H, threshold: 0.5 });
    for (let i = 0; i < 200; i++) n.assign(`id-${i}`, sh(`Headline number ${i} about topic ${i * 7}`), t0 + i);
    expect(store.size()).toBeLessThanOrEqual(16);
  });

  it('handles texts without content words', () => {
    const n = tracker();
    const a = n.assign('id-a', [], t0);
    const b = n.assign('id-b', [], t0);
    expect(a.novelty).toBe(100);
    expect(b.clusterId).not.toBe(a.clusterId);
  });

  it('computes Jaccard and band keys', () => {
    expect(jaccard([1, 2, 3], [2, 3, 4])).toBeCloseTo(0.5);
    expect(jaccard([], [1])).toBe(0);
    expect(bandKeys([1, 2, 3])).toHaveLength(12);
    expect(bandKeys([1, 2, 3])).toEqual(bandKeys([3, 2, 1]));
  });
});
