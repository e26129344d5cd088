import type { FeedItem } from './domain/normalize.ts';
import type { ContentEntry } from './domain/content-seen.ts';
import type { FeedState } from './domain/feed-state.ts';

export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
  /** Aborts the exchange (the service is stopping); the fetch then fails with reason `aborted`. */
  signal?: AbortSignal;
}

export interface FetchResponse {
  /** Final status after redirects: 200, 304, 429, 503... */
  status: number;
  /** URL that answered (after redirects). */
  url: string;
  redirects: number;
  /** Set when every hop was permanent (301/308): the feed has moved. */
  permanentRedirect?: string;
  headers: {
    contentType?: string;
    etag?: string;
    lastModified?: string;
    cacheControl?: string;
    expires?: string;
    date?: string;
    retryAfter?: string;
  };
  /** The body of a 2xx answer, fully read and within the size cap. */
  body?: Uint8Array;
}

/**
 * Fetches one feed with conditional GET. Failures without an answer throw AppError
 * (`FEED_FETCH_FAILED`, or `INPUT_TOO_LARGE` past the size cap) whose `details.reason` is one of
 * timeout, network, truncated, too_many_redirects, bad_redirect, too_large, aborted.
 */
export interface FeedFetcher {
  fetch(request: FetchRequest): Promise<FetchResponse>;
}

export interface ParsedFeed {
  title?: string;
  /** `<ttl>` as written in the feed (minutes). */
  ttl?: unknown;
  items: FeedItem[];
}

export interface FeedBodyOptions {
  contentType?: string;
  maxItemBytes: number;
  maxDepth: number;
  /** Items kept; the rest are dropped before parsing (`over_item_limit`). */
  maxItems: number;
}

export interface ParsedFeedBody extends ParsedFeed {
  encoding: string;
  /** Decoding notes (`unknown_charset`, ...). */
  notes: string[];
  /** Repairs made to the markup, by kind. */
  repairs: Record<string, number>;
  /** Items cut out before parsing, by reason. */
  dropped: Record<string, number>;
}

/** Decodes, sanitizes and parses a feed body: everything between the bytes of a 200 and the items. */
export interface FeedParser {
  parseBody(body: Uint8Array, options: FeedBodyOptions): Promise<ParsedFeedBody>;
}

export interface FeedStateStore {
  load(): Promise<Record<string, FeedState>>;
  save(states: Record<string, FeedState>): Promise<void>;
}

/** Durable record of published ids: appended after each acked publish, rewritten when compacted. */
export interface SeenLog {
  load(): Promise<[id: string, lastSeen: number][]>;
  append(entries: [id: string, lastSeen: number][]): Promise<void>;
  rewrite(entries: [id: string, lastSeen: number][]): Promise<void>;
}

/**
 * Durable record of published content identities (domain/content-seen.ts), kept like the seen-set:
 * appended after each acked publish, rewritten when compacted.
 */
export interface ContentLog {
  load(): Promise<ContentEntry[]>;
  append(entries: ContentEntry[]): Promise<void>;
  rewrite(entries: ContentEntry[]): Promise<void>;
}

/** Timers come in through this port so tests drive the schedule without waiting. */
export interface Scheduler {
  /** `label` names the feed the timer belongs to (for tests and debugging). */
  set(fn: () => void, delayMs: number, label?: string): unknown;
  clear(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  set: (fn, delayMs) => setTimeout(fn, Math.min(delayMs, 2 ** 31 - 1)),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
