import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents, subscribeEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, messageKey, newsImpactV1, type NewsImpact, type NewsScored, type PriceTick } from '../../../../shared/contracts/events.ts';
import { AppError } from '../../../../shared/errors.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { correlatorConfigSchema } from '../../../../services/correlator/config.ts';
import { start, type CorrelatorService } from '../../../../services/correlator/main.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';
import { scoredNews } from '../../../helpers/events.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => dropTestStore(store));

const config = (symbol: string) =>
  correlatorConfigSchema.parse({
    groupId: randomName('corr'),
    symbols: [symbol],
    horizons: ['1m'],
    volatilityWindows: 2,
    calendar: { kind: 'always' },
    watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 3_600_000 },
    allowedLatenessMs: 120_000,
    indicators: null,
    evaluateEveryMs: 3_600_000,
  });

const tick = (symbol: string, ts: string, price: number, seq = 0): PriceTick => ({ schema: 'prices.ticks/v1', symbol, ts, price, size: 1, source: 'feed', seq });

function scored(id: string, published_at: string): NewsScored {
  return scoredNews({ id, published_at, oil_direction: { label: 'bullish', strength: 0.6 }, topics: ['opec'], relevance: 70, model: { name: 't', version: '0' } });
}

async function running(symbol: string, repo = new ClickHouseImpactRepository(store)) {
  const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 20 });
  const published: NewsImpact[] = [];
  await subscribeEvents(bus, { groupId: randomName('impacts'), topic: TOPICS.newsImpact, schema: newsImpactV1, handler: async (events) => void published.push(...events.map((e) => e.event)) });
  const service = (await start({ bus, store, config: config(symbol), logger: silentLogger, clock: systemClock, metrics: new Registry() }, repo)) as CorrelatorService;
  return { bus, service, published, ticks: (ts: PriceTick[]) => publishEvents(bus, TOPICS.pricesTicks, ts, messageKey.pricesTicks) };
}

const impactRow = async (id: string) =>
  (await store.query<{ version: number; post_price: number; return_bps: number }>(`SELECT version, post_price, return_bps FROM ${store.table('impact')} WHERE article_id = {id:String}`, { params: { id } }))[0];

