/** `api.stream.maxPerClient`: one token (one address without tokens) cannot hold every stream socket. */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { start, type ApiService } from '../../../../services/api/main.ts';
import { dropTestStore, openSse, openTestStore } from './helpers.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const A = 'analyst-a-0123456789';
const B = 'analyst-b-0123456789';
let store: Store;
let bus: MemoryBus;
let api: ApiService;
const streams: ReturnType<typeof openSse>[] = [];
const open = (token: string) => {
  const s = openSse(`${api.url}/stream`, { authorization: `Bearer ${token}` });
  streams.push(s);
  return s;
};

beforeAll(async () => {
  store = await openTestStore();
  bus = new MemoryBus();
  const config = apiConfigSchema.parse({ port: 0, tokens: [{ name: 'a', token: A }, { name: 'b', token: B }], stream: { maxPerClient: 2, retryMs: 2500 }, alerts: { enabled: false } });
  api = await start({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() });
});

afterAll(async () => {
  for (const s of streams) s.close();
  await api?.stop();
  await bus?.close();
  await dropTestStore(store);
});

describe('streams per token', () => {
  it('refuses a stream past the cap with 429 and Retry-After, per token, and frees the slot when one closes', async () => {
    const [a1, a2] = [open(A), open(A)];
    expect([await a1.status, await a2.status]).toEqual([200, 200]);
    const res = await fetch(`${api.url}/stream`, { headers: { authorization: `Bearer ${A}` } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toMatchObject({ error: 'RATE_LIMITED', message: /token a already holds 2 streams/ });
    // Another token has its own allowance.
    expect(await open(B).status).toBe(200);
    a1.close();
    await waitFor(async () => {
      const again = open(A);
      const status = await again.status;
      if (status !== 200) again.close();
      return status === 200;
    }, { message: () => 'a slot of token a was not freed' });
  });
});
