/**
 * Article ids already published, each with the last time any feed still carried it. An id
 * expires `ttlMs` after it was last seen, so an article that stays in a feed for weeks is never
 * re-published, and the set does not grow forever.
 */
export class SeenSet {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  get size(): number {
    return this.lastSeen.size;
  }

  has(id: string, now: number): boolean {
    const at = this.lastSeen.get(id);
    return at !== undefined && now - at < this.ttlMs;
  }

  /** Records a sighting; the later of two times wins (log lines may be replayed out of order). */
  mark(id: string, at: number): void {
    const prev = this.lastSeen.get(id);
    if (prev === undefined || at > prev) this.lastSeen.set(id, at);
  }

  /** Drops expired ids and returns how many went. */
  prune(now: number): number {
    let n = 0;
    for (const [id, at] of this.lastSeen) {
      if (now - at >= this.ttlMs) {
        this.lastSeen.delete(id);
        n++;
      }
    }
    return n;
  }

  entries(): [string, number][] {
    return [...this.lastSeen];
  }
}
