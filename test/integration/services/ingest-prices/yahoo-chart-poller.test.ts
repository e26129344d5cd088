import { createServer, type IncomingMessage, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { subscribeEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, priceTickV1, type PriceTick } from '../../../../shared/contracts/events.ts';
import { AppError } from '../../../../shared/errors.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { YahooChartPoller } from '../../../../services/ingest-prices/adapters/yahoo-chart-poller.ts';
import { ingestPricesConfigSchema } from '../../../../services/ingest-prices/config.ts';
import { start } from '../../../../services/ingest-prices/main.ts';
import { yahooSource } from '../../../../services/ingest-prices/sources/yahoo-source.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

// A local stand-in for query1.finance.yahoo.com serving /v8/finance/chart responses in Yahoo's format.
const T0 = Date.parse('2026-06-01T10:00:00Z') / 1000;
let reply: { status: number; body: string; headers?: Record<string, string> };
const requests: IncomingMessage[] = [];
let server: Server;
let baseUrl: string;

function chart(closes: (number | null)[], volumes?: (number | null)[]): string {
  return JSON.stringify({
    chart: {
      result: [
        {
          meta: { currency: 'USD', symbol: 'BZ=F', exchangeName: 'NYM', instrumentType: 'FUTURE', regularMarketTime: T0 + closes.length * 60, gmtoffset: -14400, timezone: 'EDT', dataGranularity: '1m', range: '1d' },
          timestamp: closes.map((_, i) => T0 + i * 60),
          indicators: { quote: [{ open: closes, high: closes, low: closes, close: closes, volume: volumes ?? closes.map(() => 10) }] },
        },
      ],
      error: null,
    },
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const poller = (clock: ManualClock) =>
  new YahooChartPoller({ symbol: 'BRENT', yahooSymbol: 'BZ=F', baseUrl, interval: '1m', range: '1d', pollIntervalMs: 10, timeoutMs: 5_000, maxBackoffMs: 50, now: () => clock.now() });

describe('Yahoo chart poller against a local server', () => {
  it('backfills days of history with the first successful poll, then asks only for the recent range', async () => {
    const clock = new ManualClock((T0 + 150) * 1000);
    const p = new YahooChartPoller({ symbol: 'BRENT', yahooSymbol: 'BZ=F', baseUrl, interval: '1m', range: '1d', backfillRange: '5d', pollIntervalMs: 10, timeoutMs: 5_000, maxBackoffMs: 50, now: () => clock.now() });
    reply = { status: 503, body: '{}' };
    await expect(p.pollOnce()).rejects.toThrow();
    expect(requests[requests.length - 1].url).toContain('range=5d');
    reply = { status: 200, body: chart([80.1, 80.2, 80.3]) };
    expect(await p.pollOnce()).toHaveLength(2);
    expect(requests[requests.length - 1].url).toContain('range=5d');
    await p.pollOnce();
    expect(requests[requests.length - 1].url).toBe('/v8/finance/chart/BZ%3DF?interval=1m&range=1d&includePrePost=false');
  });

  it('asks for BZ=F 1-minute bars, backfills the completed ones, then emits only newer bars', async () => {
    const clock = new ManualClock((T0 + 150) * 1000);
    const p = poller(clock);
    reply = { status: 200, body: chart([80.1, null, 80.3]) };
    const first = await p.pollOnce();
    const req = requests[requests.length - 1];
    expect(req.url).toBe('/v8/finance/chart/BZ%3DF?interval=1m&range=1d&includePrePost=false');
    expect(req.headers['user-agent']).toMatch(/oilwire/);
    // 10:00 is complete; 10:01 had no trade; 10:02 is still forming at 10:02:30.
    expect(first.map((t) => [new Date(t.ts).toISOString(), t.price, t.size])).toEqual([['2026-06-01T10:00:59.999Z', 80.1, 10]]);

    clock.set((T0 + 250) * 1000);
    reply = { status: 200, body: chart([80.1, null, 80.35, 80.4, 80.5]) };
    const second = await p.pollOnce();
    expect(second.map((t) => [new Date(t.ts).toISOString(), t.price])).toEqual([
      ['2026-06-01T10:02:59.999Z', 80.35],
      ['2026-06-01T10:03:59.999Z', 80.4],
    ]);
    expect(await p.pollOnce()).toEqual([]);
  });

  it('turns HTTP 429 into a retryable rate-limit error carrying Retry-After', async () => {
    reply = { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '30' } };
    const err = await poller(new ManualClock(0)).pollOnce().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'FEED_RATE_LIMITED', retryable: true, details: { retryAfterSec: 30 } });
  });

  it('reads a Retry-After HTTP-date against the server\'s Date, in seconds like the delta form', async () => {
    reply = { status: 429, body: 'Too Many Requests', headers: { 'retry-after': 'Mon, 01 Jun 2026 10:02:00 GMT', date: 'Mon, 01 Jun 2026 10:00:00 GMT' } };
    const err = await poller(new ManualClock(0)).pollOnce().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FEED_RATE_LIMITED', details: { retryAfterSec: 120 } });
  });

  it('reports Yahoo\'s error object and a body that is not JSON', async () => {
    reply = { status: 404, body: JSON.stringify({ chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } }) };
    await expect(poller(new ManualClock(0)).pollOnce()).rejects.toMatchObject({ code: 'FEED_FETCH_FAILED', message: expect.stringContaining('No data found') });
    reply = { status: 200, body: '<html>consent</html>' };
    await expect(poller(new ManualClock(0)).pollOnce()).rejects.toMatchObject({ code: 'FEED_PARSE_FAILED' });
  });

  it('feeds the bus through the ingest service, recovering after a failed poll', async () => {
    reply = { status: 500, body: 'oops' };
    const bus = new MemoryBus();
    const got: PriceTick[] = [];
    await subscribeEvents(bus, { groupId: randomName('y'), topic: TOPICS.pricesTicks, schema: priceTickV1, handler: async (events) => void got.push(...events.map((e) => e.event)) });
    const config = ingestPricesConfigSchema.parse({ sources: [{ kind: 'yahoo', baseUrl, pollIntervalSec: 0.01, maxBackoffSec: 0.02, allowPrivate: ['127.0.0.1'] }] });
    const svc = await start({ bus, store: {} as Store, config, logger: silentLogger, clock: new ManualClock((T0 + 600) * 1000), metrics: new Registry() });
    await waitFor(() => (svc.stats().rejected.FEED_FETCH_FAILED ?? 0) >= 1, { message: 'a failed poll counted' });
    reply = { status: 200, body: chart([80.1, 80.2, 80.3]) };
    await waitFor(() => got.length === 3, { message: '3 ticks published' });
    expect(got.map((t) => [t.symbol, t.source, t.price, t.seq])).toEqual([
      ['BRENT', 'yahoo', 80.1, 0],
      ['BRENT', 'yahoo', 80.2, 0],
      ['BRENT', 'yahoo', 80.3, 0],
    ]);
    await svc.stop();
    await bus.close();
  });
});

