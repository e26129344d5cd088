import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { TOPICS, priceTickV1, type PriceTick } from '../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ingestPricesConfigSchema } from '../../../../services/ingest-prices/config.ts';
import { start } from '../../../../services/ingest-prices/main.ts';
import { PRICE_SOURCES } from '../../../../services/ingest-prices/sources/registry.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

// One suite every registered price source passes, each against a small local stand-in of its
// market (as the Bus and Store conformance suites do for their engines). A kind added to the
// registry without a stand-in here fails the first test.

const T0 = Date.parse('2026-06-01T10:00:00Z');
// After every stand-in's ticks, so none is in the future and every Yahoo bar is complete.
const NOW = T0 + 3_600_000;
const noStore = {} as Store;
const dir = mkdtempSync(join(tmpdir(), 'oilwire-conformance-'));

interface StandIn {
  /** The `ingestPrices.sources` entry, as a user writes it. */
  entry: Record<string, unknown>;
  /** An endless source (a market) or a finite one (a replay) that ends on its own. */
  finite: boolean;
  /** Ticks the stand-in serves (at least). */
  minTicks: number;
}

// Two symbols, in order, with a repeated timestamp told apart by seq: identity must increase per symbol.
const fileLines = ['ts,symbol,price,size,seq', ...Array.from({ length: 6 }, (_, i) => `${new Date(T0 + Math.floor(i / 2) * 60_000).toISOString()},${i % 2 ? 'WTI' : 'BRENT'},${80 + i / 10},1,${i % 2}`)];

let http: Server;
let yahooUrl: string;
let wss: WebSocketServer;
let wsUrl: string;

