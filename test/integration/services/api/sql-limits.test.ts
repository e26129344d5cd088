/**
 * Analyst limits on the real engine: a per-query memory cap that stops a huge query with a
 * clear error while the pipeline keeps writing, and a bounded per-token queue that answers
 * 429 with Retry-After instead of letting one token lock the others out.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/api/app.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';
let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openTestStore();
  const config = apiConfigSchema.parse({
    tokens: [
      { name: 'alice', token: ALICE },
      { name: 'bob', token: BOB },
    ],
    rateLimit: { perMinute: 100_000, burst: 10_000 },
    sql: { connections: 2, perTokenRunning: 1, perTokenQueued: 2, maxWaiting: 8, maxExecutionTimeSec: 5, maxMemoryBytes: 100_000_000, externalGroupByBytes: 0, externalSortBytes: 0 },
  });
  app = await buildApp({ store, config, logger: silentLogger });
});

afterAll(async () => {
  await app?.close();
  if (store) await dropTestStore(store);
});

const post = (token: string, query: string) =>
  app.inject({ method: 'POST', url: '/sql?format=jsonl', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: JSON.stringify({ query }) });

describe('analyst memory limit', () => {
  it('stops a query past sql.maxMemoryBytes with 422 while the pipeline keeps writing', async () => {
    const hog = 'SELECT length(groupArray(number)) AS n FROM numbers(100000000)';
    const analysts = Promise.all([post(ALICE, hog), post(ALICE, hog), post(BOB, hog), post(BOB, hog)]);
    let written = 0;
    for (let i = 0; i < 30; i++) {
      await store.insert(store.table('ticks_store'), [{ symbol: 'BRENT', ts: new Date(Date.UTC(2026, 0, 5, 10, i)).toISOString(), seq: i, price: 80 + i / 100, source: 'limits-test' }]);
      written++;
    }
    for (const res of await analysts) {
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ error: 'SQL_LIMIT_EXCEEDED', details: { engine: 'MEMORY_LIMIT_EXCEEDED' } });
      expect(res.json().message).toMatch(/memory limit exceeded/i);
    }
    const [row] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${store.table('ticks')} WHERE source = 'limits-test'`);
    expect(Number(row.n)).toBe(written);
    expect((await post(ALICE, 'SELECT count() AS n FROM ticks')).body).toBe('{"n":30}\n');
  });
});

describe('analyst queue', () => {
  it('answers 429 with Retry-After past a token\'s queued limit, and serves another token meanwhile', async () => {
    const finished: string[] = [];
    const track = (label: string, p: ReturnType<typeof post>) => p.then((res) => (finished.push(label), res));
    const slow = 'SELECT sleep(1) AS s';
    const [a1, a2, a3, b1] = await Promise.all([track('a1', post(ALICE, slow)), track('a2', post(ALICE, slow)), track('a3', post(ALICE, slow)), track('b1', post(BOB, 'SELECT 1 AS x'))]);
    expect(a1.statusCode).toBe(200);
    expect(a2.statusCode).toBe(200);
    expect(a3.statusCode).toBe(429);
    expect(a3.headers['retry-after']).toBe('5');
    expect(a3.json()).toMatchObject({ error: 'RATE_LIMITED', retryable: true, message: expect.stringMatching(/2 queries of this token are already running or waiting/) });
    expect(b1.body).toBe('{"x":1}\n');
    // Bob's query did not wait behind Alice's: it ran on the other connection while her second one waited for her first.
    expect(finished.indexOf('b1')).toBeLessThan(finished.indexOf('a2'));
  });
});
