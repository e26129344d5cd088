/**
 * When a price tick can have happened. Both the price ingest (which rejects) and the
 * correlator (which must never let one bad tick move a watermark) apply the same rule, so
 * it lives with the contracts.
 */
import { parseDateOrTime } from './time.ts';

/** No crude oil future traded before NYMEX listed WTI in March 1983 (EIA's Brent spot series starts 1987-05-20). */
export const OLDEST_PLAUSIBLE_TICK = '1983-01-01';
/** A tick stamped this far ahead of our clock is a feed error or a clock far off, not a price. */
export const DEFAULT_FUTURE_TOLERANCE_MS = 60_000;

export interface TickTimeRule {
  /** Milliseconds a tick may be ahead of the injected clock (feeds' clocks drift a little). */
  futureToleranceMs: number;
  /** Earliest plausible tick (ms). */
  oldestMs: number;
}

export const DEFAULT_TICK_TIME_RULE: TickTimeRule = { futureToleranceMs: DEFAULT_FUTURE_TOLERANCE_MS, oldestMs: parseDateOrTime(OLDEST_PLAUSIBLE_TICK) };

export type TickTimeVerdict = 'ok' | 'bad_timestamp' | 'future_timestamp' | 'too_old';

export function tickTimeVerdict(ts: number, nowMs: number, rule: TickTimeRule = DEFAULT_TICK_TIME_RULE): TickTimeVerdict {
  if (!Number.isFinite(ts)) return 'bad_timestamp';
  if (ts < rule.oldestMs) return 'too_old';
  if (ts > nowMs + rule.futureToleranceMs) return 'future_timestamp';
  return 'ok';
}
