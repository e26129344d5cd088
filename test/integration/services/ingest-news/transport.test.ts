import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { HttpFeedFetcher } from '../../../../services/ingest-news/adapters/http-feed-fetcher.ts';
import { FeedServer, conditional, fixtureFeed, fixturePath } from './helpers/feed-server.ts';
import { NewsCollector, startHarness, tempStateDir } from './helpers/harness.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const server = new FeedServer();
const dirs: string[] = [];
const stateDir = () => {
  const d = tempStateDir();
  dirs.push(d);
  return d;
};
const fetcher = (over: Partial<ConstructorParameters<typeof HttpFeedFetcher>[0]> = {}) =>
  new HttpFeedFetcher({ timeoutMs: 5000, maxBytes: 1 << 20, maxRedirects: 3, userAgent: 'oilwire-test/1', allowPrivate: ['127.0.0.1'], ...over });

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('HTTP fetcher', () => {
  it('gives up on a server that trickles its body past the deadline', async () => {
    server.route('/slow', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
      // ...and never finishes.
    });
    await expect(fetcher({ timeoutMs: 1500 }).fetch({ url: `${server.url}/slow` })).rejects.toMatchObject({ code: 'FEED_FETCH_FAILED', details: { reason: 'timeout' } });
  });

  it('reports a body cut off mid-transfer as truncated', async () => {
    server.route('/cut', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '5000' });
      res.write('<?xml version="1.0"?><rss version="2.0"><channel><item>');
      setImmediate(() => res.socket?.destroy());
    });
    await expect(fetcher().fetch({ url: `${server.url}/cut` })).rejects.toMatchObject({ code: 'FEED_FETCH_FAILED', details: { reason: 'truncated' } });
  });

  it('enforces the size cap while streaming, declared length or not, and on decompressed bytes', async () => {
    const big = Buffer.alloc(64 * 1024, 'a');
    server.route('/big-declared', (_req, res) => res.writeHead(200, { 'content-length': String(big.length) }).end(big));
    server.route('/big-chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      for (let i = 0; i < 64; i++) res.write(big.subarray(0, 1024));
      res.end();
    });
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 'x'));
    server.route('/gzip-bomb', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb));
    const f = fetcher({ maxBytes: 16 * 1024 });
    for (const path of ['/big-declared', '/big-chunked', '/gzip-bomb']) {
      await expect(f.fetch({ url: `${server.url}${path}` })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE', details: { reason: 'too_large' } });
    }
    expect(bomb.length).toBeLessThan(16 * 1024);
  });

  it('follows redirects by hand: relative ones, up to the cap, never to another scheme', async () => {
    server.route('/moved', (_req, res) => res.writeHead(301, { location: '/feed-here' }).end());
    server.route('/feed-here', conditional(() => ({ body: fixtureFeed('atom.xml') })));
    server.route('/temp', (_req, res) => res.writeHead(302, { location: `${server.url}/moved` }).end());
    server.route('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
    server.route('/to-file', (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    server.route('/no-location', (_req, res) => res.writeHead(302).end());
    const f = fetcher();
    const moved = await f.fetch({ url: `${server.url}/moved` });
    expect(moved).toMatchObject({ status: 200, redirects: 1, url: `${server.url}/feed-here`, permanentRedirect: `${server.url}/feed-here` });
    const temp = await f.fetch({ url: `${server.url}/temp` });
    expect(temp.redirects).toBe(2);
    expect(temp.permanentRedirect).toBeUndefined();
    await expect(f.fetch({ url: `${server.url}/loop` })).rejects.toMatchObject({ details: { reason: 'too_many_redirects' } });
    expect(server.requestsTo('/loop')).toHaveLength(4);
    await expect(f.fetch({ url: `${server.url}/to-file` })).rejects.toMatchObject({ details: { reason: 'bad_redirect' } });
    await expect(f.fetch({ url: `${server.url}/no-location` })).rejects.toMatchObject({ details: { reason: 'bad_redirect' } });
  });

  it('sends a descriptive User-Agent and the validators, and returns headers as received', async () => {
    server.route('/headers', (_req, res) => res.writeHead(304, { etag: 'W/"x"', 'cache-control': 'max-age=60', 'retry-after': '5' }).end());
    const r = await fetcher().fetch({ url: `${server.url}/headers`, etag: 'W/"x"', lastModified: 'Mon, 01 Jun 2026 10:00:00 GMT' });
    expect(r).toMatchObject({ status: 304, headers: { etag: 'W/"x"', cacheControl: 'max-age=60', retryAfter: '5' } });
    const seen = server.requestsTo('/headers')[0].headers;
    expect(seen).toMatchObject({ 'user-agent': 'oilwire-test/1', 'if-none-match': 'W/"x"', 'if-modified-since': 'Mon, 01 Jun 2026 10:00:00 GMT' });
    expect(seen.accept).toContain('application/rss+xml');
  });

  it('reads local paths and file:// URLs, answering 304 while the file is unchanged', async () => {
    const f = fetcher();
    const first = await f.fetch({ url: pathToFileURL(fixturePath('atom.xml')).href });
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBeTruthy();
    const again = await f.fetch({ url: fixturePath('atom.xml'), etag: first.headers.etag });
    expect(again.status).toBe(304);
    await expect(f.fetch({ url: fixturePath('missing.xml') })).rejects.toMatchObject({ details: { reason: 'file_error' } });
  });
});

describe('polling through broken transports', () => {
  it('keeps the last good validators when a changed feed arrives truncated or malformed, and catches up afterwards', async () => {
    let mode: 'v1' | 'cut' | 'malformed' | 'v2' = 'v1';
    server.route('/flaky', (req, res) => {
      if (mode === 'v1') return conditional(() => ({ body: fixtureFeed('wire-v1.xml'), etag: '"e1"' }))(req, res);
      if (mode === 'v2') return conditional(() => ({ body: fixtureFeed('wire-v2.xml'), etag: '"e2"' }))(req, res);
      const v2 = fixtureFeed('wire-v2.xml');
      if (mode === 'malformed') {
        // A complete HTTP answer whose XML stops half-way.
        res.writeHead(200, { etag: '"e2"' }).end(v2.subarray(0, v2.length / 2));
        return;
      }
      res.writeHead(200, { etag: '"e2"', 'content-length': String(v2.length) });
      res.write(v2.subarray(0, v2.length / 2));
      setImmediate(() => res.socket?.destroy());
    });
    const h = await startHarness({ config: { feeds: [{ url: `${server.url}/flaky`, name: 'flaky' }], stateDir: stateDir() } });
    const news = await NewsCollector.on(h.bus);
    expect((await h.tick('flaky'))[0]).toMatchObject({ outcome: 'ok', published: 5 });
    mode = 'cut';
    const [cut] = await h.tick('flaky');
    expect(cut).toMatchObject({ outcome: 'error', published: 0 });
    expect(cut.error?.details?.reason).toBe('truncated');
    mode = 'malformed';
    const [bad] = await h.tick('flaky');
    expect(bad).toMatchObject({ outcome: 'error', status: 200, published: 0 });
    expect(bad.error?.details?.reason).toBe('parse_failed');
    expect(h.svc.feeds()[0]).toMatchObject({ etag: '"e1"', consecutiveErrors: 2, lastErrorReason: 'parse_failed' });
    mode = 'v2';
    const [ok] = await h.tick('flaky');
    expect(server.requestsTo('/flaky').at(-1)!.headers['if-none-match']).toBe('"e1"');
    expect(ok).toMatchObject({ outcome: 'ok', published: 2, duplicates: 6 });
    await waitFor(() => news.events.length === 7);
    await h.stop();
  });

  it('a stop cancels a fetch in flight instead of waiting out a slow server, and leaves the feed state as it was', async () => {
    server.route('/hang', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<rss version="2.0"><channel>');
    });
    const h = await startHarness({ config: { feeds: [{ url: `${server.url}/hang`, name: 'hang' }], stateDir: stateDir(), http: { timeoutMs: 3_600_000 } } });
    h.sched.fire('hang');
    await waitFor(() => server.requestsTo('/hang').length === 1);
    await h.stop();
    await waitFor(() => h.results.length === 1);
    expect(h.results[0].error?.details?.reason).toBe('aborted');
    expect(h.svc.feeds()[0]).toMatchObject({ fetches: 0, errors: 0, lastOutcome: 'never' });
    expect(h.sched.pending()).toHaveLength(0);
  });

  it('moves to the new address of a permanently redirected feed', async () => {
    server.route('/old-address', (_req, res) => res.writeHead(308, { location: '/new-address' }).end());
    server.route('/new-address', conditional(() => ({ body: fixtureFeed('atom.xml'), etag: '"n"' })));
    const h = await startHarness({ config: { feeds: [{ url: `${server.url}/old-address`, name: 'moved' }], stateDir: stateDir() } });
    expect((await h.tick('moved'))[0]).toMatchObject({ outcome: 'ok', published: 2 });
    expect((await h.tick('moved'))[0]).toMatchObject({ outcome: 'not-modified' });
    expect(server.requestsTo('/old-address')).toHaveLength(1);
    expect(server.requestsTo('/new-address')).toHaveLength(2);
    expect(h.svc.feeds()[0].location).toBe(`${server.url}/new-address`);
    await h.stop();
  });
});

