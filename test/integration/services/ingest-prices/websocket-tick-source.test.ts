import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { subscribeEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, priceTickV1, type PriceTick } from '../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ingestPricesConfigSchema } from '../../../../services/ingest-prices/config.ts';
import { start } from '../../../../services/ingest-prices/main.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

let wss: WebSocketServer;
let url: string;
const clients: WebSocket[] = [];
const received: string[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/feed`;
  wss.on('connection', (socket) => {
    clients.push(socket);
    socket.on('message', (m) => received.push(m.toString()));
  });
});
afterAll(async () => {
  for (const c of clients) c.terminate();
  await new Promise((r) => wss.close(r));
});

describe('WebSocket JSON tick source against a local server', () => {
  it('subscribes, maps ticks by configured paths, skips heartbeats, reconnects, and drops ticks repeated after the reconnect', async () => {
    const bus = new MemoryBus();
    const got: PriceTick[] = [];
    await subscribeEvents(bus, { groupId: randomName('ws'), topic: TOPICS.pricesTicks, schema: priceTickV1, handler: async (events) => void got.push(...events.map((e) => e.event)) });
    const config = ingestPricesConfigSchema.parse({
      sources: [
        {
          kind: 'websocket',
          url,
          subscribe: [{ op: 'subscribe', channel: 'brent' }],
          messagePath: 'data',
          fields: { ts: 't', price: 'px.last', symbol: 'sym', size: 'qty', seq: 'n' },
          reconnectMinMs: 10,
          reconnectMaxMs: 50,
          source: 'exchange-ws',
        },
      ],
    });
    const svc = await start({ bus, store: {} as Store, config, logger: silentLogger, clock: new ManualClock(Date.parse('2026-06-01T12:00:00Z')), metrics: new Registry() });
    const ws = svc.sources[0] as unknown as { connects: number };

    await waitFor(() => clients.length === 1 && received.length === 1, { message: 'connected and subscribed' });
    expect(JSON.parse(received[0])).toEqual({ op: 'subscribe', channel: 'brent' });
    clients[0].send(JSON.stringify({ type: 'heartbeat' }));
    clients[0].send(
      JSON.stringify({
        data: [
          { t: 1780308000000, px: { last: 80.1 }, sym: 'BRENT', qty: 3, n: 1 },
          { t: '2026-06-01T10:00:01Z', px: { last: '80.15' }, qty: null, n: 2 },
        ],
      }),
    );
    clients[0].send(JSON.stringify({ data: { t: 1780308002, px: { last: 80.2 }, sym: 'WTI', n: 1 } }));
    await waitFor(() => got.length === 3, { message: '3 ticks' });

    // The feed drops the connection; the source comes back and the feed repeats its last tick.
    clients[0].terminate();
    await waitFor(() => clients.length === 2 && received.length === 2 && ws.connects === 2, { message: 'reconnected and subscribed again' });
    clients[1].send(JSON.stringify({ data: [{ t: '2026-06-01T10:00:01Z', px: { last: 80.15 }, n: 2 }, { t: '2026-06-01T10:00:03Z', px: { last: 80.25 }, n: 3 }] }));
    await waitFor(() => got.length === 4 && (svc.stats().rejected.duplicate ?? 0) === 1, { message: 'the repeated tick dropped, the new one published' });

    expect(got.map((t) => [t.symbol, t.ts, t.price, t.size, t.seq, t.source])).toEqual([
      ['BRENT', '2026-06-01T10:00:00.000Z', 80.1, 3, 1, 'exchange-ws'],
      ['BRENT', '2026-06-01T10:00:01.000Z', 80.15, null, 2, 'exchange-ws'],
      ['WTI', '2026-06-01T10:00:02.000Z', 80.2, null, 1, 'exchange-ws'],
      ['BRENT', '2026-06-01T10:00:03.000Z', 80.25, null, 3, 'exchange-ws'],
    ]);
    expect(svc.stats().rejected.no_price).toBe(1);
    await svc.stop();
    await bus.close();
  });
});
