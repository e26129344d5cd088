/**
 * When a failed webhook delivery is tried again. Retry n (after the n-th failed attempt)
 * waits min(maxDelay, firstDelay * factor^(n-1)), multiplied by a uniform jitter in
 * [1 - jitter, 1 + jitter] so that endpoints coming back from an outage are not hit by
 * every sender at the same instant; the result never exceeds maxDelay. A receiver's
 * Retry-After (read by shared/net/retry-after.ts) pushes the attempt later (never earlier), up to maxRetryAfter.
 */
export interface RetrySchedule {
  firstDelaySec: number;
  factor: number;
  maxDelaySec: number;
  jitter: number;
  maxAttempts: number;
  maxRetryAfterSec: number;
}

/** Delay before retry `n` (1-based) without jitter, in ms. */
export function baseDelayMs(schedule: RetrySchedule, n: number): number {
  const raw = schedule.firstDelaySec * schedule.factor ** Math.max(0, n - 1);
  return Math.round(Math.min(schedule.maxDelaySec, raw) * 1000);
}

/** Delay before retry `n` with jitter; `random` is in [0, 1). */
export function retryDelayMs(schedule: RetrySchedule, n: number, random: number, retryAfterMs?: number): number {
  const base = baseDelayMs(schedule, n);
  const jittered = Math.min(schedule.maxDelaySec * 1000, Math.round(base * (1 - schedule.jitter + 2 * schedule.jitter * random)));
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs)) return jittered;
  return Math.max(jittered, Math.min(schedule.maxRetryAfterSec * 1000, Math.max(0, Math.round(retryAfterMs))));
}

/** The documented schedule: the un-jittered wait before each retry, for docs and the CLI. */
export function describeSchedule(schedule: RetrySchedule): { retry: number; delaySec: number; cumulativeSec: number }[] {
  const rows: { retry: number; delaySec: number; cumulativeSec: number }[] = [];
  let total = 0;
  for (let n = 1; n < schedule.maxAttempts; n++) {
    const d = baseDelayMs(schedule, n) / 1000;
    total += d;
    rows.push({ retry: n, delaySec: d, cumulativeSec: total });
  }
  return rows;
}
