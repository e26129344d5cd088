import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey, type PriceTick } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { start, type ApiService } from '../../../../services/api/main.ts';
import { impactEvent, scoredEvent } from './fixtures.ts';
import { Receiver, TEST_SECRET, dropTestStore, openSse, openTestStore, randomName, waitFor } from './helpers.ts';

let store: Store;
let bus: MemoryBus;
let api: ApiService;
let receiver: Receiver;

beforeAll(async () => {
  store = await openTestStore();
  bus = new MemoryBus();
  receiver = new Receiver(TEST_SECRET);
  await receiver.listen();
  const config = apiConfigSchema.parse({
    port: 0,
    alerts: {
      groupId: randomName('alerts'),
      rules: [
        { id: 'mediation-move', kind: 'headline', topics: ['mediation', 'ceasefire'], minRelevance: 60, minAbsZ: 2, withinMinutes: 15 },
        { id: 'unexplained-move', kind: 'unexplained_move', symbol: 'BRENT', minMoveBps: 50, windowSec: 60, lookbackMinutes: 15, maxWaitSec: 0 },
      ],
      webhooks: [{ id: 'desk', url: receiver.url, secret: TEST_SECRET }],
      delivery: { firstDelaySec: 0.05, maxDelaySec: 0.2, allowPrivate: ['127.0.0.1'] },
    },
  });
  api = await start({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() });
});

afterAll(async () => {
  await api?.stop();
  await bus?.close();
  await receiver?.close();
  await dropTestStore(store);
});

const alertRows = () => store.query<{ alert_id: string; rule_id: string; article_id: string | null; title: string }>(`SELECT alert_id, rule_id, article_id, title FROM ${store.table('alerts')} ORDER BY rule_id, article_id`);

describe('alert rules on the bus', () => {
  it('fires a headline alert once per article, delivers it signed, and shows it on the stream', async () => {
    const stream = openSse(`${api.url}/stream?topics=alert`);
    await stream.status;
    await publishEvents(
      bus,
      TOPICS.newsImpact,
      [
        impactEvent(1, { horizon: '1m', horizon_seconds: 60, z: -5 }),
        impactEvent(1, { horizon: '5m', horizon_seconds: 300, z: -6 }),
        impactEvent(2, { topics: ['opec'] }),
        impactEvent(3, { relevance: 20 }),
        impactEvent(4, { horizon: '60m', horizon_seconds: 3600 }),
        impactEvent(5, { z: 0.5 }),
      ],
      messageKey.newsImpact,
    );
    await waitFor(() => receiver.accepted.size === 1);
    await waitFor(() => stream.events.length === 1);
    stream.close();
    const body = JSON.parse(receiver.requests[0].body);
    expect(body).toMatchObject({ type: 'alert.headline', data: { rule_id: 'mediation-move', article_id: 'article-0001', symbol: 'BRENT' } });
    expect(JSON.parse(stream.events[0].data)).toMatchObject({ rule_id: 'mediation-move', article_id: 'article-0001' });
    expect((await alertRows()).filter((a) => a.rule_id === 'mediation-move').map((a) => a.article_id)).toEqual(['article-0001']);

    // The same impacts again (a redelivery, a replay): nothing new.
    await publishEvents(bus, TOPICS.newsImpact, [impactEvent(1, { version: 1 }), impactEvent(6)], messageKey.newsImpact);
    await waitFor(() => receiver.accepted.size === 2);
    await api.dispatcher.idle();
    expect(receiver.requests.map((r) => JSON.parse(r.body).data.article_id)).toEqual(['article-0001', 'article-0006']);
    expect(receiver.duplicates).toEqual([]);
  });

  it('fires an unexplained-move alert when the tape jumps with no headline, not when one explains it', async () => {
    const t0 = Date.parse('2026-07-01T10:00:00Z');
    const tick = (sec: number, price: number, seq = 0): PriceTick => ({ schema: 'prices.ticks/v1', symbol: 'BRENT', ts: new Date(t0 + sec * 1000).toISOString(), price, size: null, source: 'test', seq });
    // A headline at 11:00 explains the second jump only.
    await publishEvents(bus, TOPICS.newsScored, [scoredEvent(7, { published_at: new Date(t0 + 3600_000).toISOString() })], messageKey.newsScored);
    await waitFor(async () => {
      const m = await fetch(`${api.url}/metrics`).then((r) => r.text());
      return /oilwire_consumer_lag_seconds\{group="[^"]*-news",topic="news.scored"\}/.test(m);
    });
    await publishEvents(bus, TOPICS.pricesTicks, [tick(0, 80), tick(10, 80.1), tick(20, 80.7), tick(3600, 80.7), tick(3610, 81.4)], messageKey.pricesTicks);
    await waitFor(async () => (await alertRows()).some((a) => a.rule_id === 'unexplained-move'));
    await waitFor(() => receiver.accepted.size === 3);
    const moves = (await alertRows()).filter((a) => a.rule_id === 'unexplained-move');
    expect(moves).toHaveLength(1);
    expect(moves[0].title).toMatch(/^BRENT moved \+87\.5 bps in 20 s with no headline$/);
  });

  it('replays alerts from the store to a client resuming from before this process', async () => {
    const client = openSse(`${api.url}/stream?topics=alert`, { 'last-event-id': `${Date.now() - 3_600_000}-1-elsewhere` });
    await waitFor(() => client.events.length >= 3);
    client.close();
    const rules = client.events.map((e) => JSON.parse(e.data).rule_id).sort();
    expect(rules).toEqual(['mediation-move', 'mediation-move', 'unexplained-move']);
    expect(new Set(client.events.map((e) => JSON.parse(e.data).alert_id)).size).toBe(3);
  });
});
