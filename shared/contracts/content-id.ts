/**
 * A second identity for an article, from what it says rather than what the feed calls it:
 * normalised title + source + a time window. Some feeds hand out a new guid (and link) for the
 * same item at every poll; by article id each poll is news again, and the same headline was
 * stored, measured and alerted five times. Two articles of one source with the same normalised
 * title published within `CONTENT_WINDOW_MS` of each other are the same story.
 *
 * The id is exact (a hash), so a store can look it up: the window is cut into buckets of its own
 * length, an article carries the id of its bucket, and a lookup asks for its own bucket and both
 * neighbours (anything within one window falls in one of the three), then compares the times.
 */
import { sha256Hex } from './ids.ts';

export const CONTENT_WINDOW_MS = 24 * 3_600_000;

/** Case, Unicode forms, punctuation, symbols and spacing do not make a headline another one. */
export function normalizedTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface ContentInput {
  source: string;
  title: string;
  /** Epoch ms of publication. */
  publishedMs: number;
}

function idFor(source: string, title: string, bucket: number): string {
  return sha256Hex(`content\u0000${source}\u0000${title}\u0000${bucket}`).slice(0, 32);
}

/** The article's content id; undefined when its title has nothing left to compare (it then has no second identity). */
export function contentId(a: ContentInput, windowMs = CONTENT_WINDOW_MS): string | undefined {
  const title = normalizedTitle(a.title);
  if (!title || !Number.isFinite(a.publishedMs)) return undefined;
  return idFor(a.source, title, Math.floor(a.publishedMs / windowMs));
}

/** The content ids an earlier copy of this article may carry: its own bucket's and both neighbours'. */
export function contentIdCandidates(a: ContentInput, windowMs = CONTENT_WINDOW_MS): string[] {
  return contentIdentity(a, windowMs).candidates;
}

export interface ContentIdentity {
  /** `contentId` of the article. */
  id: string | undefined;
  /** `contentIdCandidates` of the article: the previous bucket's id, its own (`id`), the next one's. */
  candidates: string[];
}

/**
 * `contentId` and `contentIdCandidates` from one normalisation of the title: a store that looks an article up and then
 * writes it needs both, and normalising and hashing the title for each was a cost per article on the correlator's path.
 */
export function contentIdentity(a: ContentInput, windowMs = CONTENT_WINDOW_MS): ContentIdentity {
  const title = normalizedTitle(a.title);
  if (!title || !Number.isFinite(a.publishedMs)) return { id: undefined, candidates: [] };
  const b = Math.floor(a.publishedMs / windowMs);
  const own = idFor(a.source, title, b);
  return { id: own, candidates: [idFor(a.source, title, b - 1), own, idFor(a.source, title, b + 1)] };
}

/** Same story: same content (by candidate id) and published within one window of each other. */
export function sameContent(a: ContentInput, b: ContentInput, windowMs = CONTENT_WINDOW_MS): boolean {
  return a.source === b.source && Math.abs(a.publishedMs - b.publishedMs) <= windowMs && normalizedTitle(a.title) === normalizedTitle(b.title) && normalizedTitle(a.title) !== '';
}
