import { z } from 'zod';
import { DEFAULT_FUTURE_TOLERANCE_MS, OLDEST_PLAUSIBLE_TICK } from '../../shared/contracts/tick-time.ts';

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).describe('RFC 3339 time or YYYY-MM-DD (UTC)');

const fileFields = {
  path: z.string().min(1),
  symbol: z.string().min(1).default('BRENT'),
  /** Data time per wall time: 60 replays a minute of ticks each second; 0 replays as fast as the bus takes them. */
  speed: z.number().nonnegative().default(0),
  /** Only ticks in [from, to] are replayed. */
  from: instant.optional(),
  to: instant.optional(),
};

/** A price file: daily `Date,Price` (EIA), ticks `ts,symbol,price[,size][,seq]`; NDJSON is recognised by its first character. */
const csvSource = z.strictObject({ kind: z.literal('csv'), ...fileFields, source: z.string().min(1).default('csv') });
const ndjsonSource = z.strictObject({ kind: z.literal('ndjson'), ...fileFields, source: z.string().min(1).default('ndjson') });

const newsJumps = z.strictObject({
  /** The move of a headline of full strength and relevance, in bps. */
  maxBps: z.number().default(150),
  delaySec: z.number().nonnegative().default(20),
  overSec: z.number().positive().default(90),
});

const simulatorSource = z.strictObject({
  kind: z.literal('simulator'),
  symbol: z.string().min(1).default('BRENT'),
  seed: z.number().int().default(42),
  start: z.iso.datetime({ offset: true }).default('2026-06-01T09:00:00Z'),
  intervalSec: z.number().positive().default(10),
  count: z.number().int().positive().default(1080),
  startPrice: z.number().positive().default(82),
  /** Standard deviation of one step's log return, in basis points. */
  volBps: z.number().nonnegative().default(3),
  /** News-driven jumps of a replayed tape: at `at`, the price moves by `bps` over `overSec` seconds. */
  jumps: z.array(z.strictObject({ at: z.iso.datetime({ offset: true }), bps: z.number(), overSec: z.number().positive().default(60) })).default([]),
  /** Run on the clock, a tick every `intervalSec` for ever (`start` and `count` are ignored). Optional so configs written before it still type-check. */
  live: z.boolean().optional(),
  /** In live mode, scored headlines move the market (bullish up, bearish down, by strength and relevance); unset: they do not. */
  newsJumps: newsJumps.nullable().optional(),
  speed: z.number().nonnegative().default(0),
  source: z.string().min(1).default('simulator'),
});

const yahooSource = z.strictObject({
  kind: z.literal('yahoo'),
  symbol: z.string().min(1).default('BRENT'),
  /** Yahoo's symbol: BZ=F is CME's (NYMEX) Brent Last Day Financial futures, front month, delayed at least 10 minutes, for personal use. */
  yahooSymbol: z.string().min(1).default('BZ=F'),
  baseUrl: z.url().default('https://query1.finance.yahoo.com'),
  interval: z.enum(['1m', '2m', '5m', '15m', '30m', '60m']).default('1m'),
  range: z.string().default('1d'),
  /** The first poll's range: enough history for the correlator's pre-event volatility (Yahoo serves 1-minute bars for up to 7 days). */
  backfillRange: z.string().default('5d'),
  pollIntervalSec: z.number().positive().default(60),
  timeoutMs: z.number().int().positive().default(10_000),
  maxBackoffSec: z.number().positive().default(300),
  source: z.string().min(1).default('yahoo'),
});

const websocketSource = z.strictObject({
  kind: z.literal('websocket'),
  url: z.string().regex(/^wss?:\/\//i, 'a ws:// or wss:// URL'),
  symbol: z.string().min(1).default('BRENT'),
  /** Sent as JSON after every connect (a subscription request, for example). */
  subscribe: z.array(z.unknown()).default([]),
  /** Dot path to the tick object or array inside a message; empty: the message itself. */
  messagePath: z.string().default(''),
  fields: z
    .strictObject({ ts: z.string().default('ts'), price: z.string().default('price'), symbol: z.string().default('symbol'), size: z.string().default('size'), seq: z.string().default('seq') })
    .default({ ts: 'ts', price: 'price', symbol: 'symbol', size: 'size', seq: 'seq' }),
  headers: z.record(z.string(), z.string()).default({}),
  reconnectMinMs: z.number().int().positive().default(500),
  reconnectMaxMs: z.number().int().positive().default(30_000),
  maxQueued: z.number().int().positive().default(100_000),
  source: z.string().min(1).default('websocket'),
});

export const priceSourceSchema = z.discriminatedUnion('kind', [csvSource, ndjsonSource, simulatorSource, yahooSource, websocketSource]);
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
