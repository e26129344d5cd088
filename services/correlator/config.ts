import { z } from 'zod';
import { DEFAULT_FUTURE_TOLERANCE_MS, OLDEST_PLAUSIBLE_TICK } from '../../shared/contracts/tick-time.ts';
import { HORIZON_LABELS, horizonLabel } from '../../shared/contracts/events.ts';

const hhmm = z.string().regex(/^\d{2}:\d{2}$/, 'HH:MM (UTC)');

export const calendarSchema = z.strictObject({
  /** `sessions`: weekday trading sessions (ICE Brent by default); `always`: a market that never closes. */
  kind: z.enum(['sessions', 'always']).default('sessions'),
  /** Session open, UTC; at or after `close` it is the evening before (ICE Brent: 23:00). */
  open: hhmm.default('23:00'),
  close: hhmm.default('22:00'),
  /** Trading weekdays, 0 = Sunday. */
  weekdays: z.array(z.number().int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
  /** `YYYY-MM-DD` days with no session (exchange holidays). */
  holidays: z.array(z.iso.date()).default([]),
});

export const watermarkSchema = z.strictObject({
  /** How far behind its newest tick a source may still deliver older ticks. */
  maxOutOfOrdernessMs: z.number().int().nonnegative().default(5_000),
  /** A source silent this long (wall clock) stops holding the watermark back. */
  idleTimeoutMs: z.number().int().positive().default(60_000),
  /** Overrides by the ticks' `source` field. */
  perSource: z.record(z.string(), z.strictObject({ maxOutOfOrdernessMs: z.number().int().nonnegative() })).default({}),
});

export const indicatorsSchema = z.strictObject({
  bars: z.number().int().min(2).max(5000).default(60),
  rsiPeriod: z.number().int().min(2).default(14),
  emaPeriod: z.number().int().min(1).default(20),
  bbPeriod: z.number().int().min(2).default(20),
  bbStdDev: z.number().positive().default(2),
  atrPeriod: z.number().int().min(1).default(14),
});

export const correlatorConfigSchema = z.strictObject({
  groupId: z.string().default('oilwire-correlator'),
  /** Every scored article is measured against each of these symbols. */
  symbols: z.array(z.string().min(1)).min(1).default(['BRENT']),
  horizons: z.array(horizonLabel).min(1).default([...HORIZON_LABELS]),
  /** Pre-event windows of the horizon's length used to estimate normal volatility (z-scores). */
  volatilityWindows: z.number().int().min(2).default(20),
  /** Articles older than this relative to the price watermark are measured no more (their horizons can no longer complete). */
  maxPendingAgeHours: z.number().positive().default(24 * 14),
  calendar: calendarSchema.default(calendarSchema.parse({})),
  watermark: watermarkSchema.default(watermarkSchema.parse({})),
  /** A tick stamped further ahead of the clock than this is refused (future_timestamp): it would move its source's watermark past every real tick. */
  futureToleranceMs: z.number().int().nonnegative().default(DEFAULT_FUTURE_TOLERANCE_MS),
  /** Ticks before this day are refused (too_old). */
  oldestTick: z.iso.date().default(OLDEST_PLAUSIBLE_TICK),
  /** A tick up to this far behind the watermark still re-measures what it changes (a new version); an older one goes to ticks_late. */
  allowedLatenessMs: z.number().int().nonnegative().default(3_600_000),
  /** Technical indicators stored with each impact row; null: none. */
  indicators: indicatorsSchema.nullable().default(indicatorsSchema.parse({})),
  /** Most ticks handled (and inserted) in one batch: bigger batches mean fewer, larger inserts. */
  tickBatchSize: z.number().int().positive().default(5_000),
  /**
   * Most scored articles handled in one news batch. The bus hands over what is waiting up to this: one article at a
   * time when they trickle in, a few large batches (one content lookup, one insert each) when a backlog has formed.
   */
  newsBatchSize: z.number().int().positive().default(5_000),
  /**
   * Impact rows are written in groups: after this delay, or at once past `impactFlushRows`.
   * Safe because the article itself is stored before its batch is acknowledged, and a restart
   * measures again whatever has no impact row. Short, because the rows are published only once
   * written (the outbox writes one group at a time, so rows coming during a write go in the next):
   * the delay is part of every impact's way to news.impact. 0: written within the evaluation.
   */
  impactFlushMs: z.number().int().nonnegative().default(10),
  impactFlushRows: z.number().int().positive().default(5_000),
  /** Re-evaluates pending horizons this often even without new messages (idle sources release the watermark). */
  evaluateEveryMs: z.number().int().positive().default(5_000),
  /** A price series longer than this drops ticks no pending measurement needs (they stay in the store). */
  pruneAboveTicks: z.number().int().positive().default(2_000_000),
});
export type CorrelatorConfig = z.infer<typeof correlatorConfigSchema>;
