/**
 * Which items of one parsed feed body are new, decided without I/O: the item cap, normalisation,
 * ids already published (the seen-set), stories already published under another id (the
 * content set, for feeds that rotate guids) and the schema. Nothing is recorded here: the poller
 * marks `seenMarks` and `contentMarks` only after the bus acknowledged `fresh`, so a failed
 * publish leaves both sets as they were and the next poll tries again.
 */
import { newsRawV1, type NewsRaw } from '../../../shared/contracts/events.ts';
import { ContentSeenSet, type ContentEntry } from './content-seen.ts';
import { normalizeItem, type FeedItem } from './normalize.ts';
import type { SeenSet } from './seen-set.ts';
import { toMs } from '../../../shared/contracts/time.ts';

export interface SelectionContext {
  feed: { name: string; tags: string[] };
  /** Epoch ms of the fetch: the sighting time of every mark. */
  fetchedAt: number;
  maxItems: number;
  /** How long an id or story stays known after its last sighting. */
  seenTtlMs: number;
  seen: Pick<SeenSet, 'has'>;
  content: Pick<ContentSeenSet, 'find' | 'entryFor'>;
}

export interface Selection {
  /** Articles to publish, in feed order. */
  fresh: NewsRaw[];
  /** Sightings to record once `fresh` is acked: the new ids, and known ids due a refresh. */
  seenMarks: [id: string, at: number][];
  /** Content identities to record once `fresh` is acked: new stories, and known ones due a refresh. */
  contentMarks: ContentEntry[];
  /** Items not published because they went out before: by id, or by content (`sameContent`). */
  duplicates: number;
  /** Of `duplicates`: new ids whose story went out already under another id. */
  sameContent: number;
  /** Items not published, by reason (`over_item_limit`, normalisation reasons, `schema_invalid`). */
  dropped: Record<string, number>;
  /** Normalisation notes of the published items, by kind. */
  issues: Record<string, number>;
}

function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/**
 * A known id or story is re-marked once a tenth of the TTL has passed since its last sighting,
 * so one a feed keeps carrying does not expire while it is there, without a log line per poll.
 */
export function refreshAfterMs(seenTtlMs: number): number {
  return seenTtlMs / 10;
}

export function selectNewItems(items: readonly FeedItem[], ctx: SelectionContext): Selection {
  const { fetchedAt, seen, content } = ctx;
  const out: Omit<Selection, 'seenMarks'> = { fresh: [], contentMarks: [], duplicates: 0, sameContent: 0, dropped: {}, issues: {} };
  let kept = items;
  if (kept.length > ctx.maxItems) {
    bump(out.dropped, 'over_item_limit', kept.length - ctx.maxItems);
    kept = kept.slice(0, ctx.maxItems);
  }
  const refreshMs = refreshAfterMs(ctx.seenTtlMs);
  const freshIds = new Set<string>();
  const resighted: string[] = [];
  // Stories of this body already taken: two ids of one story in one body are one article too.
  const freshContent = new ContentSeenSet(Infinity);
  for (const item of kept) {
    const r = normalizeItem(item, ctx.feed, fetchedAt);
    if (!r.ok) {
      bump(out.dropped, r.reason);
      continue;
    }
    const id = r.article.id;
    const known = seen.has(id, fetchedAt);
    if (freshIds.has(id) || known) {
      out.duplicates++;
      if (known && !seen.has(id, fetchedAt + refreshMs)) resighted.push(id);
      continue;
    }
    if (!newsRawV1.safeParse(r.article).success) {
      bump(out.dropped, 'schema_invalid');
      continue;
    }
    const story = { source: r.article.source, title: r.article.title, publishedMs: toMs(r.article.published_at) };
    const earlier = content.find(story, fetchedAt);
    if (earlier || freshContent.find(story, fetchedAt)) {
      out.duplicates++;
      out.sameContent++;
      if (earlier && fetchedAt - earlier[2] >= refreshMs) out.contentMarks.push([earlier[0], earlier[1], fetchedAt]);
      continue;
    }
    for (const note of r.notes) bump(out.issues, note);
    out.fresh.push(r.article);
    freshIds.add(id);
    const entry = content.entryFor(story, fetchedAt);
    if (entry) {
      freshContent.mark(entry);
      out.contentMarks.push(entry);
    }
  }
  const seenMarks = [...out.fresh.map((a) => [a.id, fetchedAt] as [string, number]), ...resighted.map((id) => [id, fetchedAt] as [string, number])];
  return { ...out, seenMarks };
}

/** A persisted log is rewritten (compacted) once the lines appended since the last rewrite outnumber both 10,000 and the live set. */
export function shouldCompact(appendedSinceRewrite: number, liveSize: number): boolean {
  return appendedSinceRewrite > Math.max(10_000, liveSize);
}

/** At load: a log much longer than its live set (re-sightings, expired ids) is rewritten. */
export function shouldRewriteOnLoad(lines: number, liveSize: number): boolean {
  return lines > 1000 && lines > 2 * liveSize;
}
