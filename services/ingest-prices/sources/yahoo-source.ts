import { z } from 'zod';
import { AddressPolicy } from '../../../shared/net/address-policy.ts';
import { guardedFetch } from '../../../shared/net/guarded-fetch.ts';
import { YahooChartPoller } from '../adapters/yahoo-chart-poller.ts';
import type { RawTick } from '../domain/parse-prices.ts';
import { defineSource } from './define.ts';

const ALLOW_HINT = 'the yahoo source\'s allowPrivate';

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
    /**
     * Non-public addresses (IPs or CIDRs) the poller may connect to, e.g. a local stand-in; by default none. Every
     * connection, redirects included, goes through the address policy feeds and webhooks use (shared/net/address-policy.ts).
     */
    allowPrivate: z
      .array(z.string())
      .default([])
      .superRefine((list, ctx) => {
        try {
          new AddressPolicy(list);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
  }),
  create: (src, deps) => {
    // A configured baseUrl (or a redirect) must not reach the machine itself or the network behind it.
    const http = guardedFetch(new AddressPolicy(src.allowPrivate, ALLOW_HINT), src.timeoutMs);
    const poller = new YahooChartPoller({
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
      fetch: http.fetch,
      onError: (err) => deps.log.warn({ source: src.source, code: err.code, err: err.message }, 'yahoo chart poll failed'),
    });
    const poll = poller.ticks.bind(poller);
    // The pooled connections go when the polling does, so a stopped source leaves no socket behind.
    async function* ticks(signal?: AbortSignal): AsyncIterable<RawTick[]> {
      try {
        yield* poll(signal);
      } finally {
        await http.close();
      }
    }
    return Object.assign(poller, { source: src.source, speed: 0, ticks });
  },
});
