/**
 * A feed is a window of its newest items, not its history. When more items are published between
 * two polls than the window holds (the poller was held: a stopped process, a stalled VM, a long
 * outage; or a burst larger than the feed's size), the oldest of them leave the window before
 * they are ever fetched. Nothing downstream can see those: they were never ingested. What
 * ingest-news can see is the symptom: an answer from a feed it has published from before in
 * which no item is known (neither by id nor by content). With any overlap the answer reaches
 * back to items already taken, so nothing between can be missing.
 *
 * Decided by ids rather than by dates (oldest item of this answer newer than the newest of the
 * last): RSS dates are optional, often wrong and sometimes in the future, ids are what
 * "already published" means here. The rule cannot tell a real gap from exactly a window's worth
 * of new items, nor from a feed that replaced its whole list on purpose (a "top stories" feed):
 * it says items *may* be missing, which is what an operator needs to look.
 */

/** Below this many usable items an answer with nothing known is ordinary (a one-item feed replaces its item every time). */
export const MIN_ITEMS_FOR_GAP = 2;

export interface GapInput {
  /** Items of this answer that were new (published now). */
  fresh: number;
  /** Items of this answer already published before (by id or by content). */
  duplicates: number;
  /** Items this feed had published before this poll (0: a first poll, or a feed never ingested, cannot overrun anything). */
  publishedBefore: number;
}

/** True when no item of the answer overlaps what this feed published before: items between the two polls may never have been fetched. */
export function windowOverrun(input: GapInput): boolean {
  return input.publishedBefore > 0 && input.duplicates === 0 && input.fresh >= MIN_ITEMS_FOR_GAP;
}
