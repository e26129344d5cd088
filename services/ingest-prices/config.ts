import { z } from 'zod';

const csvSource = z.object({
  kind: z.literal('csv'),
  path: z.string().min(1),
  symbol: z.string().min(1).default('BRENT'),
  /** Data time per wall time: 60 replays a minute of ticks each second; 0 replays as fast as the bus takes them. */
  speed: z.number().nonnegative().default(0),
  source: z.string().default('csv'),
});

const simulatorSource = z.object({
  kind: z.literal('simulator'),
  symbol: z.string().min(1).default('BRENT'),
  seed: z.number().int().default(42),
  start: z.iso.datetime({ offset: true }).default('2026-06-01T09:00:00Z'),
  intervalSec: z.number().positive().default(10),
  count: z.number().int().positive().default(1080),
  startPrice: z.number().positive().default(82),
  /** Standard deviation of one step's log return, in basis points. */
  volBps: z.number().nonnegative().default(3),
  /** News-driven jumps: at `at`, the price moves by `bps` over `overSec` seconds. */
  jumps: z.array(z.object({ at: z.iso.datetime({ offset: true }), bps: z.number(), overSec: z.number().positive().default(60) })).default([]),
  speed: z.number().nonnegative().default(0),
  source: z.string().default('simulator'),
});

export const priceSourceSchema = z.discriminatedUnion('kind', [csvSource, simulatorSource]);
export type PriceSourceConfig = z.infer<typeof priceSourceSchema>;

export const ingestPricesConfigSchema = z.object({
  sources: z.array(priceSourceSchema).default([]),
  batchSize: z.number().int().positive().default(1000),
  /** Hour and minute (UTC) at which a daily close is stamped: the end of the ICE Brent session, never the midnight before it. */
  dailyCloseUtc: z.string().regex(/^\d{2}:\d{2}$/).default('19:30'),
  /** A tick moving more than this fraction from the previous accepted one is rejected as absurd. */
  maxJumpFraction: z.number().positive().default(0.5),
});
export type IngestPricesConfig = z.infer<typeof ingestPricesConfigSchema>;