beforeAll(async () => {
  writeFileSync(join(dir, 'ticks.csv'), fileLines.join('\n') + '\n');
  const ndjson = fileLines.slice(1).map((l) => {
    const [ts, symbol, price, size, seq] = l.split(',');
    return JSON.stringify({ ts, symbol, price: Number(price), size: Number(size), seq: Number(seq) });
  });
  writeFileSync(join(dir, 'ticks.ndjson'), ndjson.join('\n') + '\n');

  // Yahoo's /v8/finance/chart in its own format: ten one-minute bars of BZ=F.
  const closes = Array.from({ length: 10 }, (_, i) => 80 + i / 10);
  const body = JSON.stringify({
    chart: {
      result: [
        {
          meta: { currency: 'USD', symbol: 'BZ=F', exchangeName: 'NYM', instrumentType: 'FUTURE', regularMarketTime: T0 / 1000 + 600, gmtoffset: -14400, timezone: 'EDT', dataGranularity: '1m', range: '1d' },
          timestamp: closes.map((_, i) => T0 / 1000 + i * 60),
          indicators: { quote: [{ open: closes, high: closes, low: closes, close: closes, volume: closes.map(() => 10) }] },
        },
      ],
      error: null,
    },
  });
  // `connection: close`: fetch's keep-alive pool would otherwise hold a socket open after stop, hiding a real leak among it.
  http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(body));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  yahooUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  // A JSON tick feed: a burst of ticks on every connect.
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/feed`;
  wss.on('connection', (socket) => {
    socket.send(JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ ts: T0 + i * 1000, price: 80 + i / 10, symbol: 'BRENT', seq: 0 }))));
  });
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
  rmSync(dir, { recursive: true, force: true });
});

// The stand-ins' URLs are known only once they listen, so each entry is built inside its test.
const standIns: Record<string, (() => StandIn)[]> = {
  csv: [() => ({ entry: { kind: 'csv', path: join(dir, 'ticks.csv') }, finite: true, minTicks: 6 })],
  ndjson: [() => ({ entry: { kind: 'ndjson', path: join(dir, 'ticks.ndjson') }, finite: true, minTicks: 6 })],
  simulator: [
    () => ({ entry: { kind: 'simulator', seed: 7, start: new Date(T0).toISOString(), count: 25 }, finite: true, minTicks: 25 }),
    () => ({ entry: { kind: 'simulator', seed: 7, live: true, intervalSec: 0.005 }, finite: false, minTicks: 5 }),
  ],
  yahoo: [() => ({ entry: { kind: 'yahoo', baseUrl: yahooUrl, pollIntervalSec: 0.01, allowPrivate: ['127.0.0.1'] }, finite: false, minTicks: 9 })],
  websocket: [() => ({ entry: { kind: 'websocket', url: wsUrl }, finite: false, minTicks: 5 })],
};

/** Handles a source could leak: timers, sockets, file reads. */
function openHandles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (r !== 'TTYWrap' && r !== 'PipeWrap') out[r] = (out[r] ?? 0) + 1;
  return out;
}
const noMoreThan = (now: Record<string, number>, before: Record<string, number>) => Object.entries(now).every(([k, n]) => n <= (before[k] ?? 0));

describe('every registered price source', () => {
  it('has a stand-in in this suite', () => {
    expect(PRICE_SOURCES.map((c) => c.kind).filter((k) => !standIns[k])).toEqual([]);
  });

  it.each(PRICE_SOURCES.flatMap((c) => (standIns[c.kind] ?? []).map((_, i) => [c.kind, i] as const)))('%s (stand-in %i) emits valid prices.ticks/v1 in identity order, reports its status and stops cleanly', async (kind, i) => {
    const standIn = standIns[kind][i]();
    const bus = new MemoryBus();
    const raw: unknown[] = [];
    const sub = await bus.subscribe({ groupId: randomName('conformance'), topics: [TOPICS.pricesTicks], handler: async (batch) => void raw.push(...batch.map((m) => JSON.parse(m.value.toString()))) });
    const before = openHandles();
    const config = ingestPricesConfigSchema.parse({ sources: [standIn.entry], batchSize: 4 });
    const svc = await start({ bus, store: noStore, config, logger: silentLogger, clock: new ManualClock(NOW), metrics: new Registry() }, { quarantine: { save: async () => {} } });
    expect(svc.sources).toHaveLength(1);

    if (standIn.finite) await svc.idle!();
    await waitFor(() => raw.length >= standIn.minTicks && svc.stats().published >= standIn.minTicks, { message: () => `${standIn.minTicks} ticks from ${kind}, got ${raw.length}` });
    await svc.stop();
    const published = svc.stats().published;
    await waitFor(() => raw.length === published, { message: () => `${published} published ticks on the bus, got ${raw.length}` });

    // Valid contract events, nothing more: a strict parse refuses an extra field.
    const ticks: PriceTick[] = raw.map((r) => priceTickV1.strict().parse(r));
    expect(ticks.every((t) => t.source === config.sources[0].source)).toBe(true);
    // Per symbol, (ts, seq) strictly increases: no tick repeated, none out of order.
    const last = new Map<string, [number, number]>();
    for (const t of ticks) {
      const ts = Date.parse(t.ts);
      const prev = last.get(t.symbol);
      if (prev) expect(ts > prev[0] || (ts === prev[0] && t.seq > prev[1]), `${t.symbol} ${t.ts}#${t.seq} after ${new Date(prev[0]).toISOString()}#${prev[1]}`).toBe(true);
      last.set(t.symbol, [ts, t.seq]);
    }
    expect(svc.stats().failures).toEqual([]);

    // Its status: named, published what the bus got, and reached its market (or finished its replay).
    const [status] = svc.status();
    expect(status).toMatchObject({ name: svc.sources[0].name, source: config.sources[0].source, published, state: standIn.finite ? 'finished' : 'ok', lastError: null, consecutiveFailures: 0 });
    expect(status.lastTickTs).toBe(Math.max(...ticks.map((t) => Date.parse(t.ts))));
    if (svc.sources[0].health) expect(status.lastOkAt).not.toBeNull();

    // Stopped: nothing more is published, and no timer, socket or file handle it opened is left.
    await sub.close();
    await bus.close();
    await waitFor(() => noMoreThan(openHandles(), before), { message: () => `handles back to ${JSON.stringify(before)}, now ${JSON.stringify(openHandles())}` });
    expect(svc.stats().published).toBe(published);
  });
});
