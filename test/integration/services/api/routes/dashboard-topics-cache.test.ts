import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../../services/correlator/index.ts';
import { buildApp } from '../../../../../services/api/app.ts';
import { apiConfigSchema } from '../../../../../services/api/config.ts';
import { spyOnQueries } from '../../../../helpers/query-spy.ts';
import { waitFor } from '../../../../helpers/wait-for.ts';
import { dropTestStore, openTestStore } from '../helpers.ts';
import { impactEvent, scoredEvent } from '../fixtures.ts';

let store: Store;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  store = await openTestStore();
  const repo = new ClickHouseImpactRepository(store);
  // Enough events for the view's tests to run (five per topic), so the cached answer carries them.
  await repo.saveNews(Array.from({ length: 8 }, (_, i) => scoredEvent(i)));
  await repo.saveImpacts(Array.from({ length: 8 }, (_, i) => impactEvent(i, { z: i % 2 ? -4 : 3, abnormal_bps: i % 2 ? -120 : 90 })));
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await dropTestStore(store);
});

/** An API over the store whose queries are counted: `topics()` is how many read the `impact_tests` view, `all()` every one. */
async function api(topicsCacheMs: number, topicsStaleMs = 0) {
  const clock = new ManualClock(1_000_000);
  const seen: string[] = [];
  const spied = spyOnQueries(store, (sql) => seen.push(sql));
  const app = await buildApp({ store: spied, config: apiConfigSchema.parse({ dashboard: { topicsCacheMs, topicsStaleMs } }), logger: silentLogger, clock, registry: new Registry() });
  apps.push(app);
  seen.length = 0;
  const get = (horizon = '5m') => app.inject({ method: 'GET', url: `/api/topics?horizon=${horizon}` });
  return { clock, get, topics: () => seen.filter((s) => s.includes('impact_tests')).length, all: () => seen.length };
}

describe('/api/topics cache', () => {
  it('two requests at once read the store once between them', async () => {
    const { get, topics, all } = await api(30_000);
    const [a, b] = await Promise.all([get(), get()]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.json()).toEqual(a.json());
    const body = a.json() as { topics: { topic: string; headlines: number; events: number | null }[] };
    expect(body.topics).toEqual([expect.objectContaining({ topic: 'mediation', headlines: 8, events: 8 })]);
    // One topicAggregates: its aggregate query and its impact_tests query.
    expect(topics()).toBe(1);
    expect(all()).toBe(2);
  });

  it('a request within the time reuses the answer; one after it reads again', async () => {
    const { clock, get, topics, all } = await api(30_000);
    await get();
    clock.advance(29_999);
    expect((await get()).statusCode).toBe(200);
    expect(topics()).toBe(1);
    clock.advance(1);
    expect((await get()).statusCode).toBe(200);
    expect(topics()).toBe(2);
    expect(all()).toBe(4);
  });

  it('keeps each horizon apart', async () => {
    const { get, topics } = await api(30_000);
    await Promise.all([get('5m'), get('15m'), get('5m')]);
    expect(topics()).toBe(2);
    const other = (await get('15m')).json() as { horizon: string; topics: unknown[] };
    expect(other).toEqual({ horizon: '15m', topics: [] });
    expect(topics()).toBe(2);
  });

  it('past the time but within topicsStaleMs, answers the old result at once and refreshes it behind', async () => {
    const { clock, get, topics } = await api(30_000, 300_000);
    const repo = new ClickHouseImpactRepository(store);
    const at60m = (i: number) => impactEvent(i, { horizon: '60m', horizon_seconds: 3600 });
    await repo.saveImpacts(Array.from({ length: 6 }, (_, i) => at60m(i)));
    const headlinesOf = async () => ((await get('60m')).json() as { topics: { headlines: number }[] }).topics[0]?.headlines;
    expect(await headlinesOf()).toBe(6);
    await repo.saveImpacts([at60m(6), at60m(7)]);
    clock.advance(30_000);
    // The stale answer, while one read starts behind it (its impact_tests query follows the aggregate one).
    expect(await headlinesOf()).toBe(6);
    await waitFor(() => topics() === 2, { message: () => `the refresh's impact_tests read, seen ${topics()}` });
    await waitFor(async () => (await headlinesOf()) === 8, { message: () => 'the refreshed answer' });
    expect(topics()).toBe(2);
  });

  it('with topicsCacheMs 0, every request reads the store', async () => {
    const { get, topics, all } = await api(0);
    await Promise.all([get(), get()]);
    expect(topics()).toBe(2);
    expect(all()).toBe(4);
  });
});
