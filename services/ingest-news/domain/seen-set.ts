/**
 * Fewest new ids between two sweeps of expired ones. A sweep walks the whole map, so it runs
 * once the ids added since the last one outnumber what that sweep left (and this minimum): a
 * constant cost a mark, and the map never holds more than its live ids plus as many again.
 */
export const SWEEP_MIN_MARKS = 1024;

/** When a set of expiring entries sweeps: once the entries added since the last sweep outnumber what it left (and the minimum). */
export class SweepSchedule {
  private addedSinceSweep = 0;
  private liveAfterSweep = 0;

  constructor(private readonly minMarks = SWEEP_MIN_MARKS) {}

  /** Counts one new entry; true when the set should sweep now. */
  added(): boolean {
    return ++this.addedSinceSweep > Math.max(this.minMarks, this.liveAfterSweep);
  }

  /** A sweep left `live` entries. */
  swept(live: number): void {
    this.addedSinceSweep = 0;
    this.liveAfterSweep = live;
  }
}

/**
 * Article ids already published, each with the last time any feed still carried it. An id
 * expires `ttlMs` after it was last seen, so an article that stays in a feed for weeks is never
 * re-published, and the set does not grow forever. Expired ids are swept as new ones come in,
 * not only when the seen log is compacted (every 10,000 appends or more): a soak with a short
 * ttl found the map holding every id since the last compaction.
 */
export class SeenSet {
  private readonly lastSeen = new Map<string, number>();
  private readonly sweeps: SweepSchedule;

  constructor(
    private readonly ttlMs: number,
    sweepMinMarks = SWEEP_MIN_MARKS,
  ) {
    this.sweeps = new SweepSchedule(sweepMinMarks);
  }

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
    // The sighting's time stands for now: during a log replay it is older, which only sweeps less.
    if (prev === undefined && this.sweeps.added()) this.prune(at);
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
    this.sweeps.swept(this.lastSeen.size);
    return n;
  }

  entries(): [string, number][] {
    return [...this.lastSeen];
  }
}
