import { describe, expect, it } from 'vitest';
import { MemoryNoveltyStore } from '../../../../../services/scorer/adapters/memory-novelty-store.ts';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { bandKeys, figuresAgree, jaccard, NoveltyTracker } from '../../../../../services/scorer/domain/novelty.ts';

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

describe('novelty across outlets and developments', () => {
  const score = async (titles: string[]) => {
    const { ArticleScorer } = await import('../../../../../services/scorer/domain/domain-scorer.ts');
    const { MemoryNoveltyStore } = await import('../../../../../services/scorer/adapters/memory-novelty-store.ts');
    const s = new ArticleScorer(new NoveltyTracker(new MemoryNoveltyStore(100), { windowMs: 86_400_000, threshold: 0.4 }));
    return s.score(titles.map((title, i) => ({ id: `article-${i}`, title, summary: '', source: `outlet-${i}`, published_at: new Date(Date.UTC(2026, 5, 1, 10, i)).toISOString() })));
  };

  it('keeps a rewrite of the same story from another outlet in its cluster', async () => {
    const [a, b] = await score(['Iran seizes oil tanker in Strait of Hormuz', 'Iran captures crude tanker in the Strait of Hormuz']);
    expect(b.cluster_id).toBe(a.cluster_id);
    expect(b.novelty).toBeLessThan(100);
  });

  it('splits an opposite development worded alike: a build after a draw, a hike after a cut', async () => {
    const [draw, build] = await score(['US crude inventories fall sharply, EIA says', 'US crude inventories rise sharply, EIA says']);
    expect(build.cluster_id).not.toBe(draw.cluster_id);
    expect(build.novelty).toBe(100);
    const [cut, hike] = await score(['OPEC+ agrees to cut output from August', 'OPEC+ agrees to raise output from August']);
    expect(hike.cluster_id).not.toBe(cut.cluster_id);
  });

  it('splits a development with new figures and keeps a rewrite that rounds the same figure', async () => {
    const [june, august] = await score(['OPEC+ agrees to raise output by 411,000 bpd in June', 'OPEC+ agrees to raise output by 548,000 bpd in June']);
    expect(august.cluster_id).not.toBe(june.cluster_id);
    const [a, b] = await score(['US crude stocks fall by 5 million barrels, EIA says', 'US crude stocks fall by 5.1 million barrels, EIA says']);
    expect(b.cluster_id).toBe(a.cluster_id);
    expect(figuresAgree([2025.5], undefined)).toBe(true);
  });
});
