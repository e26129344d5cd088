import { z } from 'zod';
import { YahooChartPoller } from '../adapters/yahoo-chart-poller.ts';
import { defineSource } from './define.ts';

export const yahooSource = defineSource({
  kind: 'yahoo',
  schema: z.strictObject({
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
  }),
  create: (src, deps) =>
    Object.assign(
      new YahooChartPoller({
        symbol: src.symbol,
        yahooSymbol: src.yahooSymbol,
        baseUrl: src.baseUrl,
        interval: src.interval,
        range: src.range,
        backfillRange: src.backfillRange,
        pollIntervalMs: src.pollIntervalSec * 1000,
        timeoutMs: src.timeoutMs,
        maxBackoffMs: src.maxBackoffSec * 1000,
        now: deps.now,
        onError: (err) => deps.log.warn({ source: src.source, code: err.code, err: err.message }, 'yahoo chart poll failed'),
      }),
      { source: src.source, speed: 0 },
    ),
});
