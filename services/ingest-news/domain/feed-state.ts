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

/** Longest error message kept in the state (it is shown by `oilwire feeds` and saved on every poll). */
export const MAX_ERROR_CHARS = 500;

/** A fetch begins: counted now, so a fetch that never answers still shows in `fetches`. */
export function recordFetchStart(s: FeedState, at: number): void {
  s.fetches++;
  s.lastFetchAt = at;
}

/** A stop cancelled the fetch: not the feed's doing, so it is not counted at all. */
export function recordAbort(s: FeedState): void {
  s.fetches--;
}

/** The server answered, whatever the status: the base of the 304 ratio. */
export function recordAnswer(s: FeedState, status: number): void {
  s.lastStatus = status;
  // States written before `answered` existed lack it.
  s.answered = (s.answered ?? 0) + 1;
  if (status === 304) s.notModified++;
}

export interface SuccessChange {
  /** Failures in a row this success ended (0 when the feed was healthy). */
  recoveredAfter: number;
  /** The new address when this answer moved the feed (every hop permanent, to somewhere new). */
  movedTo?: string;
}

/** A 200 whose items are acked, or a 304: the error streak ends and a permanent move is followed. */
export function recordSuccess(s: FeedState, at: number, answer: { maxAgeSec?: number; permanentRedirect?: string }): SuccessChange {
  const change: SuccessChange = { recoveredAfter: s.consecutiveErrors };
  if (answer.permanentRedirect && answer.permanentRedirect !== s.location) {
    s.location = answer.permanentRedirect;
    change.movedTo = answer.permanentRedirect;
  }
  s.consecutiveErrors = 0;
  s.lastSuccessAt = at;
  s.lastError = undefined;
  s.lastErrorReason = undefined;
  s.maxAgeSec = answer.maxAgeSec;
  return change;
}

/** A failed poll; `answered` false when no HTTP answer came (network, timeout), which leaves status 0. Returns the failures in a row. */
export function recordFailure(s: FeedState, failure: { message: string; reason: string; answered: boolean }): number {
  if (!failure.answered) s.lastStatus = 0;
  s.errors++;
  s.consecutiveErrors++;
  s.lastError = failure.message.slice(0, MAX_ERROR_CHARS);
  s.lastErrorReason = failure.reason;
  return s.consecutiveErrors;
}