describe('correlator service', () => {
  it('emits once the watermark passes, re-emits a new version after a late tick, and records a too-late one in ticks_late', async () => {
    const { bus, service, published, ticks } = await running('SVC');
    const id = 'svc00001';
    await ticks([tick('SVC', '2026-06-01T09:59:00.000Z', 79.8), tick('SVC', '2026-06-01T09:59:30.000Z', 79.9), tick('SVC', '2026-06-01T10:00:00.000Z', 80), tick('SVC', '2026-06-01T10:01:00.000Z', 81)]);
    await publishEvents(bus, TOPICS.newsScored, [scored(id, '2026-06-01T10:00:30.000Z')], messageKey.newsScored);
    await waitFor(() => service.stats().articles === 1 && service.stats().ticks.accepted === 4, { message: 'article and ticks handled' });
    // Target 10:01:30, watermark 10:00:59.999: nothing yet.
    expect(await impactRow(id)).toBeUndefined();

    await ticks([tick('SVC', '2026-06-01T10:02:00.000Z', 81.5)]);
    const v1 = await waitFor(() => impactRow(id), { message: 'first version' });
    expect(v1.version).toBe(1);
    expect(v1.post_price).toBe(81);
    expect(v1.return_bps).toBeCloseTo((81 / 80 - 1) * 1e4, 9);

    // Behind the watermark (10:01:59.999) by less than the 120 s allowed: applied, and it is the last price before the target now.
    await ticks([tick('SVC', '2026-06-01T10:01:15.000Z', 80.6)]);
    const v2 = await waitFor(async () => ((await impactRow(id))?.version === 2 ? impactRow(id) : undefined), { message: 'second version' });
    expect(v2.post_price).toBe(80.6);
    expect(v2.return_bps).toBeCloseTo(75, 9);

    // 10:05 is more than 120 s behind the watermark of 10:09:59.999: too late.
    await ticks([tick('SVC', '2026-06-01T10:10:00.000Z', 82)]);
    await ticks([tick('SVC', '2026-06-01T10:05:00.000Z', 99)]);
    await waitFor(() => service.stats().ticks.too_late === 1, { message: 'too-late tick counted' });
    const late = await waitFor(async () => (await store.query<{ price: number; lateness_ms: string }>(`SELECT price, lateness_ms FROM ${store.table('late_ticks')} WHERE symbol = 'SVC'`))[0]);
    expect([late.price, Number(late.lateness_ms)]).toEqual([99, 5 * 60_000 - 1]);
    expect((await impactRow(id)).version).toBe(2);

    // A redelivered batch changes nothing.
    await ticks([tick('SVC', '2026-06-01T10:00:00.000Z', 80), tick('SVC', '2026-06-01T10:01:00.000Z', 81)]);
    await waitFor(() => service.stats().ticks.duplicate === 2, { message: 'duplicates counted' });
    const [n] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks')} WHERE symbol = 'SVC'`);
    expect(Number(n.n)).toBe(8);

    await waitFor(() => published.length === 2, { message: 'both versions published on news.impact' });
    expect(published.map((p) => [p.version, p.post_price])).toEqual([
      [1, 81],
      [2, 80.6],
    ]);
    await service.stop();
    await bus.close();
  });

  it('after a restart, does not store again the ticks a feed re-sends in differently cut batches (bar volume stays right)', async () => {
    const first = await running('RESEND');
    await first.ticks([tick('RESEND', '2026-06-01T10:00:00.000Z', 80), tick('RESEND', '2026-06-01T10:00:20.000Z', 80.2), tick('RESEND', '2026-06-01T10:00:40.000Z', 80.4)]);
    await waitFor(() => first.service.stats().ticks.accepted === 3);
    await first.service.stop();
    await first.bus.close();

    // A new process: its engine knows nothing; the feed backfills the last two ticks again with a new one.
    const second = await running('RESEND');
    await second.ticks([tick('RESEND', '2026-06-01T10:00:20.000Z', 80.2), tick('RESEND', '2026-06-01T10:00:40.000Z', 80.4), tick('RESEND', '2026-06-01T10:01:00.000Z', 80.6)]);
    // The two it stored before the restart are duplicates (as they were before it), the new one is on time.
    await waitFor(() => second.service.stats().ticks.accepted === 1 && second.service.stats().ticks.duplicate === 2, { message: () => JSON.stringify(second.service.stats().ticks) });
    const bars = await store.query<{ volume: number; ticks: string }>(`SELECT volume, ticks FROM ${store.table('bars_1m')} WHERE symbol = 'RESEND' ORDER BY ts`);
    expect(bars.map((b) => [b.volume, Number(b.ticks)])).toEqual([
      [3, 3],
      [1, 1],
    ]);
    await second.service.stop();
    await second.bus.close();
  });

  it('keeps results in its outbox when the store fails and writes them on a retry', async () => {
    const real = new ClickHouseImpactRepository(store);
    let failures = 1;
    const flaky = Object.assign(Object.create(real) as ClickHouseImpactRepository, {
      saveImpacts: async (impacts: NewsImpact[]) => {
        if (failures-- > 0) throw new Error('store went away');
        return real.saveImpacts(impacts);
      },
    });
    const { bus, service, ticks } = await running('FLAKY', flaky);
    await ticks([tick('FLAKY', '2026-06-01T10:00:00.000Z', 80)]);
    await publishEvents(bus, TOPICS.newsScored, [scored('flaky001', '2026-06-01T10:00:00.000Z')], messageKey.newsScored);
    await waitFor(() => service.stats().articles >= 1);
    await ticks([tick('FLAKY', '2026-06-01T10:01:00.000Z', 80.8), tick('FLAKY', '2026-06-01T10:01:00.001Z', 80.9)]);
    const row = await waitFor(() => impactRow('flaky001'), { message: 'impact written after the failure' });
    expect(failures).toBeLessThan(0);
    expect([row.version, row.post_price]).toEqual([1, 80.8]);
    await service.stop();
    await bus.close();
  });

  it('started without a repository, writes impacts and looks up content on store connections of their own and closes them once stopped', async () => {
    // The real store, with each connection's inserts noted by table, and which connections looked up content.
    const inserts = { shared: [] as string[], own: [] as string[] };
    const lookups: string[] = [];
    let ownClosed = 0;
    let opened = 0;
    const noting = (inner: Store, into: string[], onClose: () => Promise<void>, name = 'shared'): Store => ({
      kind: inner.kind,
      database: inner.database,
      table: (name) => inner.table(name),
      insert: (table, rows, options) => (into.push(table), inner.insert(table, rows, options)),
      query: (sql, options) => (/content_id IN/.test(sql) && lookups.push(name), inner.query(sql, options)),
      queryText: (sql, format, options) => inner.queryText(sql, format, options),
      command: (sql, options) => inner.command(sql, options),
      ping: () => inner.ping(),
      isolated: async (access) => {
        const own = await inner.isolated(access);
        return noting(
          own,
          inserts.own,
          async () => {
            ownClosed++;
            await own.close();
          },
          `own${++opened}`,
        );
      },
      close: onClose,
    });
    const shared = noting(store, inserts.shared, async () => undefined);
    const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 20 });
    const service = await start({ bus, store: shared, config: config('OWN'), logger: silentLogger, clock: systemClock, metrics: new Registry() });
    await publishEvents(bus, TOPICS.pricesTicks, [tick('OWN', '2026-06-01T10:00:00.000Z', 80)], messageKey.pricesTicks);
    await publishEvents(bus, TOPICS.newsScored, [scored('own00001', '2026-06-01T10:00:00.000Z')], messageKey.newsScored);
    await waitFor(() => service.stats().articles === 1, { message: 'article handled' });
    await publishEvents(bus, TOPICS.pricesTicks, [tick('OWN', '2026-06-01T10:01:00.000Z', 80.8), tick('OWN', '2026-06-01T10:01:00.001Z', 80.9)], messageKey.pricesTicks);
    const row = await waitFor(() => impactRow('own00001'), { message: 'impact written' });
    expect([row.version, row.post_price]).toEqual([1, 80.8]);
    expect(inserts.own).toEqual(['impact_store']);
    expect(inserts.shared).not.toContain('impact_store');
    expect(inserts.shared).toEqual(expect.arrayContaining(['ticks_store', 'news_store']));
    // The impact inserts' connection is the first opened, the lookups' the second: neither waits for the news inserts.
    expect(lookups).toEqual(['own2']);
    expect(ownClosed).toBe(0);
    await service.stop();
    expect(ownClosed).toBe(2);
    await bus.close();
  });

  it('fails to start with an AppError naming the impact writes when their connection cannot be opened', async () => {
    const broken = await openTestStore();
    // Its database gone, a new connection cannot `USE` it: a real failure of `isolated()`.
    await broken.command(`DROP DATABASE ${broken.database}`);
    const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 20 });
    try {
      const started = start({ bus, store: broken, config: config('BROKEN'), logger: silentLogger, clock: systemClock, metrics: new Registry() });
      await expect(started).rejects.toBeInstanceOf(AppError);
      await expect(started).rejects.toMatchObject({ code: 'STORE_QUERY_FAILED', retryable: false, message: expect.stringMatching(/^correlator: opening the store connection for impact writes failed: /) });
    } finally {
      await bus.close();
      await broken.close();
    }
  });
});
