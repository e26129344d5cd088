import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpWebhookSender } from '../../../../../services/api/adapters/http-webhook-sender.ts';
import { AddressPolicy } from '../../../../../shared/net/address-policy.ts';

type Answer = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;
let answer: Answer = (_req, res) => void res.writeHead(204).end();
let server: http.Server;
let base: string;
const sender = new HttpWebhookSender(new AddressPolicy(['127.0.0.1']), 'oilwire-test/1', 2);

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sender.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const send = (path = '/hook?x=1', headers: Record<string, string> = { 'webhook-id': 'msg_1' }) => sender.send({ url: base + path, headers, body: '{"type":"alert.headline"}', timeoutMs: 5000 });

describe('HttpWebhookSender', () => {
  it('posts the body with its headers to the path and query, and answers with the status', async () => {
    let seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    answer = (req, res, body) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      res.writeHead(204).end();
    };
    expect(await send()).toEqual({ status: 204, retryAfter: undefined, body: '' });
    expect(seen).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"type":"alert.headline"}' });
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'oilwire-test/1', 'webhook-id': 'msg_1' });
  });

  it('reads Retry-After whatever its case, and keeps the start of a long body after reading it all', async () => {
    answer = (_req, res) => {
      res.writeHead(503, [['X-Other', 'a'], ['RETRY-AFTER', '120']]);
      res.end('é'.repeat(100_000));
    };
    const res = await send();
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('120');
    expect(res.body).toBe('é'.repeat(2000));
    // The connection was read to its end and is reused: the next answer is this one's successor, not a leftover.
    answer = (_req, res) => void res.writeHead(200).end('ok');
    expect(await send()).toEqual({ status: 200, retryAfter: undefined, body: 'ok' });
  });

  it('takes the final answer, not an informational one before it', async () => {
    answer = (_req, res) => {
      // Headers of an informational answer say nothing about the final one.
      res.writeEarlyHints({ link: '</style.css>; rel=preload', 'retry-after': '999' }, () => res.writeHead(202).end('accepted'));
    };
    expect(await send()).toEqual({ status: 202, retryAfter: undefined, body: 'accepted' });
  });

  it('fails with WEBHOOK_DELIVERY_FAILED when the answer breaks off, and when nobody listens', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.socket?.destroy());
    };
    await expect(send()).rejects.toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED', message: expect.stringMatching(/^response: /) });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(sender.send({ url: `http://127.0.0.1:${port}/hook`, headers: {}, body: '{}', timeoutMs: 5000 })).rejects.toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED' });
  });

  it('refuses a target the address policy refuses, and what is not http(s), before any request', async () => {
    let requests = 0;
    answer = (_req, res) => void (requests++, res.writeHead(204).end());
    const strict = new HttpWebhookSender(new AddressPolicy([]));
    try {
      await expect(strict.send({ url: base + '/hook', headers: {}, body: '{}', timeoutMs: 5000 })).rejects.toMatchObject({ code: 'WEBHOOK_ADDRESS_REFUSED' });
      await expect(strict.send({ url: `http://localhost:${new URL(base).port}/hook`, headers: {}, body: '{}', timeoutMs: 5000 })).rejects.toMatchObject({ code: 'WEBHOOK_ADDRESS_REFUSED', message: expect.stringMatching(/localhost resolves to/) });
      await expect(strict.send({ url: 'file:///etc/passwd', headers: {}, body: '{}', timeoutMs: 5000 })).rejects.toMatchObject({ code: 'WEBHOOK_ADDRESS_REFUSED' });
    } finally {
      strict.close();
    }
    expect(requests).toBe(0);
  });
});
