import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/index.ts';
import { replayStoredEvents, type StoredEvent } from '../../../../services/api/adapters/store-event-reader.ts';
import { spyOnQueries } from '../../../helpers/query-spy.ts';
import { dropTestStore, openTestStore } from './helpers.ts';
import { impactEvent, scoredEvent } from './fixtures.ts';

const N = 1200;
const T0 = Date.parse('2026-06-01T09:00:00Z');
let store: Store;

/** The store, counting the queries that reach it. */
function counting(inner: Store): { store: Store; queries: () => number } {
  let n = 0;
  return { store: spyOnQueries(inner, () => n++), queries: () => n };
}

async function collect(it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

beforeAll(async () => {
  store = await openTestStore();
  const repo = new ClickHouseImpactRepository(store);
  // Fifty rows share each timestamp: a page boundary inside a run of equal times must neither repeat nor skip a row.
  const at = (i: number) => new Date(T0 + Math.floor(i / 50) * 1000).toISOString();
  const articles = Array.from({ length: N }, (_, i) => scoredEvent(i, { scored_at: at(i) }));
  const impacts = Array.from({ length: N }, (_, i) => impactEvent(i, { computed_at: at(i) }));
  await repo.saveNews(articles);
  await repo.saveImpacts(impacts);
});

afterAll(async () => {
  await dropTestStore(store);
});

describe('store replay for /stream', () => {
  it('reads every row once, in time order, in pages of about pageBytes', async () => {
    const { store: s, queries } = counting(store);
    const events = await collect(replayStoredEvents(s, T0, new Set(['news.scored', 'news.impact', 'alert']), { maxEvents: 10_000, pageBytes: 16 * 1024 }));
    expect(events).toHaveLength(2 * N);
    expect(new Set(events.map((e) => `${e.topic}|${e.key}`)).size).toBe(2 * N);
    for (let i = 1; i < events.length; i++) expect(events[i].t).toBeGreaterThanOrEqual(events[i - 1].t);
    // Equal times: news before impact, as the live stream would have carried them.
    expect(events.slice(0, 100).map((e) => e.topic)).toEqual([...Array(50).fill('news.scored'), ...Array(50).fill('news.impact')]);
    expect(JSON.parse(events[0].data)).toEqual(events[0].event);
    // 16 KB pages of rows weighing several hundred bytes: many small queries, not one big one per table.
    expect(queries()).toBeGreaterThan(20);
  });

  it('reads no further than the caller pulls', async () => {
    const { store: s, queries } = counting(store);
    const replay = replayStoredEvents(s, T0, new Set(['news.scored']), { maxEvents: 10_000, pageBytes: 16 * 1024 });
    const first: StoredEvent[] = [];
    for await (const e of replay) {
      first.push(e);
      if (first.length === 10) break;
    }
    expect(first.map((e) => JSON.parse(e.data).id)).toEqual(Array.from({ length: 10 }, (_, i) => `article-${String(i).padStart(4, '0')}`));
    // The first page (100 rows) was enough; nothing else was read.
    expect(queries()).toBe(1);
  });

  it('stops at maxEvents and when its signal aborts', async () => {
    expect(await collect(replayStoredEvents(store, T0, new Set(['news.impact']), { maxEvents: 333 }))).toHaveLength(333);
    const ac = new AbortController();
    const got: StoredEvent[] = [];
    for await (const e of replayStoredEvents(store, T0, new Set(['news.scored']), { maxEvents: 10_000, signal: ac.signal })) {
      got.push(e);
      if (got.length === 5) ac.abort();
    }
    expect(got).toHaveLength(5);
  });

  it('replays the stored tod_z and pre_event_bps of an impact, and leaves them out when NULL', async () => {
    // Written after the other tests' reads, a day later, so only these two rows are read back.
    const later = T0 + 86_400_000;
    const at = new Date(later).toISOString();
    const withContext = impactEvent(9001, { computed_at: at, tod_z: 2.5, pre_event_bps: -13.25 });
    const without = impactEvent(9002, { computed_at: at, horizon: '1d', horizon_seconds: 86_400 });
    await new ClickHouseImpactRepository(store).saveImpacts([withContext, without]);
    const events = await collect(replayStoredEvents(store, later, new Set(['news.impact']), { maxEvents: 10 }));
    expect(events).toHaveLength(2);
    const [a, b] = events.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(a).toEqual(withContext);
    expect(a.tod_z).toBe(2.5);
    expect(a.pre_event_bps).toBe(-13.25);
    expect(b).toEqual(without);
    expect(b).not.toHaveProperty('tod_z');
    expect(b).not.toHaveProperty('pre_event_bps');
  });

  it('replays the stored estimation windows, SAR and estimation-window abnormal returns (migration 013), none when absent', async () => {
    const later = T0 + 2 * 86_400_000;
    const at = new Date(later).toISOString();
    const withTests = impactEvent(9003, { computed_at: at, estimation_windows: 3, sar: 1.375, estimation_ar_bps: [2.5, -1.25, -1.25] });
    const without = impactEvent(9004, { computed_at: at });
    await new ClickHouseImpactRepository(store).saveImpacts([withTests, without]);
    const events = await collect(replayStoredEvents(store, later, new Set(['news.impact']), { maxEvents: 10 }));
    const [a, b] = events.map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(a).toEqual(withTests);
    expect(b).toEqual(without);
    for (const k of ['estimation_windows', 'sar', 'estimation_ar_bps']) expect(b).not.toHaveProperty(k);
  });
});
