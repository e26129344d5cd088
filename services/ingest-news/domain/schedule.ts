/**
 * When to poll a feed next. Publishers ask for restraint through `<ttl>` (minutes),
 * `Cache-Control: max-age` / `Expires`, and `Retry-After` on 429/503; errors back off
 * exponentially with jitter. Every delay stays within [minInterval, maxInterval] so a feed
 * is neither hammered nor forgotten.
 */
import { parseRetryAfterMs } from '../../../shared/net/retry-after.ts';

export interface SchedulePolicy {
  minIntervalSec: number;
  maxIntervalSec: number;
  backoffBaseSec: number;
  backoffMaxSec: number;
  jitter: number;
}

export type PollOutcomeKind = 'ok' | 'not-modified' | 'rate-limited' | 'error';

export interface ScheduleInput {
  outcome: PollOutcomeKind;
  /** This feed's configured interval. */
  intervalSec: number;
  ttlSec?: number;
  maxAgeSec?: number;
  retryAfterSec?: number;
  /** Including the failure being scheduled for. */
  consecutiveErrors: number;
}

export interface ScheduleDecision {
  delayMs: number;
  /** What set the delay: interval, ttl, max-age, retry-after or backoff. */
  basis: 'interval' | 'ttl' | 'max-age' | 'retry-after' | 'backoff';
}

/** Exponential backoff with "equal jitter": half the step is guaranteed, so a retry never comes back at once. */
export function backoffSec(consecutiveErrors: number, policy: Pick<SchedulePolicy, 'backoffBaseSec' | 'backoffMaxSec'>, random: () => number): number {
  const n = Math.max(1, consecutiveErrors);
  const step = Math.min(policy.backoffMaxSec, policy.backoffBaseSec * 2 ** Math.min(n - 1, 30));
  return step / 2 + (random() * step) / 2;
}

export function nextPoll(input: ScheduleInput, policy: SchedulePolicy, random: () => number): ScheduleDecision {
  const clamp = (sec: number) => Math.min(policy.maxIntervalSec, Math.max(policy.minIntervalSec, sec));
  if (input.outcome === 'ok' || input.outcome === 'not-modified') {
    let sec = input.intervalSec;
    let basis: ScheduleDecision['basis'] = 'interval';
    if (input.ttlSec !== undefined && input.ttlSec > sec) [sec, basis] = [input.ttlSec, 'ttl'];
    if (input.maxAgeSec !== undefined && input.maxAgeSec > sec) [sec, basis] = [input.maxAgeSec, 'max-age'];
    // Jitter only ever lengthens the wait: the publisher's minimum is kept.
    return { delayMs: Math.round(clamp(sec * (1 + policy.jitter * random())) * 1000), basis };
  }
  const backoff = backoffSec(input.consecutiveErrors, policy, random);
  if (input.retryAfterSec !== undefined && input.retryAfterSec >= backoff) {
    return { delayMs: Math.round(clamp(input.retryAfterSec) * 1000), basis: 'retry-after' };
  }
  return { delayMs: Math.round(clamp(backoff) * 1000), basis: 'backoff' };
}

/** `Retry-After` in whole seconds, the unit the schedule works in (shared/net/retry-after.ts reads both forms). */
export function parseRetryAfter(value: string | undefined | null, now: number, serverDate?: string | null): number | undefined {
  const ms = parseRetryAfterMs(value, now, serverDate);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

/** Freshness lifetime a private cache may use: max-age, else Expires minus Date; none under no-store / no-cache. */
export function freshnessSec(headers: { cacheControl?: string | null; expires?: string | null; date?: string | null }, now: number): number | undefined {
  const cc = (headers.cacheControl ?? '').toLowerCase();
  if (/(^|[,\s])(no-store|no-cache)\b/.test(cc)) return undefined;
  const m = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/.exec(cc);
  if (m) return Number(m[1]);
  if (headers.expires) {
    const exp = Date.parse(headers.expires);
    if (!Number.isFinite(exp)) return undefined;
    const ref = headers.date ? Date.parse(headers.date) : NaN;
    return Math.max(0, Math.round((exp - (Number.isFinite(ref) ? ref : now)) / 1000));
  }
  return undefined;
}

/** `<ttl>` in minutes, as rss-parser hands it over (a string), to seconds. */
export function ttlSec(ttl: unknown): number | undefined {
  const n = typeof ttl === 'string' ? Number(ttl.trim()) : typeof ttl === 'number' ? ttl : NaN;
  return Number.isFinite(n) && n > 0 ? Math.round(n * 60) : undefined;
}
