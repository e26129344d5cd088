/**
 * One scenario suite every feed fetcher passes (services/ingest-news/adapters/*-feed-fetcher.ts),
 * the way the Bus, the Store and the tick sources have theirs: the expectations are written once
 * here, and each stand-in only serves the scenario its own way (a real local HTTP server, or files
 * on disk). A scenario a kind cannot express (a file cannot answer 429) is named with the reason
 * in `cannot`, so the gap is visible; a new adapter file without a stand-in fails the suite.
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileFeedFetcher } from '../../../../services/ingest-news/adapters/file-feed-fetcher.ts';
import { HttpFeedFetcher } from '../../../../services/ingest-news/adapters/http-feed-fetcher.ts';
import { decodeFeed } from '../../../../services/ingest-news/domain/encoding.ts';
import { readAnswer } from '../../../../services/ingest-news/domain/poll-schedule.ts';
import type { FeedFetcher } from '../../../../services/ingest-news/ports.ts';
import { isRetryable } from '../../../../shared/errors.ts';
import { ManualClock } from '../../../../shared/runtime/clock.ts';
import { FeedServer } from './helpers/feed-server.ts';

const MAX_BYTES = 1024;
/** The deadline of the timeout scenario; every other scenario gets a generous one, so a loaded machine cannot fail it. */
const TIMEOUT_MS = 400;
const GENEROUS_MS = 20_000;
const NOW = Date.UTC(2026, 0, 1, 12);

const FEED = Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item><guid>a</guid><title>Brent rises</title></item></channel></rss>');
// Labelled UTF-8, written in Latin-1: "Café" with a lone 0xE9 byte.
const LATIN1_AS_UTF8 = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf'), Buffer.from([0xe9]), Buffer.from('</title></channel></rss>')]);
const BIG = Buffer.alloc(MAX_BYTES + 1, 'x');

const SCENARIOS = ['ok', 'not-modified', 'rate-limited', 'too-large', 'bad-encoding', 'refused-redirect', 'timeout'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface StandIn {
  /** The adapter file (without .ts) this stand-in exercises. */
  adapter: string;
  label: string;
  fetcher(timeoutMs: number): FeedFetcher;
  /** URLs answering the scenario; several when the adapter has several paths to the same outcome. */
  serve: Partial<Record<Scenario, () => string[]>>;
  /** Scenarios this kind cannot express, with why. */
  cannot: Partial<Record<Scenario, string>>;
}

// One HTTP server for every HTTP scenario, one victim that must never be connected to.
const server = new FeedServer();
let victim: Server;
let victimPort = 0;
let victimConnections = 0;
const victimSockets = new Set<Socket>();
const hung = new Set<{ destroy(): void }>();
let dir = '';
const fetchers: { close?: () => Promise<void> }[] = [];

function file(name: string, body: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  // A fixed mtime: the validator is made from size and mtime.
  utimesSync(path, 1_767_225_600, 1_767_225_600);
  return path;
}

const http = (timeoutMs: number): HttpFeedFetcher => {
  const f = new HttpFeedFetcher({ timeoutMs, maxBytes: MAX_BYTES, maxRedirects: 3, userAgent: 'oilwire-test/1', allowPrivate: ['127.0.0.1'] });
  fetchers.push(f);
  return f;
};

const onDisk: StandIn['serve'] = {
  ok: () => [file('ok.xml', FEED)],
  'not-modified': () => [file('same.xml', FEED)],
  'too-large': () => [file('big.xml', BIG)],
  'bad-encoding': () => [file('latin1.xml', LATIN1_AS_UTF8)],
};
const fileCannot: StandIn['cannot'] = {
  'rate-limited': 'a file has no server to ask for restraint',
  'refused-redirect': 'a file has no redirects and no address',
  timeout: 'a read from disk has no remote end to wait for',
};

const STAND_INS: StandIn[] = [
  {
    adapter: 'http-feed-fetcher',
    label: 'http-feed-fetcher over HTTP',
    fetcher: http,
    serve: {
      ok: () => [`${server.url}/ok`],
      'not-modified': () => [`${server.url}/conditional`],
      'rate-limited': () => [`${server.url}/429-seconds`, `${server.url}/429-date`],
      'too-large': () => [`${server.url}/big-declared`, `${server.url}/big-chunked`, `${server.url}/big-gzip`],
      'bad-encoding': () => [`${server.url}/latin1`],
      'refused-redirect': () => [`${server.url}/to-loopback`, `${server.url}/to-metadata`, `${server.url}/to-private`],
      timeout: () => [`${server.url}/hang`],
    },
    cannot: {},
  },
  {
    adapter: 'file-feed-fetcher',
    label: 'file-feed-fetcher on a path',
    fetcher: () => new FileFeedFetcher({ maxBytes: MAX_BYTES }),
    serve: onDisk,
    cannot: fileCannot,
  },
  {
    adapter: 'http-feed-fetcher',
    label: 'http-feed-fetcher on a file:// URL',
    fetcher: http,
    serve: Object.fromEntries(Object.entries(onDisk).map(([k, paths]) => [k, () => paths().map((p) => pathToFileURL(p).href)])),
    cannot: fileCannot,
  },
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oilwire-fetcher-'));
  victim = createServer((_req, res) => res.end('reached'));
  victim.on('connection', (s) => {
    victimConnections++;
    victimSockets.add(s);
  });
  await new Promise<void>((r) => victim.listen(0, '127.0.0.2', r));
  victimPort = (victim.address() as AddressInfo).port;
  await server.start();
  server.route('/ok', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'cache-control': 'max-age=600' }).end(FEED));
  server.route('/conditional', (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
    else res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(FEED);
  });
  server.route('/429-seconds', (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'));
  server.route('/429-date', (_req, res) => res.writeHead(429, { 'retry-after': 'Thu, 01 Jan 2026 12:02:00 GMT', date: 'Thu, 01 Jan 2026 12:00:00 GMT' }).end('slow down'));
  server.route('/big-declared', (_req, res) => res.writeHead(200, { 'content-length': String(BIG.length) }).end(BIG));
  server.route('/big-chunked', (_req, res) => {
    res.writeHead(200);
    res.write(BIG.subarray(0, 600));
    res.end(BIG.subarray(600));
  });
  server.route('/big-gzip', (_req, res) => {
    const z = gzipSync(BIG);
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(z.length) }).end(z);
  });
  server.route('/latin1', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(LATIN1_AS_UTF8));
  server.route('/to-loopback', (_req, res) => res.writeHead(302, { location: `http://127.0.0.2:${victimPort}/feed` }).end());
  server.route('/to-metadata', (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
  server.route('/to-private', (_req, res) => res.writeHead(307, { location: 'http://10.0.0.1/feed' }).end());
  // Headers never come: only the fetcher's own deadline ends the exchange.
  server.route('/hang', (req) => hung.add(req.socket));
});

