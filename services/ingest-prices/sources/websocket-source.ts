import { z } from 'zod';
import { WebSocketTickSource } from '../adapters/websocket-tick-source.ts';
import type { SourceHealth } from '../ports.ts';
import { defineSource } from './define.ts';

export const websocketSource = defineSource({
  kind: 'websocket',
  schema: z.strictObject({
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
  }),
  create: (src, deps) => {
    // The socket reports through callbacks; they keep its health for the status panel.
    const health: SourceHealth = { live: true, note: 'real time, as licensed by its provider', endpoint: src.url.replace(/[?#].*$/, ''), lastAttemptAt: null, lastOkAt: null, lastError: null, consecutiveFailures: 0 };
    return Object.assign(
      new WebSocketTickSource({
        url: src.url,
        symbol: src.symbol,
        subscribe: src.subscribe,
        messagePath: src.messagePath,
        fields: src.fields,
        headers: src.headers,
        batchSize: deps.batchSize,
        reconnectMinMs: src.reconnectMinMs,
        reconnectMaxMs: src.reconnectMaxMs,
        maxQueued: src.maxQueued,
        onError: (err) => {
          Object.assign(health, { lastAttemptAt: deps.now(), lastError: err.message, consecutiveFailures: health.consecutiveFailures + 1 });
          deps.log.warn({ source: src.source, err: err.message }, 'websocket price feed error');
        },
        onConnect: (n) => {
          Object.assign(health, { lastAttemptAt: deps.now(), lastOkAt: deps.now(), lastError: null, consecutiveFailures: 0 });
          deps.log.info({ source: src.source, url: src.url, connects: n }, 'websocket price feed connected');
        },
      }),
      { source: src.source, speed: 0, health: () => ({ ...health }) },
    );
  },
});
