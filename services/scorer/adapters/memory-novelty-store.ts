import type { ClusterState, NoveltyStore } from '../ports.ts';

/**
 * Clusters one candidate key (a MinHash band or an entity set) keeps: the most recently
 * founded. A key made of common words or entities ("oil", {Iran, United States}) collects every
 * story that mentions them; comparing each new headline with all of them was the store's cost
 * (a profile of the scorer bench: 13.6 % in `candidates`), and a rewrite arrives within hours of
 * its story, while the bucket's oldest members are mostly out of the window already. A cluster
 * pushed out of one bucket is still found through its other keys.
 */
export const BUCKET_CAP = 32;

interface Entry {
  state: ClusterState;
  keys: number[];
  /** The `candidates` call that last returned this entry: dedupes without a set per call. */
  mark: number;
}

/**
 * Novelty state in process memory, bounded: clusters beyond `maxClusters` go least
 * recently touched first (a Map keeps insertion order, and a touch re-inserts), each candidate
 * key holds at most `bucketCap` clusters (the most recently founded), and the per-article
 * answers are bounded like the clusters.
 */
export class MemoryNoveltyStore implements NoveltyStore {
  private readonly clusters = new Map<string, Entry>();
  /** Candidate key -> its clusters, oldest founded first. */
  private readonly bands = new Map<number, Entry[]>();
  private readonly articles = new Map<string, { novelty: number; clusterId: string }>();
  private readonly maxArticles: number;
  private query = 0;

  constructor(
    private readonly maxClusters = 50_000,
    private readonly bucketCap = BUCKET_CAP,
  ) {
    this.maxArticles = maxClusters * 4;
  }

  candidates(bandKeys: number[]): ClusterState[] {
    const mark = ++this.query;
    const out: ClusterState[] = [];
    for (const k of bandKeys) {
      const bucket = this.bands.get(k);
      if (!bucket) continue;
      for (const e of bucket) {
        if (e.mark === mark) continue;
        e.mark = mark;
        out.push(e.state);
      }
    }
    return out;
  }

  put(cluster: ClusterState, bandKeys: number[]): void {
    const existing = this.clusters.get(cluster.id);
    if (existing) {
      // A touch: the entry moves to the end of the recency order; its keys stay the founder's.
      existing.state = cluster;
      this.clusters.delete(cluster.id);
      this.clusters.set(cluster.id, existing);
      return;
    }
    const entry: Entry = { state: cluster, keys: bandKeys, mark: 0 };
    this.clusters.set(cluster.id, entry);
    for (const k of bandKeys) {
      const bucket = this.bands.get(k);
      if (!bucket) this.bands.set(k, [entry]);
      else if (bucket[bucket.length - 1] !== entry) {
        // (A key listed twice adds the entry once.)
        if (bucket.length >= this.bucketCap) bucket.shift();
        bucket.push(entry);
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
      const bucket = this.bands.get(k);
      if (!bucket) continue;
      const i = bucket.indexOf(c);
      if (i >= 0) bucket.splice(i, 1);
      if (bucket.length === 0) this.bands.delete(k);
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
