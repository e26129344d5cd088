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

/** A queue's consumed head is cut off once it is past this many items and half the array. */
const COMPACT_HEAD = 1024;

/**
 * Novelty state in process memory, bounded: clusters beyond `maxClusters` go least
 * recently touched first, each candidate key holds at most `bucketCap` clusters (the most
 * recently founded), and the per-article answers go oldest first beyond four times that.
 *
 * A cluster lives in a numbered slot (a freed slot is taken again): its state, founder keys,
 * last touch and last `candidates` call are arrays by slot, and a key's bucket lists slots. A
 * lookup reads the bucket and one integer per cluster in it to dedupe, compact arrays that stay
 * in cache between headlines, instead of an entry object per cluster (each a cache miss once the
 * domain model has run in between); only the clusters it returns are loaded, by the caller.
 *
 * Both orders are kept in queues beside the Maps, not read from the Maps' insertion order: a
 * Map's iterator starts at its first slot and steps over every deleted one, so taking the
 * oldest key of a Map that evicts from its front cost a walk over all the evictions since its
 * last rehash (seen and remember past the 200,000-answer bound: about 1 us a headline before,
 * 20-60 us after; founding past 50,000 clusters 3 us before, 16-36 us after).
 */
export class MemoryNoveltyStore implements NoveltyStore {
  /** Cluster id -> its slot. */
  private readonly slotOf = new Map<string, number>();
  private readonly states: (ClusterState | undefined)[] = [];
  private readonly slotKeys: number[][] = [];
  /** The touch (a counter) that last put each slot's cluster: its live item in the recency queue; 0 for a free slot. */
  private slotStamp = new Float64Array(64);
  /** The `candidates` call that last returned each slot's cluster: dedupes without a set per call. */
  private slotMark = new Int32Array(64);
  private readonly freeSlots: number[] = [];
  /** Candidate key -> the slots of its clusters, oldest founded first. */
  private readonly bands = new Map<number, number[]>();
  /** What `candidates` returns, reused from call to call (see `NoveltyStore.candidates`). */
  private readonly found: ClusterState[] = [];
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
  /** The id `seen` last found no answer for, until the next `remember`: no answer can have been remembered for it since. */
  private unseen: string | undefined;
  private readonly maxArticles: number;
  private query = 0;
  /** Slots in the order their clusters were put, with the stamp each had then: the live item of a slot is the one with its stamp. */
  private recency: number[] = [];
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
    if (++this.query === 0x7fffffff) {
      this.slotMark.fill(0);
      this.query = 1;
    }
    const mark = this.query;
    const marks = this.slotMark;
    const out = this.found;
    out.length = 0;
    for (let i = 0; i < bandKeys.length; i++) {
      const bucket = this.bands.get(bandKeys[i]);
      if (bucket === undefined) continue;
      for (let j = 0; j < bucket.length; j++) {
        const slot = bucket[j];
        if (marks[slot] === mark) continue;
        marks[slot] = mark;
        out.push(this.states[slot]!);
      }
    }
    return out;
  }

  put(cluster: ClusterState, bandKeys: number[]): void {
    const existing = this.slotOf.get(cluster.id);
    if (existing !== undefined) {
      // A touch: the cluster becomes the most recent; its keys stay the founder's.
      this.states[existing] = cluster;
      this.touch(existing);
      return;
    }
    const slot = this.takeSlot();
    // The caller may reuse its key array (`NoveltyStore.put`): the founder's keys are kept as a copy.
    const keys = bandKeys.slice();
    this.states[slot] = cluster;
    this.slotKeys[slot] = keys;
    this.slotOf.set(cluster.id, slot);
    this.touch(slot);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const bucket = this.bands.get(k);
      if (bucket === undefined) this.bands.set(k, [slot]);
      else if (bucket[bucket.length - 1] !== slot) {
        // (A key listed twice adds the cluster once.)
        if (bucket.length >= this.bucketCap) bucket.shift();
        bucket.push(slot);
      }
    }
    while (this.slotOf.size > this.maxClusters) this.evictLeastRecent();
  }

  private takeSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.states.length;
    if (slot === this.slotMark.length) {
      const marks = new Int32Array(slot * 2);
      marks.set(this.slotMark);
      this.slotMark = marks;
      const stamps = new Float64Array(slot * 2);
      stamps.set(this.slotStamp);
      this.slotStamp = stamps;
    }
    this.states.push(undefined);
    this.slotKeys.push([]);
    return slot;
  }

  private touch(slot: number): void {
    const stamp = ++this.clock;
    this.slotStamp[slot] = stamp;
    this.recency.push(slot);
    this.recencyStamps.push(stamp);
    // Stale items (earlier touches) dropped once they outnumber the live ones: amortized O(1) a touch.
    if (this.recency.length - this.recencyHead > 2 * this.slotOf.size + COMPACT_HEAD) this.compactRecency();
  }

  /** A queue item is live while its slot still has the stamp it was queued with (a freed slot has 0, a retaken one a later stamp). */
  private isLive(i: number): boolean {
    return this.slotStamp[this.recency[i]] === this.recencyStamps[i];
  }

  private compactRecency(): void {
    const slots: number[] = [];
    const stamps: number[] = [];
    for (let i = this.recencyHead; i < this.recency.length; i++) {
      if (!this.isLive(i)) continue;
      slots.push(this.recency[i]);
      stamps.push(this.recencyStamps[i]);
    }
    this.recency = slots;
    this.recencyStamps = stamps;
    this.recencyHead = 0;
  }

  private evictLeastRecent(): void {
    while (this.recencyHead < this.recency.length) {
      const i = this.recencyHead++;
      if (this.isLive(i)) {
        this.evict(this.recency[i]);
        break;
      }
    }
    if (this.recencyHead > COMPACT_HEAD && this.recencyHead * 2 > this.recency.length) {
      this.recency.splice(0, this.recencyHead);
      this.recencyStamps.splice(0, this.recencyHead);
      this.recencyHead = 0;
    }
  }

  private evict(slot: number): void {
    const state = this.states[slot]!;
    this.slotOf.delete(state.id);
    for (const k of this.slotKeys[slot]) {
      const bucket = this.bands.get(k);
      if (!bucket) continue;
      const i = bucket.indexOf(slot);
      if (i >= 0) bucket.splice(i, 1);
      if (bucket.length === 0) this.bands.delete(k);
    }
    this.states[slot] = undefined;
    this.slotKeys[slot] = [];
    this.slotStamp[slot] = 0;
    this.freeSlots.push(slot);
  }

  seen(articleId: string): { novelty: number; clusterId: string } | undefined {
    const slot = this.articleSlot.get(articleId);
    if (slot === undefined) {
      this.unseen = articleId;
      return undefined;
    }
    return { novelty: this.answerNovelty[slot], clusterId: this.answerCluster[slot] };
  }

  remember(articleId: string, result: { novelty: number; clusterId: string }): void {
    // The tracker remembers the id it has just asked about: that answer stands (nothing was remembered since), one lookup saved.
    let slot = articleId === this.unseen ? undefined : this.articleSlot.get(articleId);
    this.unseen = undefined;
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
    return this.slotOf.size;
  }
}
