import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { articleId } from '../../../../shared/contracts/ids.ts';
import { FeedServer, conditional, fixtureFeed } from './helpers/feed-server.ts';
import { NewsCollector, T0, metricValue, startHarness, tempStateDir } from './helpers/harness.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const UA = /^oilwire\/\d/;
const server = new FeedServer();
const dirs: string[] = [];
const stateDir = () => {
  const d = tempStateDir();
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('conditional polling, dedupe and restart', () => {
  it('publishes exact counts, sends the stored validators, and does not re-publish across a restart', async () => {
    let version = { body: fixtureFeed('wire-v1.xml'), etag: 'W/"v1-abc"', lastModified: 'Mon, 01 Jun 2026 10:20:00 GMT' };
    server.route('/wire', conditional(() => version));
    const dir = stateDir();
    const bus = new MemoryBus();
    const news = await NewsCollector.on(bus);
    const config = { feeds: [{ url: `${server.url}/wire`, name: 'wire', tags: ['energy'] }], stateDir: dir };

    const h = await startHarness({ config, bus });
    expect(h.sched.pending('wire')).toHaveLength(1);
    expect(h.sched.pending('wire')[0].delayMs).toBe(0);
    const [first] = await h.tick('wire');
    expect(first).toMatchObject({ outcome: 'ok', status: 200, published: 5, duplicates: 0 });
    await waitFor(() => news.events.length === 5);
    const req1 = server.requestsTo('/wire')[0];
    expect(req1.headers['if-none-match']).toBeUndefined();
    expect(req1.headers['if-modified-since']).toBeUndefined();
    expect(req1.headers['user-agent']).toMatch(UA);
    expect(news.events.map((e) => e.title)[0]).toBe('Qatar says US-Iran talks make progress towards a ceasefire');
    expect(news.events.every((e) => e.tags.join() === 'energy' && e.source === 'wire')).toBe(true);
    // <ttl>30</ttl> asks for 30 minutes between polls, longer than the 300 s configured.
    expect(first).toMatchObject({ delayMs: 1_800_000, basis: 'ttl' });

    h.clock.advance(1_800_000);
    const [second] = await h.tick('wire');
    expect(second).toMatchObject({ outcome: 'not-modified', status: 304, published: 0 });
    const req2 = server.requestsTo('/wire')[1];
    // Exactly as received: a weak ETag stays weak, the date string is not re-formatted.
    expect(req2.headers['if-none-match']).toBe('W/"v1-abc"');
    expect(req2.headers['if-modified-since']).toBe('Mon, 01 Jun 2026 10:20:00 GMT');

    version = { body: fixtureFeed('wire-v2.xml'), etag: '"v2"', lastModified: 'Mon, 01 Jun 2026 10:35:00 GMT' };
    h.clock.advance(1_800_000);
    const [third] = await h.tick('wire');
    // Two new items; the re-linked a3 (http, www-less, tracking parameters) and the five old ones are duplicates.
    expect(third).toMatchObject({ outcome: 'ok', published: 2, duplicates: 6 });
    await waitFor(() => news.events.length === 7);
    const state = h.svc.feeds().find((f) => f.name === 'wire')!;
    expect(state).toMatchObject({ fetches: 3, notModified: 1, itemsPublished: 7, itemsDuplicate: 6, etag: '"v2"', lastStatus: 200, consecutiveErrors: 0 });
    expect(await metricValue(h.registry, 'oilwire_ingest_news_fetches_total', { feed: 'wire', status: '304' })).toBe(1);
    expect(await metricValue(h.registry, 'oilwire_ingest_news_items_total', { feed: 'wire', outcome: 'published' })).toBe(7);
    expect(await metricValue(h.registry, 'oilwire_ingest_news_feed_not_modified_ratio', { feed: 'wire' })).toBeCloseTo(1 / 3);
    expect(await metricValue(h.registry, 'oilwire_ingest_news_feed_last_success_seconds', { feed: 'wire' })).toBe((T0 + 3_600_000) / 1000);
    await h.stop();

    const persisted = JSON.parse(readFileSync(join(dir, 'feeds.json'), 'utf8')) as { feeds: Record<string, { etag: string; nextPollAt: number }> };
    expect(persisted.feeds[`${server.url}/wire`]).toMatchObject({ etag: '"v2"', nextPollAt: T0 + 3_600_000 + 1_800_000 });

    // Restart: the schedule, the validators and the seen-set come back from disk.
    const h2 = await startHarness({ config, bus, clock: h.clock });
    expect(h2.sched.pending('wire')[0].delayMs).toBe(1_800_000);
    h2.clock.advance(1_800_000);
    const [afterRestart] = await h2.tick('wire');
    expect(afterRestart).toMatchObject({ outcome: 'not-modified' });
    expect(server.requestsTo('/wire')[3].headers['if-none-match']).toBe('"v2"');
    // The server forgets its validators (a deploy): a full 200 of the same items publishes nothing.
    version = { body: fixtureFeed('wire-v2.xml'), etag: '"v2-redeployed"', lastModified: 'Mon, 01 Jun 2026 11:00:00 GMT' };
    h2.clock.advance(1_800_000);
    const [full] = await h2.tick('wire');
    expect(full).toMatchObject({ outcome: 'ok', published: 0, duplicates: 8 });
    await h2.stop();
    expect(news.events).toHaveLength(7);
    expect(new Set(news.ids()).size).toBe(7);
    expect(news.ids()).toContain(articleId({ link: 'https://news.example/markets/a3', source: 'any' }));
    await bus.close();
  });

  it('marks items seen and stores validators only after the bus acknowledged the publish', async () => {
    server.route('/acked', conditional(() => ({ body: fixtureFeed('wire-v1.xml'), etag: '"acked-1"' })));
    const inner = new MemoryBus();
    let failures = 3;
    const flaky = Object.create(inner) as MemoryBus;
    flaky.publish = async (topic, messages) => {
      if (failures > 0) {
        failures--;
        const { AppError } = await import('../../../../shared/errors.ts');
        throw new AppError('BUS_UNAVAILABLE', 'broker away');
      }
      return inner.publish(topic, messages);
    };
    const news = await NewsCollector.on(inner);
    const h = await startHarness({ config: { feeds: [{ url: `${server.url}/acked`, name: 'acked' }], stateDir: stateDir() }, bus: flaky });
    const [failed] = await h.tick('acked');
    expect(failed).toMatchObject({ outcome: 'error', status: 200, published: 0 });
    expect(failed.error?.code).toBe('BUS_UNAVAILABLE');
    expect(h.svc.feeds()[0].etag).toBeUndefined();
    const [retried] = await h.tick('acked');
    // No validators were kept, so the retry gets the full feed instead of a 304 that would lose the items.
    expect(server.requestsTo('/acked')[1].headers['if-none-match']).toBeUndefined();
    expect(retried).toMatchObject({ outcome: 'ok', published: 5 });
    await waitFor(() => news.events.length === 5);
    expect(h.svc.feeds()[0].etag).toBe('"acked-1"');
    await h.stop();
    await inner.close();
  });
});

describe('politeness: 429, 503, Retry-After and backoff', () => {
  it('waits as long as Retry-After asks, backs off exponentially on 503, and recovers', async () => {
    const answers: (() => [number, Record<string, string>])[] = [
      () => [429, { 'retry-after': '900' }],
      () => [503, {}],
      () => [503, {}],
      () => [503, {}],
    ];
    server.route('/busy', (req, res) => {
      const next = answers.shift();
      if (next) {
        const [status, headers] = next();
        res.writeHead(status, headers).end('busy');
        return;
      }
      conditional(() => ({ body: fixtureFeed('atom.xml'), etag: '"atom"', contentType: 'application/atom+xml', headers: { 'cache-control': 'max-age=600' } }))(req, res);
    });
    const h = await startHarness({
      config: { feeds: [{ url: `${server.url}/busy`, name: 'busy' }], stateDir: stateDir(), schedule: { backoffBaseSec: 60, backoffMaxSec: 3600, minIntervalSec: 60 } },
    });
    const seen = [];
    for (let i = 0; i < 5; i++) {
      const [r] = await h.tick('busy');
      seen.push({ outcome: r.outcome, status: r.status, delayMs: r.delayMs, basis: r.basis });
      h.clock.advance(r.delayMs);
    }
    // random() = 0: backoff is half its step: 60 s, 120 s, 240 s for the 2nd, 3rd and 4th failure in a row.
    expect(seen).toEqual([
      { outcome: 'rate-limited', status: 429, delayMs: 900_000, basis: 'retry-after' },
      { outcome: 'rate-limited', status: 503, delayMs: 60_000, basis: 'backoff' },
      { outcome: 'rate-limited', status: 503, delayMs: 120_000, basis: 'backoff' },
      { outcome: 'rate-limited', status: 503, delayMs: 240_000, basis: 'backoff' },
      { outcome: 'ok', status: 200, delayMs: 600_000, basis: 'max-age' },
    ]);
    expect(h.results[4].published).toBe(2);
    expect(h.svc.feeds()[0]).toMatchObject({ consecutiveErrors: 0, errors: 4, lastStatus: 200 });
    expect(await metricValue(h.registry, 'oilwire_ingest_news_errors_total', { feed: 'busy', reason: 'http_503' })).toBe(3);
    await h.stop();
  });

  it('defers every feed of a host that answered 429 with Retry-After, without fetching it', async () => {
    server.route('/host-a', (_req, res) => res.writeHead(429, { 'retry-after': '1200' }).end());
    server.route('/host-b', conditional(() => ({ body: fixtureFeed('wire-v1.xml') })));
    const h = await startHarness({
      config: {
        feeds: [
          { url: `${server.url}/host-a`, name: 'host-a' },
          { url: `${server.url}/host-b`, name: 'host-b' },
        ],
        stateDir: stateDir(),
      },
    });
    // Both due at once: host-b waits behind host-a at the host's gate, then sees the 429.
    const round = await h.tick();
    expect(round.find((r) => r.feed === 'host-a')).toMatchObject({ outcome: 'rate-limited', status: 429, delayMs: 1_200_000 });
    const b = round.find((r) => r.feed === 'host-b');
    expect(b).toMatchObject({ outcome: 'deferred', delayMs: 1_200_000 });
    expect(server.requestsTo('/host-b')).toHaveLength(0);
    h.clock.advance(1_200_000);
    const [b2] = await h.tick('host-b');
    expect(b2).toMatchObject({ outcome: 'ok', published: 5 });
    await h.stop();
  });

  it('keeps backing off, within its cap, while the network is away, and logs only at 1, 2, 4, 8 failures', async () => {
    // A port that was just free: nothing listens there any more.
    const gone = await new FeedServer().start();
    const deadUrl = `${gone.url}/feed`;
    await gone.close();
    const h = await startHarness({
      config: { feeds: [{ url: deadUrl, name: 'offline' }], stateDir: stateDir(), schedule: { backoffBaseSec: 60, backoffMaxSec: 600 } },
    });
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const [r] = await h.tick('offline');
      expect(r).toMatchObject({ outcome: 'error', status: 0 });
      expect(r.error?.details?.reason).toBe('network');
      delays.push(r.delayMs);
    }
    // 30 s is raised to the 60 s floor (minIntervalSec); 600 s steps are capped, and half of them with random() = 0.
    expect(delays).toEqual([60_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000, 300_000, 300_000]);
    const warnings = h.logs.filter((l) => l.msg === 'feed poll failed' && l.level === 40).map((l) => l.consecutive);
    expect(warnings).toEqual([1, 2, 4, 8]);
    await h.stop();
  });
});
