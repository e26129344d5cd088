/**
 * Content identities already published (shared/contracts/content-id.ts), each with the
 * publication time of the copy that went out and the last time a feed still carried that
 * content. A feed that hands out new guids for the same items at every poll defeats the
 * seen-set (every id is new); this set recognises the story and keeps the copy off the bus, so
 * neither the scorer nor the live stream sees it. It answers "same story" exactly as the store
 * does (same source and normalised title, published within one window), never more eagerly: a
 * copy ingest keeps back is one the store would have refused.
 *
 * Like the seen-set, an entry is recorded only after the bus acknowledged the copy durably, so
 * keeping a later copy back never loses the story: the first is already on its way.
 */
import { CONTENT_WINDOW_MS, contentId, contentIdCandidates, type ContentInput } from '../../../shared/contracts/content-id.ts';
import { SWEEP_MIN_MARKS, SweepSchedule } from './seen-set.ts';

/** One persisted entry: content id, publication time of the published copy, last sighting. */
export type ContentEntry = [contentId: string, publishedMs: number, lastSeen: number];

/** Publication times recorded under one content id: a feed without dates gives each poll its own. Bounded, newest kept. */
const MAX_TIMES_PER_ID = 8;

export class ContentSeenSet {
  /** content id -> publication time -> last seen. */
  private readonly byId = new Map<string, Map<number, number>>();
  private count = 0;
  /** Expired entries are swept as new ones come in, as the seen-set's ids are (see SeenSet). */
  private readonly sweeps: SweepSchedule;

  constructor(
    private readonly ttlMs: number,
    private readonly windowMs = CONTENT_WINDOW_MS,
    sweepMinMarks = SWEEP_MIN_MARKS,
  ) {
    this.sweeps = new SweepSchedule(sweepMinMarks);
  }

  get size(): number {
    return this.count;
  }

  /** The entry an earlier published copy of this article left, if any is live at `now`. */
  find(a: ContentInput, now: number): ContentEntry | undefined {
    for (const id of contentIdCandidates(a, this.windowMs)) {
      const times = this.byId.get(id);
      if (!times) continue;
      for (const [publishedMs, lastSeen] of times) {
        if (now - lastSeen < this.ttlMs && Math.abs(publishedMs - a.publishedMs) <= this.windowMs) return [id, publishedMs, lastSeen];
      }
    }
    return undefined;
  }

  /** The entry to record for a copy just published; undefined when its title leaves nothing to compare. */
  entryFor(a: ContentInput, at: number): ContentEntry | undefined {
    const id = contentId(a, this.windowMs);
    return id === undefined ? undefined : [id, a.publishedMs, at];
  }

  /** Records a sighting; the later of two times wins (log lines may be replayed out of order). */
  mark([id, publishedMs, at]: ContentEntry): void {
    let times = this.byId.get(id);
    if (!times) {
      times = new Map();
      this.byId.set(id, times);
    }
    const prev = times.get(publishedMs);
    if (prev !== undefined) {
      if (at > prev) times.set(publishedMs, at);
      return;
    }
    times.set(publishedMs, at);
    this.count++;
    if (times.size > MAX_TIMES_PER_ID) {
      const oldest = [...times].reduce((a, b) => (b[1] < a[1] ? b : a));
      times.delete(oldest[0]);
      this.count--;
    }
    if (this.sweeps.added()) this.prune(at);
  }

  /** Drops expired entries and returns how many went. */
  prune(now: number): number {
    let n = 0;
    for (const [id, times] of this.byId) {
      for (const [publishedMs, at] of times) {
        if (now - at >= this.ttlMs) {
          times.delete(publishedMs);
          n++;
        }
      }
      if (times.size === 0) this.byId.delete(id);
    }
    this.count -= n;
    this.sweeps.swept(this.count);
    return n;
  }

  entries(): ContentEntry[] {
    const out: ContentEntry[] = [];
    for (const [id, times] of this.byId) for (const [publishedMs, at] of times) out.push([id, publishedMs, at]);
    return out;
  }
}