afterAll(async () => {
  for (const f of fetchers) await f.close?.();
  for (const s of hung) s.destroy();
  for (const s of victimSockets) s.destroy();
  await server.close();
  await new Promise<void>((r) => victim.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const rejection = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );

const expectations: Record<Scenario, (f: FeedFetcher, url: string) => Promise<void>> = {
  async ok(f, url) {
    const res = await f.fetch({ url });
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body!).equals(FEED)).toBe(true);
    expect(res.headers.etag).toMatch(/^"[^"]+"$/);
    expect(res.redirects).toBe(0);
  },
  async 'not-modified'(f, url) {
    const first = await f.fetch({ url });
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    const again = await f.fetch({ url, etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers.etag).toBe(etag);
    // The validator decides: a stale one gets the body again.
    const stale = await f.fetch({ url, etag: '"stale"' });
    expect(stale.status).toBe(200);
    expect(Buffer.from(stale.body!).equals(FEED)).toBe(true);
  },
  async 'rate-limited'(f, url) {
    const res = await f.fetch({ url });
    expect(res.status).toBe(429);
    expect(res.body).toBeUndefined();
    // Both forms mean two minutes: seconds, and a date read against the server's own Date.
    expect(readAnswer(res.status, res.headers, {}, { maxIntervalSec: 21_600 }, new ManualClock(NOW))).toEqual({
      outcome: 'rate-limited',
      reason: 'http_429',
      retryAfterSec: 120,
      hostBlockedUntil: NOW + 120_000,
    });
  },
  async 'too-large'(f, url) {
    const err = await rejection(f.fetch({ url }));
    expect(err).toMatchObject({ code: 'INPUT_TOO_LARGE', details: { reason: 'too_large' } });
    expect((err as Error).message).toMatch(new RegExp(`is larger than ${MAX_BYTES} bytes$`));
  },
  async 'bad-encoding'(f, url) {
    const res = await f.fetch({ url });
    expect(res.status).toBe(200);
    // The fetcher hands the bytes over untouched: decoding is the parser's, with the header it passed on.
    expect(Buffer.from(res.body!).equals(LATIN1_AS_UTF8)).toBe(true);
    const decoded = decodeFeed(res.body!, res.headers.contentType);
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.notes).toEqual(['invalid_utf8_fallback']);
    expect(decoded.text).toContain('<title>Café</title>');
  },
  async 'refused-redirect'(f, url) {
    const before = victimConnections;
    const err = await rejection(f.fetch({ url }));
    expect(err).toMatchObject({ code: 'FEED_FETCH_FAILED', retryable: false, details: { reason: 'address_refused' } });
    expect((err as Error).message).toMatch(/is not fetched/);
    expect(victimConnections).toBe(before);
  },
  async timeout(f, url) {
    const err = await rejection(f.fetch({ url }));
    expect(err).toMatchObject({ code: 'FEED_FETCH_FAILED', details: { reason: 'timeout' } });
    expect(isRetryable(err)).toBe(true);
    expect((err as Error).message).toMatch(new RegExp(`did not answer within ${TIMEOUT_MS} ms`));
  },
};

describe('feed fetcher conformance', () => {
  it('has a stand-in for every feed fetcher adapter', () => {
    const adapters = readdirSync(new URL('../../../../services/ingest-news/adapters/', import.meta.url))
      .filter((f) => f.endsWith('-feed-fetcher.ts'))
      .map((f) => f.slice(0, -3))
      .sort();
    expect(adapters).toEqual(['file-feed-fetcher', 'http-feed-fetcher']);
    expect([...new Set(STAND_INS.map((s) => s.adapter))].sort()).toEqual(adapters);
  });

  it.each(STAND_INS.map((s) => [s.label, s] as const))('%s serves or names the reason it cannot serve every scenario', (_label, s) => {
    for (const scenario of SCENARIOS) expect(scenario in s.serve !== scenario in s.cannot, `${s.label}: ${scenario}`).toBe(true);
  });

  it('runs every scenario over HTTP', () => {
    expect(Object.keys(STAND_INS[0]!.serve).sort()).toEqual([...SCENARIOS].sort());
  });

  for (const s of STAND_INS) {
    describe(s.label, () => {
      for (const scenario of SCENARIOS) {
        const serve = s.serve[scenario];
        if (!serve) continue;
        it(scenario, async () => {
          const f = s.fetcher(scenario === 'timeout' ? TIMEOUT_MS : GENEROUS_MS);
          const urls = serve();
          expect(urls.length).toBeGreaterThan(0);
          for (const url of urls) await expectations[scenario](f, url);
        });
      }
    });
  }
});
