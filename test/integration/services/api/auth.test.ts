import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { buildApp } from '../../../../services/api/app.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { start } from '../../../../services/api/main.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

const DESK = 'desk-token-0123456789';
const BOT = 'bot-token-0123456789ab';
const OPS = 'ops-token-0123456789ab';

let store: Store;
let app: FastifyInstance;
const clock = new ManualClock(1_000_000);

beforeAll(async () => {
  store = await openTestStore();
  const config = apiConfigSchema.parse({ tokens: [{ name: 'desk', token: DESK }, BOT, { name: 'ops', token: OPS, role: 'admin' }], rateLimit: { perMinute: 60, burst: 3 } });
  app = await buildApp({ store, config, logger: silentLogger, clock, registry: new Registry() });
});

afterAll(async () => {
  await app?.close();
  await dropTestStore(store);
});

const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
const query = (token?: string) => app.inject({ method: 'POST', url: '/sql', headers: { 'content-type': 'application/sql', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: 'SELECT 1' });

describe('bearer tokens', () => {
  it('refuses a request without a token with 401 and a challenge', async () => {
    const res = await query();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ error: 'AUTH_REQUIRED' });
  });

  it('refuses a wrong or malformed token with 403', async () => {
    expect((await query('not-a-token-at-all-xx')).statusCode).toBe(403);
    expect((await query(DESK + 'x')).statusCode).toBe(403);
    const basic = await app.inject({ method: 'POST', url: '/sql', headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}`, 'content-type': 'application/sql' }, payload: 'SELECT 1' });
    expect(basic.statusCode).toBe(403);
  });

  it('accepts every configured token, named or not', async () => {
    expect((await query(DESK)).statusCode).toBe(200);
    expect((await query(BOT)).statusCode).toBe(200);
  });

  it('guards the data endpoints, the stream and metrics, not the probes or the dashboard page', async () => {
    for (const url of ['/stream', '/metrics', '/api/meta', '/api/prices', '/api/headlines', '/api/topics', '/api/alerts', '/webhooks']) {
      expect((await get(url)).statusCode, url).toBe(401);
    }
    for (const url of ['/healthz', '/readyz', '/', '/static/dashboard.js', '/static/dashboard.css']) {
      expect((await get(url)).statusCode, url).toBe(200);
    }
    expect((await get('/metrics', BOT)).statusCode).toBe(200);
  });
});

describe('token roles', () => {
  const post = (url: string, token?: string) => app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: '{}' });

  it('keeps webhook administration to admin tokens; read tokens get 403 FORBIDDEN', async () => {
    clock.advance(3_600_000);
    for (const token of [DESK, BOT]) {
      const listed = await get('/webhooks', token);
      expect(listed.statusCode).toBe(403);
      expect(listed.json()).toMatchObject({ error: 'FORBIDDEN' });
      expect(listed.json().message).toMatch(/needs an admin token/);
      expect((await post('/webhooks/desk/enable', token)).json()).toMatchObject({ error: 'FORBIDDEN' });
    }
    // Past the role check: this app runs no alerts, which is the next answer.
    expect((await get('/webhooks', OPS)).json()).toMatchObject({ error: 'NOT_FOUND', message: /alerts are not running/ });
    expect((await post('/webhooks/desk/enable', OPS)).json()).toMatchObject({ error: 'NOT_FOUND', message: /alerts are not running/ });
  });

  it('lets read tokens do everything else', async () => {
    // The burst is 3: the clock moves on between requests so the rate limit stays out of this.
    for (const url of ['/api/meta', '/api/alerts', '/metrics']) {
      clock.advance(3_600_000);
      expect((await get(url, DESK)).statusCode, url).toBe(200);
    }
    clock.advance(3_600_000);
    expect((await query(DESK)).statusCode).toBe(200);
  });

  it('serves /metrics without a token only with publicMetrics', async () => {
    const open = await buildApp({ store, config: apiConfigSchema.parse({ tokens: [DESK], publicMetrics: true }), logger: silentLogger, clock, registry: new Registry() });
    try {
      expect((await open.inject({ url: '/metrics' })).statusCode).toBe(200);
      expect((await open.inject({ url: '/api/meta' })).statusCode).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('decides public routes on the route the router matched, not on the text of the path', async () => {
    for (const url of ['/static/../api/meta', '/static/..%2fapi%2fmeta', '/healthz/../webhooks', '//api/meta', '/API/META', '/index.html/../webhooks', '/static/%2e%2e/webhooks']) {
      const res = await get(url);
      expect([401, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toMatch(/"endpoints"|"windowHours"/);
    }
  });
});

describe('rate limit per token', () => {
  it('allows the burst, then 429 with Retry-After, per token, and recovers with time', async () => {
    clock.advance(3_600_000);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await query(DESK)).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await query(DESK);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED', retryable: true });
    expect(limited.json().message).toMatch(/token desk/);
    // Another token has its own bucket.
    expect((await query(BOT)).statusCode).toBe(200);
    clock.advance(1000);
    const after = await query(DESK);
    expect(after.statusCode).toBe(200);
    expect(after.headers['ratelimit-limit']).toBe('3');
  });
});

describe('binding', () => {
  it('refuses to listen beyond loopback without tokens', async () => {
    const config = apiConfigSchema.parse({ host: '0.0.0.0', port: 0 });
    await expect(start({ bus: new MemoryBus(), store, config, logger: silentLogger, clock, metrics: new Registry() })).rejects.toThrow(/no api.tokens are configured/);
  });
});

describe('unauthenticated clients', () => {
  it('rate limits failed attempts per client address (20 at once, then 30 a minute)', async () => {
    clock.advance(3_600_000);
    const codes = [];
    for (let i = 0; i < 21; i++) codes.push((await query('guessing-token-000000' + i)).statusCode);
    expect(codes).toEqual([...Array(20).fill(403), 429]);
    expect((await query()).statusCode).toBe(429);
    // A valid token is not held back by someone else's guessing.
    expect((await query(BOT)).statusCode).toBe(200);
  });
});
