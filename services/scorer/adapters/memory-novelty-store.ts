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
  /** When it was last put (a counter): its place in the recency queue; older queue items of the entry are stale. */
  stamp: number;
}

/** A queue's consumed head is cut off once it is past this many items and half the array. */
const COMPACT_HEAD = 1024;

/**
 * Novelty state in process memory, bounded: clusters beyond `maxClusters` go least
 * recently touched first, each candidate key holds at most `bucketCap` clusters (the most
 * recently founded), and the per-article answers go oldest first beyond four times that.
 *
 * Both orders are kept in queues beside the Maps, not read from the Maps' insertion order: a
 * Map's iterator starts at its first slot and steps over every deleted one, so taking the
 * oldest key of a Map that evicts from its front cost a walk over all the evictions since its
 * last rehash (seen and remember past the 200,000-answer bound: about 1 us a headline before,
 * 20-60 us after; founding past 50,000 clusters 3 us before, 16-36 us after).
 */
export class MemoryNoveltyStore implements NoveltyStore {
  private readonly clusters = new Map<string, Entry>();
  /** Candidate key -> its clusters, oldest founded first. */
  private readonly bands = new Map<number, Entry[]>();
  /**
   * Per-article answers in a ring of `maxArticles` slots, written in the order ids are first remembered, so the slot
   * written next is the oldest answer once the ring is full; the Map gives an id's slot. No object and boxed number
   * per answer: 103 -> 68 heap bytes an answer besides its id and cluster id (200,000 answers, --expose-gc), 7 MB at the
   * default bound of 200,000.
   */
  private readonly articleSlot = new Map<string, number>();
  private readonly answerId: string[] = [];
  private readonly answerNovelty: number[] = [];
  private readonly answerCluster: string[] = [];
  private answerNext = 0;
  private readonly maxArticles: number;
  private query = 0;
  /** Clusters in the order they were put, with the stamp each had then: the live item of an entry is the one with its stamp. */
  private recency: Entry[] = [];
  private recencyStamps: number[] = [];
  private recencyHead = 0;
  private clock = 0;

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
      // A touch: the entry becomes the most recent; its keys stay the founder's.
      existing.state = cluster;
      this.touch(existing);
      return;
    }
    const entry: Entry = { state: cluster, keys: bandKeys, mark: 0, stamp: 0 };
    this.clusters.set(cluster.id, entry);
    this.touch(entry);
    for (const k of bandKeys) {
      const bucket = this.bands.get(k);
      if (!bucket) this.bands.set(k, [entry]);
      else if (bucket[bucket.length - 1] !== entry) {
        // (A key listed twice adds the entry once.)
        if (bucket.length >= this.bucketCap) bucket.shift();
        bucket.push(entry);
      }
    }
    while (this.clusters.size > this.maxClusters) this.evictLeastRecent();
  }

  private touch(entry: Entry): void {
    entry.stamp = ++this.clock;
    this.recency.push(entry);
    this.recencyStamps.push(entry.stamp);
    // Stale items (earlier touches) dropped once they outnumber the live ones: amortized O(1) a touch.
    if (this.recency.length - this.recencyHead > 2 * this.clusters.size + COMPACT_HEAD) this.compactRecency();
  }

  private isLive(i: number): boolean {
    const e = this.recency[i];
    return e.stamp === this.recencyStamps[i] && this.clusters.get(e.state.id) === e;
  }

  private compactRecency(): void {
    const entries: Entry[] = [];
    const stamps: number[] = [];
    for (let i = this.recencyHead; i < this.recency.length; i++) {
      if (!this.isLive(i)) continue;
      entries.push(this.recency[i]);
      stamps.push(this.recencyStamps[i]);
    }
    this.recency = entries;
    this.recencyStamps = stamps;
    this.recencyHead = 0;
  }

  private evictLeastRecent(): void {
    while (this.recencyHead < this.recency.length) {
      const i = this.recencyHead++;
      if (this.isLive(i)) {
        this.evict(this.recency[i].state.id);
        break;
      }
    }
    if (this.recencyHead > COMPACT_HEAD && this.recencyHead * 2 > this.recency.length) {
      this.recency.splice(0, this.recencyHead);
      this.recencyStamps.splice(0, this.recencyHead);
      this.recencyHead = 0;
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
    const slot = this.articleSlot.get(articleId);
    return slot === undefined ? undefined : { novelty: this.answerNovelty[slot], clusterId: this.answerCluster[slot] };
  }

  remember(articleId: string, result: { novelty: number; clusterId: string }): void {
    let slot = this.articleSlot.get(articleId);
    // One remembered again keeps its place (its slot); a new id takes the next slot, the oldest answer's once the ring is full.
    if (slot === undefined) {
      slot = this.answerNext;
      this.answerNext = (slot + 1) % this.maxArticles;
      if (slot < this.answerId.length) this.articleSlot.delete(this.answerId[slot]);
      this.answerId[slot] = articleId;
      this.articleSlot.set(articleId, slot);
    }
    this.answerNovelty[slot] = result.novelty;
    this.answerCluster[slot] = result.clusterId;
  }

  size(): number {
    return this.clusters.size;
  }
}
