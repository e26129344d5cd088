/**
 * The browser defences of routes/host-origin-guard.ts, one rule at a time, through
 * `inject` and through a real listening socket (Host with the real port). A refused
 * request never reaches the SQL route: its counter does not move.
 */
import http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { buildApp } from '../../../../services/api/app.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { dropTestStore, openTestStore } from './helpers.ts';

let store: Store;
let app: FastifyInstance;
const registry = new Registry();

beforeAll(async () => {
  store = await openTestStore();
  const config = apiConfigSchema.parse({ publicHosts: ['oilwire.example.com', 'proxy.example.com:8443'], allowedOrigins: ['https://desk.example.com'] });
  app = await buildApp({ store, config, logger: silentLogger, registry });
});

afterAll(async () => {
  await app?.close();
  await dropTestStore(store);
});

/** Queries the SQL route ran (refused or not): a request the guard stopped adds nothing. */
const sqlHandled = async () => (await registry.getSingleMetric('oilwire_api_sql_queries_total')!.get()).values.reduce((n, v) => n + v.value, 0);
const sql = (headers: Record<string, string>, payload = 'SELECT 1') => app.inject({ method: 'POST', url: '/sql', headers, payload });

describe('Host', () => {
  it('answers to the loopback names with the port the request came to', async () => {
    for (const host of ['localhost:80', '127.0.0.1:80', '[::1]:80', 'localhost', 'LocalHost:80']) {
      expect((await app.inject({ url: '/healthz', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('answers to the configured public names, exactly as configured', async () => {
    expect((await app.inject({ url: '/healthz', headers: { host: 'oilwire.example.com' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz', headers: { host: 'proxy.example.com:8443' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz', headers: { host: 'proxy.example.com' } })).statusCode).toBe(421);
  });

  it('refuses any other Host (DNS rebinding) on every route, unknown ones included, with 421 HOST_REFUSED', async () => {
    const before = await sqlHandled();
    for (const host of ['evil.example', 'evil.example:80', 'localhost:8787', 'localhost.:80', '127.0.0.1.nip.io:80', '127.1:80', 'oilwire.example.com.evil.example', 'localhost:80, evil.example']) {
      for (const url of ['/healthz', '/', '/api/meta', '/no-such-route']) {
        const res = await app.inject({ url, headers: { host } });
        expect(res.statusCode, `${host} ${url}`).toBe(421);
        expect(res.json()).toMatchObject({ error: 'HOST_REFUSED' });
      }
      expect((await sql({ host, 'content-type': 'application/json' }, '{"query":"SELECT 1"}')).statusCode).toBe(421);
    }
    expect(await sqlHandled()).toBe(before);
  });

  it('checks the real port of a listening server', async () => {
    const live = await buildApp({ store, config: apiConfigSchema.parse({}), logger: silentLogger, registry: new Registry() });
    await live.listen({ host: '127.0.0.1', port: 0 });
    const port = (live.server.address() as AddressInfo).port;
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/healthz', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    try {
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status(`localhost:${port}`)).toBe(200);
      expect(await status(`localhost:${port + 1}`)).toBe(421);
      expect(await status('localhost')).toBe(421);
      expect(await status(`evil.example:${port}`)).toBe(421);
      // HTTP/1.0 may leave Host out: no name, no answer.
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end('GET /healthz HTTP/1.0\r\n\r\n'));
        let text = '';
        socket.on('data', (d) => (text += d.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.[01] 421/);
    } finally {
      await live.close();
    }
  });
});

describe('Origin', () => {
  it('accepts the API’s own origin and requests without one', async () => {
    expect((await sql({ 'content-type': 'application/sql', origin: 'http://localhost' })).statusCode).toBe(200);
    expect((await sql({ 'content-type': 'application/sql', origin: 'http://localhost:80' })).statusCode).toBe(200);
    expect((await sql({ 'content-type': 'application/sql' })).statusCode).toBe(200);
  });

  it('refuses other origins with 403 ORIGIN_REFUSED and no CORS headers', async () => {
    const before = await sqlHandled();
    for (const origin of ['http://evil.example', 'null', 'http://localhost:3000', 'https://localhost', 'http://127.0.0.1', 'file://', 'chrome-extension://abc', 'https://desk.example.com.evil.example']) {
      const res = await sql({ 'content-type': 'application/json', origin }, '{"query":"SELECT 1"}');
      expect(res.statusCode, origin).toBe(403);
      expect(res.json()).toMatchObject({ error: 'ORIGIN_REFUSED' });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(await sqlHandled()).toBe(before);
  });

  it('answers a preflight only for a configured origin, naming that origin', async () => {
    const preflight = (origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/sql', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const ok = await preflight('https://desk.example.com');
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://desk.example.com');
    expect(ok.headers['access-control-allow-headers']).toMatch(/content-type/);
    expect(ok.headers.vary).toMatch(/Origin/);
    const refused = await preflight('http://evil.example');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    // No origin, no CORS: an OPTIONS is just an unknown route.
    const bare = await app.inject({ method: 'OPTIONS', url: '/sql' });
    expect(bare.statusCode).toBe(404);
    expect(bare.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a configured origin call the API and read the answer', async () => {
    const res = await sql({ 'content-type': 'application/sql', origin: 'https://desk.example.com' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://desk.example.com');
  });

  it('refuses cross-site subresource requests without an Origin, but not a navigation to the dashboard', async () => {
    const img = await app.inject({ url: '/api/meta', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' } });
    expect(img.statusCode).toBe(403);
    expect((await app.inject({ url: '/stream', headers: { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/meta', headers: { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' } })).statusCode).toBe(200);
  });
});

describe('body types a page can send without a preflight', () => {
  it('refuses text/plain, form and multipart bodies, and bodies without a type, with 415', async () => {
    const before = await sqlHandled();
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'TEXT/PLAIN', ' text/plain ;x=y', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const res = await sql(type ? { 'content-type': type } : {}, 'SELECT 1');
      expect(res.statusCode, type).toBe(415);
      expect(res.json()).toMatchObject({ error: 'MEDIA_TYPE_UNSUPPORTED' });
    }
    const enable = await app.inject({ method: 'POST', url: '/webhooks/x/enable' });
    expect(enable.statusCode).toBe(415);
    expect(await sqlHandled()).toBe(before);
  });

  it('takes JSON, application/sql, or any body with the X-Oilwire-Client header', async () => {
    expect((await sql({ 'content-type': 'application/json' }, JSON.stringify({ query: 'SELECT 1' }))).statusCode).toBe(200);
    expect((await sql({ 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ query: 'SELECT 1' }))).statusCode).toBe(200);
    expect((await sql({ 'content-type': 'application/sql' })).statusCode).toBe(200);
    expect((await sql({ 'content-type': 'application/x-www-form-urlencoded', 'x-oilwire-client': 'curl' })).statusCode).toBe(200);
    // A bodiless POST (curl -X POST -H 'x-oilwire-client: curl'): past the guard, to the route (no alerts run here).
    const enable = await app.inject({ method: 'POST', url: '/webhooks/x/enable', headers: { 'x-oilwire-client': 'curl' } });
    expect(enable.json()).toMatchObject({ error: 'NOT_FOUND', message: /alerts are not running/ });
  });
});
