import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey, newsImpactV1, newsScoredV1, type NewsImpact, type NewsScored } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { parseEventId } from '../../../../services/api/domain/replay-buffer.ts';
import { start, type ApiService } from '../../../../services/api/main.ts';
import { impactEvent, scoredEvent } from './fixtures.ts';
import { dropTestStore, openSse, openTestStore, waitFor } from './helpers.ts';

let store: Store;
let bus: MemoryBus;
let api: ApiService;

beforeAll(async () => {
  store = await openTestStore();
  bus = new MemoryBus();
  const config = apiConfigSchema.parse({ port: 0, stream: { bufferSize: 50, heartbeatSec: 0.05, storeReplayOverlapSec: 0 }, alerts: { enabled: false } });
  api = await start({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() });
});

afterAll(async () => {
  await api?.stop();
  await bus?.close();
  await dropTestStore(store);
});

const seqOf = (id?: string) => parseEventId(id)!.seq;

describe('GET /stream', () => {
  it('streams scored news and impacts as they cross the bus, in order, with growing ids and per-article order kept', async () => {
    const client = openSse(`${api.url}/stream`);
    expect(await client.status).toBe(200);
    // One article's impact row, re-measured: the versions must arrive in order.
    const versions: NewsImpact[] = [0, 1, 2, 3, 4].map((v) => impactEvent(1, { version: v, return_bps: -100 - v }));
    const news: NewsScored[] = [1, 2, 3, 4, 5, 6].map((i) => scoredEvent(i));
    await publishEvents(bus, TOPICS.newsScored, news, messageKey.newsScored);
    for (const v of versions) await publishEvents(bus, TOPICS.newsImpact, [v], messageKey.newsImpact);
    await waitFor(() => client.events.length >= 11, { message: () => `${client.events.length} events` });
    client.close();

    const seqs = client.events.map((e) => seqOf(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(client.events.filter((e) => e.event === 'news.scored').map((e) => JSON.parse(e.data).id).sort()).toEqual(news.map((n) => n.id));
    expect(client.events.filter((e) => e.event === 'news.impact').map((e) => JSON.parse(e.data).version)).toEqual([0, 1, 2, 3, 4]);
    // The stream is the hub's order, which is what a resuming client continues from.
    expect(client.events.map((e) => e.id)).toEqual(api.hub.buffer.all().slice(-11).map((e) => e.id));
  });

  it('resumes after Last-Event-ID: exactly what the client missed, including what happened while it was away', async () => {
    const first = openSse(`${api.url}/stream?topics=news.scored`);
    await first.status;
    await publishEvents(bus, TOPICS.newsScored, [10, 11, 12].map((i) => scoredEvent(i)), messageKey.newsScored);
    await waitFor(() => first.events.length >= 3);
    first.close();
    const seen = first.events.slice(0, 2);
    const lastId = seen[1].id!;
    // Published while no client is connected.
    await publishEvents(bus, TOPICS.newsScored, [13, 14].map((i) => scoredEvent(i)), messageKey.newsScored);
    await waitFor(() => api.hub.buffer.all().filter((e) => e.topic === 'news.scored').length >= 11);

    const resumed = openSse(`${api.url}/stream?topics=news.scored`, { 'last-event-id': lastId });
    await resumed.status;
    await publishEvents(bus, TOPICS.newsScored, [scoredEvent(15)], messageKey.newsScored);
    await waitFor(() => resumed.events.some((e) => JSON.parse(e.data).id === 'article-0015'));
    resumed.close();
    const ids = resumed.events.map((e) => JSON.parse(e.data).id);
    const expected = [first.events[2], ...api.hub.buffer.all().filter((e) => e.topic === 'news.scored' && seqOf(e.id) > seqOf(first.events[2].id))].map((e) => JSON.parse(e.data).id);
    expect(ids).toEqual(expected);
    expect(ids).toEqual(expect.arrayContaining(['article-0013', 'article-0014', 'article-0015']));
    expect(ids).not.toContain(JSON.parse(seen[0].data).id);
    expect(ids).not.toContain(JSON.parse(seen[1].data).id);
  });

  it('accepts the id as ?last_event_id= too (EventSource cannot set headers on its first request)', async () => {
    const all = api.hub.buffer.all();
    const client = openSse(`${api.url}/stream?last_event_id=${encodeURIComponent(all[all.length - 2].id)}`);
    await waitFor(() => client.events.length >= 1);
    client.close();
    expect(client.events[0].id).toBe(all[all.length - 1].id);
  });

  it('resumes from the store when the id is older than the buffer or from another process', async () => {
    // Rows the correlator would have written: three scored articles and an impact, long before this process started.
    const t0 = Date.parse('2026-05-01T10:00:00Z');
    const rows = [1, 2, 3].map((i) => {
      const at = new Date(t0 + i * 1000).toISOString();
      return {
        id: `stored-${i}-xxxx`, source: 'wire', url: null, title: `stored ${i}`, summary: '', published_at: at, published_precision: 'time', fetched_at: at, tags: [],
        sentiment_label: 'neutral', sentiment_score: 0, sentiment_confidence: 0.5, oil_direction: 'bullish', oil_strength: 0.4, topics: ['opec'], entities: [],
        relevance: 50, novelty: 90, cluster_id: 'c', model_name: 'm', model_version: '1', scored_at: at,
      };
    });
    await store.insert(store.table('news_store'), rows);
    const client = openSse(`${api.url}/stream?topics=news.scored`, { 'last-event-id': `${t0 + 1500}-7-0ldpr0c` });
    await waitFor(() => client.events.some((e) => JSON.parse(e.data).id === 'article-0015'));
    client.close();
    const stored = client.events.filter((e) => e.id!.endsWith('-store'));
    expect(stored.map((e) => JSON.parse(e.data).id)).toEqual(['stored-2-xxxx', 'stored-3-xxxx']);
    expect(JSON.parse(stored[0].data)).toMatchObject({ schema: 'news.scored/v1', oil_direction: { label: 'bullish' }, topics: ['opec'], published_at: new Date(t0 + 2000).toISOString() });
    // Then the buffer, in order, with no event twice.
    const live = client.events.filter((e) => !e.id!.endsWith('-store'));
    expect(live.length).toBeGreaterThan(0);
    expect(new Set(client.events.map((e) => e.data)).size).toBe(client.events.length);
  });

  it('says so when it cannot read the id, then carries on live; sends keep-alives', async () => {
    const client = openSse(`${api.url}/stream`, { 'last-event-id': 'what-is-this' });
    await waitFor(() => client.events.length >= 1 && client.comments.length >= 1);
    client.close();
    expect(client.events[0].event).toBe('stream.gap');
    expect(client.comments[0]).toBe(': keep-alive');
  });

  it('refuses unknown topics', async () => {
    const res = await fetch(`${api.url}/stream?topics=prices.secret`);
    expect(res.status).toBe(400);
  });
});

describe('GET /stream: what the live feed lets through', () => {
  it('streams zod\'s reading of each event (unknown keys dropped, keys in the schema order, no raw newline) and nothing that fails the contract', async () => {
    const client = openSse(`${api.url}/stream?topics=news.scored,news.impact`);
    expect(await client.status).toBe(200);
    const valid = scoredEvent(40);
    const reordered = Object.fromEntries(Object.entries(scoredEvent(41)).reverse());
    const scored = [
      JSON.stringify({ ...valid, extra: 'dropped', sentiment: { ...valid.sentiment, more: 1 } }).replace(/^\{/, '{"__proto__":{"polluted":true},'),
      JSON.stringify(reordered, null, 2),
      JSON.stringify({ ...scoredEvent(42), relevance: 101 }),
      JSON.stringify(scoredEvent(43)).replace(/"novelty":[^,]+/, '"novelty":1e999'),
      '{"schema":"news.scored/v1"',
      JSON.stringify(scoredEvent(46)),
    ];
    const impacts = [JSON.stringify(impactEvent(44, { horizon: '2h' as never })), JSON.stringify(impactEvent(45))];
    // One key per topic: one partition, so the last valid event comes after everything before it.
    await bus.publish(TOPICS.newsScored, scored.map((v) => ({ key: 'k', value: Buffer.from(v) })));
    await bus.publish(TOPICS.newsImpact, impacts.map((v) => ({ key: 'i', value: Buffer.from(v) })));
    const last = (topic: string, id: string) => client.events.some((e) => e.event === topic && e.data.includes(id));
    await waitFor(() => last('news.impact', impactEvent(45).article_id) && last('news.scored', scoredEvent(46).id), { message: () => `${client.events.length} events` });
    client.close();
    const data = (topic: string) => client.events.filter((e) => e.event === topic).map((e) => e.data);
    expect(data('news.scored')).toEqual([valid, scoredEvent(41), scoredEvent(46)].map((e) => JSON.stringify(newsScoredV1.parse(e))));
    expect(data('news.impact')).toEqual([JSON.stringify(newsImpactV1.parse(impactEvent(45)))]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
