/**
 * What one feed answer means for the feed, decided without I/O: its outcome, the validators to
 * keep, how long its host must be left alone, and when the feed is polled next. The poller
 * (feed-poller.ts) does the fetching and publishing and hands the answer and a Clock in here, so
 * every rule of "when do we come back" is in one pure file.
 */
import type { Clock } from '../../../shared/runtime/clock.ts';
import { freshnessSec, nextPoll, parseRetryAfter, type ScheduleDecision, type ScheduleInput, type SchedulePolicy } from './schedule.ts';

export interface AnswerHeaders {
  etag?: string;
  lastModified?: string;
  cacheControl?: string;
  expires?: string;
  date?: string;
  retryAfter?: string;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** An HTTP answer read as the schedule needs it. */
export type AnswerVerdict =
  | { outcome: 'not-modified'; maxAgeSec?: number; validators: Validators }
  | { outcome: 'ok'; maxAgeSec?: number; validators: Validators }
  | { outcome: 'rate-limited'; reason: string; retryAfterSec?: number; hostBlockedUntil?: number }
  | { outcome: 'error'; reason: string; retryable: boolean };

/**
 * Reads the status and headers of one answer. A 304 may carry fresher validators (RFC 9110
 * 15.4.5), otherwise the ones we sent still hold; a 2xx's validators are taken exactly as sent
 * (an absent one is dropped), and stored by the caller only once its items are acked. Only a 429
 * with a Retry-After blocks the whole host: a 503 is one feed's trouble, not a request to the
 * client to slow down on every feed of that host. The host block is capped at the longest
 * interval, so a hostile Retry-After cannot silence a host for a year.
 */
export function readAnswer(status: number, headers: AnswerHeaders, sent: Validators, policy: Pick<SchedulePolicy, 'maxIntervalSec'>, clock: Clock): AnswerVerdict {
  const now = clock.now();
  if (status === 304) {
    return {
      outcome: 'not-modified',
      maxAgeSec: freshnessSec(headers, now),
      validators: { etag: headers.etag ?? sent.etag, lastModified: headers.lastModified ?? sent.lastModified },
    };
  }
  if (status >= 200 && status < 300) {
    return { outcome: 'ok', maxAgeSec: freshnessSec(headers, now), validators: { etag: headers.etag, lastModified: headers.lastModified } };
  }
  if (status === 429 || status === 503) {
    const retryAfterSec = parseRetryAfter(headers.retryAfter, now, headers.date);
    const hostBlockedUntil = status === 429 && retryAfterSec !== undefined ? now + Math.min(retryAfterSec, policy.maxIntervalSec) * 1000 : undefined;
    return { outcome: 'rate-limited', reason: `http_${status}`, retryAfterSec, hostBlockedUntil };
  }
  // A server error or a request timeout may pass; a 404 or 410 will not fix itself by retrying.
  return { outcome: 'error', reason: `http_${status}`, retryable: status >= 500 || status === 408 };
}

/** What the next poll is planned from: the schedule's own input (`schedule.ts`). */
export type NextPollInput = ScheduleInput;

export interface PlannedPoll extends ScheduleDecision {
  /** Epoch ms of the next poll. */
  at: number;
}

/** The next poll of a feed that was just answered (or failed), as a time on `clock`. */
export function planNextPoll(input: NextPollInput, policy: SchedulePolicy, random: () => number, clock: Clock): PlannedPoll {
  const decision = nextPoll(input, policy, random);
  return { ...decision, at: clock.now() + decision.delayMs };
}

/**
 * A poll whose host is still blocked by an earlier 429 is not fetched; it is put off until the
 * block ends. Undefined when the host is free (no block, or the block has run out).
 */
export function deferral(blockedUntil: number | undefined, clock: Clock): PlannedPoll | undefined {
  const now = clock.now();
  if (blockedUntil === undefined || blockedUntil <= now) return undefined;
  return { at: blockedUntil, delayMs: blockedUntil - now, basis: 'retry-after' };
}

/** The host a poll is gated and rate-limited by: host:port for the web, the path for a local file, the text for anything unparsable. */
export function hostKey(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : `${u.protocol}${u.pathname}`;
  } catch {
    return `path:${url}`;
  }
}