describe('the configured yahoo source and the outbound address policy', () => {
  /** A listener that counts every connection that reaches it, on a loopback address of its own. */
  async function countingListener(host: string): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
    let n = 0;
    const sockets = new Set<net.Socket>();
    const srv = net.createServer((socket) => {
      n++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}');
    });
    await new Promise<void>((r) => srv.listen(0, host, r));
    return {
      url: `http://${host}:${(srv.address() as AddressInfo).port}`,
      connections: () => n,
      close: async () => {
        for (const s of sockets) s.destroy();
        await new Promise((r) => srv.close(r));
      },
    };
  }

  const deps = { now: () => (T0 + 600) * 1000, log: silentLogger, batchSize: 100, dailyCloseUtc: '21:00' };
  const configured = (entry: Record<string, unknown>) => yahooSource.create(yahooSource.schema.parse({ kind: 'yahoo', timeoutMs: 2_000, ...entry }), deps) as ReturnType<typeof yahooSource.create> & YahooChartPoller;

  it('refuses a baseUrl on a loopback address, by IP or by a name resolving to it, before any connection', async () => {
    const target = await countingListener('127.0.0.1');
    try {
      await expect(configured({ baseUrl: target.url }).pollOnce()).rejects.toMatchObject({ code: 'FEED_FETCH_FAILED', message: expect.stringMatching(/127\.0\.0\.1 is loopback; add it to the yahoo source's allowPrivate/) });
      await expect(configured({ baseUrl: target.url.replace('127.0.0.1', 'localhost') }).pollOnce()).rejects.toMatchObject({ code: 'FEED_FETCH_FAILED', message: expect.stringMatching(/localhost resolves to .* loopback/) });
      await expect(configured({ baseUrl: target.url.replace('127.0.0.1', '[::ffff:127.0.0.1]') }).pollOnce()).rejects.toMatchObject({ code: 'FEED_FETCH_FAILED' });
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('follows a redirect from an allowed address only to an address the policy admits, and counts the refusal as a failed poll', async () => {
    const elsewhere = await countingListener('127.0.0.2');
    const redirector = createServer((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/v8/finance/chart/BZ=F`, connection: 'close' });
      res.end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    const source = configured({ baseUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`, allowPrivate: ['127.0.0.1'], pollIntervalSec: 0.01, maxBackoffSec: 0.02 });
    const controller = new AbortController();
    const run = (async () => {
      for await (const _batch of source.ticks(controller.signal)) void _batch;
    })();
    try {
      await waitFor(() => source.health().consecutiveFailures >= 2, { message: 'two refused polls' });
      expect(source.health().lastError).toMatch(/127\.0\.0\.2 is loopback/);
      expect(elsewhere.connections()).toBe(0);
    } finally {
      controller.abort();
      await run;
      await new Promise((r) => redirector.close(r));
      await elsewhere.close();
    }
  });

  it('reaches a listed address, and refuses a malformed allowPrivate entry at config time', async () => {
    reply = { status: 200, body: chart([80.1, 80.2]) };
    const source = configured({ baseUrl, allowPrivate: ['127.0.0.0/8'] });
    await expect(source.pollOnce()).resolves.toHaveLength(2);
    expect(() => yahooSource.schema.parse({ kind: 'yahoo', allowPrivate: ['127.0.0.1/33'] })).toThrow(/bad prefix length/);
    expect(() => yahooSource.schema.parse({ kind: 'yahoo', allowPrivate: ['localhost'] })).toThrow(/not an IP address/);
  });
});
