import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../../shared/bus/memory-bus.ts';
import { encodeEvent } from '../../../../../shared/bus/typed.ts';
import { TOPICS } from '../../../../../shared/contracts/events.ts';
import { ManualClock } from '../../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../../shared/runtime/logger.ts';
import { apiMetrics } from '../../../../../services/api/metrics.ts';
import { startLiveFeed } from '../../../../../services/api/stream/live-feed.ts';
import { StreamHub } from '../../../../../services/api/stream/hub.ts';
import { scoredNews } from '../../../../helpers/events.ts';
import { newsImpact } from '../../../../helpers/news-impact.ts';
import { waitFor } from '../../../../helpers/wait-for.ts';

let bus: MemoryBus | undefined;

afterEach(async () => {
  await bus?.close();
  bus = undefined;
});

/** The metric's value for exactly these labels, 0 when it has no such series. */
async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const found = (metric?.values ?? []).find((v) => Object.keys(labels).length === Object.keys(v.labels).length && Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value ?? 0;
}

describe('startLiveFeed', () => {
  it('counts each topic\'s events and refusals once per batch, streams only the valid served ones, and sets each topic\'s lag', async () => {
    bus = new MemoryBus({ defaultPartitions: 1 });
    const registry = new Registry();
    const metrics = apiMetrics(registry);
    // A minute ahead of the bus's timestamps (the wall clock's), so every lag is positive and at most 60 s.
    const clock = new ManualClock(Date.now() + 60_000);
    const hub = new StreamHub(100, 'abc', () => clock.now());
    const sub = await startLiveFeed({ bus, hub, clock, logger: silentLogger, metrics, instance: 'abc' });
    const scored = (i: number) => scoredNews({ id: `article-000${i}`, published_at: '2026-06-01T09:00:00Z', fetched_at: '2026-06-01T09:00:01Z', scored_at: '2026-06-01T09:00:02Z' });
    const message = (key: string, value: unknown) => ({ key, value: typeof value === 'string' ? Buffer.from(value) : encodeEvent(value) });
    // Each topic's messages in one publish, so that each one is (at most) one batch with a refusal in the middle.
    await bus.publish(TOPICS.newsScored, [message('1', scored(1)), message('x', { schema: 'news.scored/v1', id: 'short' }), message('2', scored(2)), message('y', 'not json'), message('3', scored(3))]);
    await bus.publish(TOPICS.newsImpact, [message('i', newsImpact()), message('j', { ...newsImpact(), horizon: '2h' })]);
    await bus.publish(TOPICS.newsRaw, [message('r1', { fetched_at: '2026-06-01T09:00:01Z' }), message('r2', { fetched_at: 'yesterday' }), message('r3', '[')]);
    await bus.publish(TOPICS.pricesTicks, [message('t1', 'anything'), message('t2', 'at all')]);
    await waitFor(async () => (await value(registry, 'oilwire_pipeline_events_total', { stage: 'ingest-prices', topic: TOPICS.pricesTicks })) === 2 && (await value(registry, 'oilwire_pipeline_events_total', { stage: 'ingest-news', topic: `${TOPICS.newsRaw}:invalid` })) === 2);
    await waitFor(() => hub.buffer.size === 4);
    await sub.close();

    const events = async (stage: string, topic: string) => value(registry, 'oilwire_pipeline_events_total', { stage, topic });
    expect(await events('scorer', TOPICS.newsScored)).toBe(3);
    expect(await events('scorer', `${TOPICS.newsScored}:invalid`)).toBe(2);
    expect(await events('correlator', TOPICS.newsImpact)).toBe(1);
    expect(await events('correlator', `${TOPICS.newsImpact}:invalid`)).toBe(1);
    expect(await events('ingest-news', TOPICS.newsRaw)).toBe(1);
    expect(await events('ingest-news', `${TOPICS.newsRaw}:invalid`)).toBe(2);
    expect(await events('ingest-prices', TOPICS.pricesTicks)).toBe(2);
    expect(await events('ingest-prices', `${TOPICS.pricesTicks}:invalid`)).toBe(0);
    expect(await value(registry, 'oilwire_api_stream_events_total', { topic: TOPICS.newsScored })).toBe(3);
    expect(await value(registry, 'oilwire_api_stream_events_total', { topic: TOPICS.newsImpact })).toBe(1);
    expect(hub.buffer.all().map((e) => e.key)).toEqual(expect.arrayContaining(['n:article-0001', 'n:article-0002', 'n:article-0003']));
    // The lag is the age of the batch's last message (refusals included), for every topic the feed read.
    for (const topic of [TOPICS.newsScored, TOPICS.newsImpact, TOPICS.newsRaw, TOPICS.pricesTicks]) {
      const lag = await value(registry, 'oilwire_consumer_lag_seconds', { group: 'oilwire-api-live', topic });
      expect(lag, topic).toBeGreaterThan(0);
      expect(lag, topic).toBeLessThanOrEqual(60);
    }
  });
});
