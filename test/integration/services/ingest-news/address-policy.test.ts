/**
 * Every hop of a feed fetch goes through the address policy: a feed (or a redirect) that
 * points at loopback, link-local or another non-public address is refused before any
 * connection is made, and the refused listener sees nothing. The feed server itself is on
 * 127.0.0.1, allowed here by `allowPrivate` the way an operator would allow an intranet feed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpFeedFetcher } from '../../../../services/ingest-news/adapters/http-feed-fetcher.ts';
import { FeedServer, fixtureFeed } from './helpers/feed-server.ts';

const server = new FeedServer();
/** A second listener on another loopback address (127.0.0.2): the target a hostile redirect aims at. */
let victim: Server;
let victimPort = 0;
let victimConnections = 0;
const fetchers: HttpFeedFetcher[] = [];
const fetcher = (allowPrivate: string[]) => {
  const f = new HttpFeedFetcher({ timeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 5, userAgent: 'oilwire-test/1', allowPrivate });
  fetchers.push(f);
  return f;
};

beforeAll(async () => {
  await server.start();
  victim = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixtureFeed('wire-v1.xml')));
  victim.on('connection', () => victimConnections++);
  await new Promise<void>((resolve) => victim.listen(0, '127.0.0.2', resolve));
  victimPort = (victim.address() as AddressInfo).port;
  server.route('/feed', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(fixtureFeed('wire-v1.xml')));
});
afterAll(async () => {
  for (const f of fetchers) await f.close();
  await server.close();
  await new Promise<void>((resolve) => victim.close(() => resolve()));
});

describe('feed fetches and the address policy', () => {
  it('fetches an allowed local feed, and the victim listener answers when it is allowed too', async () => {
    expect((await fetcher(['127.0.0.1']).fetch({ url: `${server.url}/feed` })).status).toBe(200);
    const before = victimConnections;
    expect((await fetcher(['127.0.0.0/8']).fetch({ url: `http://127.0.0.2:${victimPort}/` })).status).toBe(200);
    // The listener is reachable: its silence in the tests below is the policy's doing.
    expect(victimConnections).toBe(before + 1);
  });

  it('refuses a loopback feed by default, by literal address and by name, without connecting', async () => {
    const f = fetcher([]);
    const before = server.requests.length;
    await expect(f.fetch({ url: `${server.url}/feed` })).rejects.toMatchObject({ code: 'FEED_FETCH_FAILED', retryable: false, details: { reason: 'address_refused' } });
    const port = new URL(server.url).port;
    await expect(f.fetch({ url: `http://localhost:${port}/feed` })).rejects.toMatchObject({ details: { reason: 'address_refused' } });
    await expect(f.fetch({ url: `http://[::ffff:127.0.0.1]:${port}/feed` })).rejects.toMatchObject({ details: { reason: 'address_refused' } });
    expect(server.requests.length).toBe(before);
  });

  const targets = () => [
    `http://127.0.0.2:${victimPort}/`,
    `http://[::ffff:127.0.0.2]:${victimPort}/`,
    `http://[::ffff:7f00:2]:${victimPort}/`,
    `http://0x7f000002:${victimPort}/`,
    `http://2130706434:${victimPort}/`,
    `http://127.2:${victimPort}/`,
    `http://[64:ff9b::7f00:2]:${victimPort}/`,
    `http://[2002:7f00:2::]:${victimPort}/`,
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/',
    'http://[::1]/',
    'http://0.0.0.0/',
    'http://10.0.0.1/',
    'http://100.64.0.1/',
  ];

  it('refuses every redirect hop to loopback, link-local, private or CGNAT addresses, in any spelling', async () => {
    const f = fetcher(['127.0.0.1']);
    const before = victimConnections;
    for (const [i, target] of targets().entries()) {
      server.route(`/hop-${i}`, (_req, res) => res.writeHead(302, { location: target }).end());
      const err = await f.fetch({ url: `${server.url}/hop-${i}` }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, target).toMatchObject({ code: 'FEED_FETCH_FAILED', details: { reason: 'address_refused' } });
    }
    expect(victimConnections).toBe(before);
  });

  it('refuses a refused address reached after several allowed hops', async () => {
    server.route('/a', (_req, res) => res.writeHead(301, { location: '/b' }).end());
    server.route('/b', (_req, res) => res.writeHead(307, { location: `http://127.0.0.2:${victimPort}/` }).end());
    const before = victimConnections;
    await expect(fetcher(['127.0.0.1']).fetch({ url: `${server.url}/a` })).rejects.toMatchObject({ details: { reason: 'address_refused' } });
    expect(victimConnections).toBe(before);
  });

  it('keeps keys in the feed URL out of the error message', async () => {
    const err = (await fetcher([])
      .fetch({ url: `http://user:hunter2@127.0.0.1:${new URL(server.url).port}/feed?apikey=s3cr3t&cat=oil` })
      .catch((e: unknown) => e)) as Error;
    expect(err.message, err.message).toContain('cat=oil');
    expect(err.message).not.toMatch(/hunter2|s3cr3t/);
  });
});
