/** What oilwire remembers about one feed between polls and across restarts (feeds.json). */
export interface FeedState {
  /** The feed's URL as configured: the key of the state. */
  url: string;
  name: string;
  /** Where a permanent redirect (301/308) sent us; fetched instead of `url` until the config changes. */
  location?: string;
  /** Validators exactly as the server sent them: an ETag is opaque, weak ones included. */
  etag?: string;
  lastModified?: string;
  /** HTTP status of the last answer; 0 when there was none (network error, timeout). */
  lastStatus?: number;
  lastOutcome: 'never' | 'ok' | 'not-modified' | 'rate-limited' | 'error';
  lastError?: string;
  lastErrorReason?: string;
  lastFetchAt?: number;
  lastSuccessAt?: number;
  nextPollAt?: number;
  nextPollBasis?: string;
  consecutiveErrors: number;
  fetches: number;
  /** Fetches that got an HTTP answer (any status), the base of the 304 ratio. */
  answered: number;
  notModified: number;
  errors: number;
  itemsPublished: number;
  itemsDuplicate: number;
  itemsSkipped: number;
  /** Items in the last feed body parsed. */
  lastItems?: number;
  ttlSec?: number;
  maxAgeSec?: number;
  encoding?: string;
}

export function initialFeedState(url: string, name: string): FeedState {
  return { url, name, lastOutcome: 'never', consecutiveErrors: 0, fetches: 0, answered: 0, notModified: 0, errors: 0, itemsPublished: 0, itemsDuplicate: 0, itemsSkipped: 0 };
}

/** Share of answered fetches that were 304 Not Modified (what a polite client should see most of the time). */
export function notModifiedRatio(s: Pick<FeedState, 'answered' | 'notModified'>): number | undefined {
  return s.answered > 0 ? s.notModified / s.answered : undefined;
}
