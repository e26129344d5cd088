import { z } from 'zod';
import { PRICE_SOURCE_SCHEMAS } from './sources/registry.ts';
import { DEFAULT_FUTURE_TOLERANCE_MS, OLDEST_PLAUSIBLE_TICK } from '../../shared/contracts/tick-time.ts';

// Each kind's schema lives with its component (sources/<kind>-source.ts); the registry lists them.
export const priceSourceSchema = z.discriminatedUnion('kind', PRICE_SOURCE_SCHEMAS);
export type PriceSourceConfig = z.infer<typeof priceSourceSchema>;

/**
 * With no configuration, live Brent from Yahoo's chart API: CME's BZ=F, one-minute bars
 * delayed at least 10 minutes, for personal use. Real-time use needs a licensed feed (a
 * `websocket` source); `sources: []` turns prices off.
 */
export const DEFAULT_PRICE_SOURCES: PriceSourceConfig[] = [priceSourceSchema.parse({ kind: 'yahoo' })];

export const ingestPricesConfigSchema = z.strictObject({
  sources: z.array(priceSourceSchema).default(DEFAULT_PRICE_SOURCES),
  batchSize: z.number().int().positive().default(1000),
  /** Hour and minute (UTC) at which a daily close is stamped: the end of the ICE Brent session, never the midnight before it. */
  dailyCloseUtc: z.string().regex(/^\d{2}:\d{2}$/).default('19:30'),
  /** A tick moving more than this fraction from the previous accepted one is provisional until the next tick confirms it or reverts it. */
  maxJumpFraction: z.number().positive().default(0.5),
  /** The next tick back within this share of the jump (log terms) from the price before it makes the jump a reverted spike, quarantined. */
  revertShare: z.number().positive().max(1).default(0.25),
  /** A tick stamped further ahead of the clock than this is rejected as future_timestamp (it must never move a watermark). */
  futureToleranceMs: z.number().int().nonnegative().default(DEFAULT_FUTURE_TOLERANCE_MS),
  /** Ticks before this day are rejected as too_old (no crude future traded before 1983). */
  oldestTick: z.iso.date().default(OLDEST_PLAUSIBLE_TICK),
  /** Consumer group of the live simulator's headline subscription. */
  groupId: z.string().min(1).default('oilwire-ingest-prices'),
});
export type IngestPricesConfig = z.infer<typeof ingestPricesConfigSchema>;
