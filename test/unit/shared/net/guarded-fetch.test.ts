/**
 * guardedFetch and its connector against local servers: a refused address is never connected to
 * (literal IPv4, bracketed IPv6, a name, a redirect hop), an allowed one answers as plain fetch
 * would, and the refusal comes out as the policy's own error rather than undici's `fetch failed`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, AddressRefusedError } from '../../../../shared/net/address-policy.ts';
import { addressRefusal, guardedConnector, guardedFetch, type GuardedFetch } from '../../../../shared/net/guarded-fetch.ts';

interface Local {
  server: Server;
  port: number;
  /** Connections the server accepted: a refusal must leave this at 0. */
  connections: number;
  requests: { method: string; url: string; header?: string; body: string }[];
}

async function listen(host: string, redirectTo?: () => string): Promise<Local> {
  const local: Local = { server: undefined as never, port: 0, connections: 0, requests: [] };
  local.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      local.requests.push({ method: req.method!, url: req.url!, header: req.headers['x-probe'] as string | undefined, body });
      if (redirectTo) res.writeHead(302, { location: redirectTo() }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from ${host}`);
    });
  });
  local.server.on('connection', () => local.connections++);
  await new Promise<void>((resolve) => local.server.listen(0, host, resolve));
  local.port = (local.server.address() as AddressInfo).port;
  return local;
}

let v4: Local;
let v6: Local;
let hop: Local;
const clients: GuardedFetch[] = [];
const client = (allowed: string[] = [], timeoutMs = 5000) => {
  const c = guardedFetch(new AddressPolicy(allowed, 'test.allowPrivate'), timeoutMs);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  v4 = await listen('127.0.0.1');
  v6 = await listen('::1');
  hop = await listen('127.0.0.1', () => `http://[::1]:${v6.port}/after-redirect`);
});
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all([v4, v6, hop].map((l) => new Promise((r) => l.server.close(r))));
});

/** The rejection of `p`, which must reject. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('resolved'),
    (err: unknown) => err,
  );
}

describe('guardedFetch', () => {
  it('refuses a literal loopback IPv4 address before connecting, with the policy error itself', async () => {
    const before = v4.connections;
    const err = await rejection(client().fetch(`http://127.0.0.1:${v4.port}/`));
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect((err as Error).message).toBe('127.0.0.1 is loopback; add it to test.allowPrivate to allow it');
    expect(v4.connections).toBe(before);
  });

  it('connects to an allowed address and answers as fetch does, passing method, headers and body on', async () => {
    const res = await client(['127.0.0.1']).fetch(`http://127.0.0.1:${v4.port}/path?q=1`, { method: 'POST', headers: { 'x-probe': 'yes' }, body: 'payload' });
    expect([res.status, await res.text()]).toEqual([200, 'hello from 127.0.0.1']);
    expect(v4.requests.at(-1)).toEqual({ method: 'POST', url: '/path?q=1', header: 'yes', body: 'payload' });
  });

  it('checks a bracketed IPv6 literal without its brackets', async () => {
    const before = v6.connections;
    const err = await rejection(client().fetch(`http://[::1]:${v6.port}/`));
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect((err as Error).message).toMatch(/^::1 is loopback; add it to test\.allowPrivate/);
    expect(v6.connections).toBe(before);
    const res = await client(['::1']).fetch(`http://[::1]:${v6.port}/`);
    expect(await res.text()).toBe('hello from ::1');
  });

  it('checks a name through the policy on its DNS answer, and connects when the answer is allowed', async () => {
    const before = v4.connections;
    const err = await rejection(client().fetch(`http://localhost:${v4.port}/`));
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect((err as Error).message).toMatch(/^localhost resolves to 127\.0\.0\.1 is loopback/);
    expect(v4.connections).toBe(before);
    const res = await client(['127.0.0.1']).fetch(`http://localhost:${v4.port}/`);
    expect(await res.text()).toBe('hello from 127.0.0.1');
  });

  it('checks every redirect hop: an allowed host that redirects to a refused one is refused there', async () => {
    const before = v6.connections;
    const err = await rejection(client(['127.0.0.1']).fetch(`http://127.0.0.1:${hop.port}/start`));
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect((err as Error).message).toMatch(/^::1 is loopback/);
    expect(hop.requests.at(-1)?.url).toBe('/start');
    expect(v6.connections).toBe(before);
    const res = await client(['127.0.0.1', '::1']).fetch(`http://127.0.0.1:${hop.port}/start`);
    expect(await res.text()).toBe('hello from ::1');
    expect(v6.requests.at(-1)?.url).toBe('/after-redirect');
  });

  it('rejects with undici\'s own error when the failure is not a refusal', async () => {
    const closed = await listen('127.0.0.1');
    const port = closed.port;
    await new Promise((r) => closed.server.close(r));
    const err = await rejection(client(['127.0.0.1']).fetch(`http://127.0.0.1:${port}/`));
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('fetch failed');
    expect(((err as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('closes its pooled connections: a fetch after close fails', async () => {
    // Not in `clients`: closed here, once (a second close rejects).
    const c = guardedFetch(new AddressPolicy(['127.0.0.1']), 5000);
    expect((await c.fetch(`http://127.0.0.1:${v4.port}/`)).status).toBe(200);
    await c.close();
    const err = await rejection(c.fetch(`http://127.0.0.1:${v4.port}/`));
    expect(err).toBeInstanceOf(TypeError);
    expect(((err as Error).cause as Error).name).toMatch(/^Client(Closed|Destroyed)Error$/);
  });
});

describe('guardedConnector', () => {
  // undici's client takes the brackets off an IPv6 host before it calls the connector; another caller may not.
  it('checks a bracketed IPv6 hostname handed to it directly, without the brackets', async () => {
    const before = v6.connections;
    const connect = guardedConnector(new AddressPolicy([], 'test.allowPrivate'), 5000);
    const err = await new Promise<Error | null>((resolve) =>
      connect({ hostname: '[::1]', host: `[::1]:${v6.port}`, protocol: 'http:', port: String(v6.port) } as never, (...args) => resolve(args[0])),
    );
    expect(err).toBeInstanceOf(AddressRefusedError);
    expect(err?.message).toBe('::1 is loopback; add it to test.allowPrivate to allow it');
    expect(v6.connections).toBe(before);
  });
});

describe('addressRefusal', () => {
  const refusal = new AddressRefusedError('10.0.0.1 is private');
  const wrapped = (depth: number): unknown => {
    let e: unknown = refusal;
    for (let i = 0; i < depth; i++) e = new Error(`wrap ${i}`, { cause: e });
    return e;
  };

  it('finds the refusal itself and up to four causes down, not deeper', () => {
    expect(addressRefusal(refusal)).toBe(refusal);
    expect(addressRefusal(wrapped(4))).toBe(refusal);
    expect(addressRefusal(wrapped(5))).toBeUndefined();
  });

  it('answers undefined for other errors, a short chain, and no error at all', () => {
    expect(addressRefusal(new Error('fetch failed', { cause: new Error('ECONNREFUSED') }))).toBeUndefined();
    expect(addressRefusal(new Error('alone'))).toBeUndefined();
    expect(addressRefusal(undefined)).toBeUndefined();
    expect(addressRefusal(null)).toBeUndefined();
  });
});