describe('encodings over HTTP', () => {
  const cases: [string, string, string | undefined, string[]][] = [
    ['/latin1', 'latin1-no-declaration.xml', 'application/rss+xml', ['Petróleo sobe após ataque no Golfo', 'Opep discute corte de produção em Viena']],
    ['/cp1252', 'windows-1252.xml', 'text/xml', ['“Talks are serious”, says envoy — Brent at €70']],
    ['/mislabelled', 'utf8-labelled-latin1.xml', 'text/xml; charset=ISO-8859-1', ['Café talks in Doha – “progress”', 'النفط Brent']],
    ['/utf16', 'utf16le-bom.xml', 'application/xml; charset=utf-8', ['Naïve élan — 中东 oil']],
  ];
  it.each(cases)('%s (%s served as %s) decodes to the right text', async (path, file, contentType, titles) => {
    server.route(path, conditional(() => ({ body: fixtureFeed(file), contentType })));
    const h = await startHarness({ config: { feeds: [{ url: `${server.url}${path}`, name: path.slice(1) }], stateDir: stateDir() } });
    const news = await NewsCollector.on(h.bus);
    const [r] = await h.tick(path.slice(1));
    expect(r).toMatchObject({ outcome: 'ok', published: titles.length });
    await waitFor(() => news.events.length === titles.length);
    expect(news.events.map((e) => e.title)).toEqual(titles);
    await h.stop();
  });

  it('dates a Portuguese pubDate correctly and counts the charset fallback', async () => {
    server.route('/latin1-dates', conditional(() => ({ body: fixtureFeed('latin1-no-declaration.xml'), contentType: 'text/xml' })));
    const h = await startHarness({ config: { feeds: [{ url: `${server.url}/latin1-dates`, name: 'latin1-dates' }], stateDir: stateDir() } });
    const news = await NewsCollector.on(h.bus);
    const [r] = await h.tick('latin1-dates');
    expect(r.issues).toMatchObject({ invalid_utf8_fallback: 1, date_missing: 1 });
    await waitFor(() => news.events.length === 2);
    expect(news.events[0].published_at).toBe('2026-06-01T11:00:00.000Z');
    expect(h.svc.feeds()[0].encoding).toBe('windows-1252');
    await h.stop();
  });
});
