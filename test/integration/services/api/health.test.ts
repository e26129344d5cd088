import { Registry, Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey, type NewsScored } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema } from '../../../../services/api/config.ts';
import { start, type ApiService } from '../../../../services/api/main.ts';
import { dropTestStore, openTestStore, waitFor } from './helpers.ts';
import { scoredNews } from '../../../helpers/events.ts';

let store: Store;
let bus: MemoryBus;
let api: ApiService;
const registry = new Registry();

const scored = (i: number): NewsScored =>
  scoredNews({
    id: `article-${String(i).padStart(4, '0')}`,
    title: `headline ${i}`,
    cluster_id: `c${i}`,
    published_at: new Date(Date.now() - 60_000).toISOString(),
    fetched_at: new Date(Date.now() - 2000).toISOString(),
    scored_at: new Date(Date.now() - 1000).toISOString(),
    sentiment: { label: 'neutral', score: 0, confidence: 0.5 },
    relevance: 10,
    model: { name: 'test', version: '1' },
  });

beforeAll(async () => {
  store = await openTestStore();
  bus = new MemoryBus();
  // Another service's metric in the same registry shows up on /metrics too.
  new Counter({ name: 'oilwire_test_other_service_total', help: 'x', registers: [registry] }).inc(3);
  api = await start({ bus, store, config: apiConfigSchema.parse({ port: 0 }), logger: silentLogger, clock: systemClock, metrics: registry });
});

afterAll(async () => {
  await api?.stop();
  await bus?.close();
  await dropTestStore(store);
});

describe('probes and metrics', () => {
  it('/healthz answers and /readyz reports every check', async () => {
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { store: true, writes: true, storeIntact: true, eventLoop: true, stream: true, alerts: true, webhooks: true },
      eventLoopDelayMs: { max: expect.any(Number), p99: expect.any(Number) },
    });
  });

  it('/metrics shows per-stage counters, consumer lag and end-to-end latency from what crosses the bus', async () => {
    await publishEvents(bus, TOPICS.newsScored, [scored(1), scored(2)], messageKey.newsScored);
    const text = await waitFor(async () => {
      const t = await (await fetch(`${api.url}/metrics`)).text();
      return /oilwire_pipeline_events_total\{stage="scorer",topic="news.scored"\} 2/.test(t) && t;
    });
    expect(text).toMatch(/oilwire_consumer_lag_seconds\{group="oilwire-api-live",topic="news.scored"\} \d/);
    expect(text).toMatch(/oilwire_pipeline_latency_seconds_count\{path="fetch_to_api"\} 2/);
    expect(text).toMatch(/oilwire_pipeline_latency_seconds_bucket\{le="5",path="fetch_to_scored"\} 2/);
    expect(text).toMatch(/oilwire_test_other_service_total 3/);
    expect(text).toMatch(/oilwire_api_http_requests_total\{route="\/healthz",method="GET",status="200"\} 1/);
  });
});
