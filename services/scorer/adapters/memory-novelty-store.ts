import type { ClusterState, NoveltyStore } from '../ports.ts';

/**
 * Novelty state in process memory, bounded: clusters beyond `maxClusters` go least
 * recently touched first (a Map keeps insertion order, and a touch re-inserts), and the
 * per-article answers are bounded the same way.
 */
export class MemoryNoveltyStore implements NoveltyStore {
  private readonly clusters = new Map<string, { state: ClusterState; keys: number[] }>();
  private readonly bands = new Map<number, Set<string>>();
  private readonly articles = new Map<string, { novelty: number; clusterId: string }>();
  private readonly maxArticles: number;

  constructor(private readonly maxClusters = 50_000) {
    this.maxArticles = maxClusters * 4;
  }

  candidates(bandKeys: number[]): ClusterState[] {
    const ids = new Set<string>();
    for (const k of bandKeys) {
      const set = this.bands.get(k);
      if (set) for (const id of set) ids.add(id);
    }
    const out: ClusterState[] = [];
    for (const id of ids) {
      const c = this.clusters.get(id);
      if (c) out.push(c.state);
    }
    return out;
  }

  put(cluster: ClusterState, bandKeys: number[]): void {
    const existing = this.clusters.get(cluster.id);
    const keys = existing ? existing.keys : bandKeys;
    if (existing) this.clusters.delete(cluster.id);
    this.clusters.set(cluster.id, { state: cluster, keys });
    if (!existing) {
      for (const k of keys) {
        let set = this.bands.get(k);
        if (!set) this.bands.set(k, (set = new Set()));
        set.add(cluster.id);
      }
    }
    while (this.clusters.size > this.maxClusters) {
      const oldest = this.clusters.keys().next().value as string;
      this.evict(oldest);
    }
  }

  private evict(id: string): void {
    const c = this.clusters.get(id);
    if (!c) return;
    this.clusters.delete(id);
    for (const k of c.keys) {
      const set = this.bands.get(k);
      if (!set) continue;
      set.delete(id);
      if (set.size === 0) this.bands.delete(k);
    }
  }

  seen(articleId: string): { novelty: number; clusterId: string } | undefined {
    return this.articles.get(articleId);
  }

  remember(articleId: string, result: { novelty: number; clusterId: string }): void {
    this.articles.set(articleId, result);
    while (this.articles.size > this.maxArticles) this.articles.delete(this.articles.keys().next().value as string);
  }

  size(): number {
    return this.clusters.size;
  }
}
