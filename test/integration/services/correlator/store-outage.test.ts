/**
 * The store away for longer than the bus's attempt budget, under the correlator on the journaled in-process bus
 * (the default mode): the outage is waited out, not charged to the messages. Every headline and tick is stored
 * once when the store is back and nothing goes to a dead-letter topic (read back from the topics), while a
 * schema-invalid event published after it is still dead-lettered at once. The same over Kafka:
 * test/integration/kafka/store-failure.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, dlqTopic, messageKey, type NewsScored, type PriceTick } from '../../../../shared/contracts/events.ts';
import { AppError } from '../../../../shared/errors.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { correlatorConfigSchema } from '../../../../services/correlator/config.ts';
import { start } from '../../../../services/correlator/main.ts';
import type { ImpactRepository } from '../../../../services/correlator/ports.ts';
import { scoredNews } from '../../../helpers/events.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/** Attempts of a batch about the message; the outage below lasts many times this for every batch. */
const BUDGET = 3;

/** The real repository behind an outage switch: while it is on, every write fails as an unreachable ClickHouse would. */
class OutageRepository implements ImpactRepository {
  down = false;
  failures = 0;
  /** Ids of the articles and ticks each successful write stored, to count how often each one was written. */
  readonly storedNews: string[] = [];
  readonly storedTicks: number[] = [];
  constructor(private readonly inner: ImpactRepository) {}

  private check(): void {
    if (!this.down) return;
    this.failures++;
    throw new AppError('STORE_UNAVAILABLE', 'injected outage: ClickHouse is unreachable');
  }
  async saveNews(articles: NewsScored[]): Promise<void> {
    this.check();
    await this.inner.saveNews(articles);
    this.storedNews.push(...articles.map((a) => a.id));
  }
  async saveTicks(ticks: PriceTick[]): Promise<void> {
    this.check();
    await this.inner.saveTicks(ticks);
    this.storedTicks.push(...ticks.map((t) => t.seq));
  }
  saveImpacts: ImpactRepository['saveImpacts'] = async (i) => {
    this.check();
    await this.inner.saveImpacts(i);
  };
  saveLateTicks: ImpactRepository['saveLateTicks'] = async (l) => {
    this.check();
    await this.inner.saveLateTicks(l);
  };
  loadTicks: ImpactRepository['loadTicks'] = (s, f, t) => this.inner.loadTicks(s, f, t);
  loadUnfinished: ImpactRepository['loadUnfinished'] = (s, h, l) => this.inner.loadUnfinished(s, h, l);
}

let store: Store;
let dir: string;
beforeAll(async () => {
  store = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'oilwire-outage-'));
});
afterAll(async () => {
  await dropTestStore(store);
  rmSync(dir, { recursive: true, force: true });
});

const SYMBOL = 'OUTAGE';
const tick = (seq: number): PriceTick => ({ schema: 'prices.ticks/v1', symbol: SYMBOL, ts: new Date(Date.UTC(2026, 5, 1, 10, 0, seq)).toISOString(), price: 80 + seq / 100, size: 1, source: 'feed', seq });
const article = (i: number): NewsScored => scoredNews({ id: `outage${String(i).padStart(4, '0')}`, published_at: new Date(Date.UTC(2026, 5, 1, 10, 0, i)).toISOString(), title: `Outage headline number ${i} about OPEC+ quotas` });

describe('the store away for longer than the attempt budget, under the correlator on the in-process bus', () => {
  it('waits the outage out: every headline and tick stored once when it is back, nothing dead-lettered; a poison event still is', async () => {
    const bus = await MemoryBus.open({ journalDir: join(dir, 'bus'), fsync: false, retryBackoffMs: 5, maxRetryBackoffMs: 40, maxDeliveryAttempts: BUDGET });
    const repo = new OutageRepository(new ClickHouseImpactRepository(store));
    const config = correlatorConfigSchema.parse({
      groupId: randomName('outage'),
      symbols: [SYMBOL],
      horizons: ['1m'],
      calendar: { kind: 'always' },
      indicators: null,
      evaluateEveryMs: 3_600_000,
      newsBatchSize: 5,
      tickBatchSize: 5,
    });
    const service = await start({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() }, repo);
    try {
      const news = Array.from({ length: 20 }, (_, i) => article(i));
      const ticks = Array.from({ length: 20 }, (_, i) => tick(i));
      repo.down = true;
      await publishEvents(bus, TOPICS.pricesTicks, ticks, messageKey.pricesTicks);
      await publishEvents(bus, TOPICS.newsScored, news, messageKey.newsScored);
      // Far more failed writes than the budget allows all the batches together: under a bounded budget all of them would be dead letters by now.
      await waitFor(() => repo.failures >= BUDGET * 40, { timeoutMs: 30_000, message: () => `failed writes while the store is away: ${repo.failures}` });
      expect(repo.storedNews).toEqual([]);
      expect(repo.storedTicks).toEqual([]);

      repo.down = false;
      await waitFor(() => repo.storedNews.length >= news.length && repo.storedTicks.length >= ticks.length, {
        timeoutMs: 30_000,
        message: () => `stored once the store is back: news ${repo.storedNews.length}/${news.length}, ticks ${repo.storedTicks.length}/${ticks.length}`,
      });
      // Once each, in no particular order across partitions.
      expect([...repo.storedNews].sort()).toEqual(news.map((n) => n.id).sort());
      expect([...repo.storedTicks].sort((a, b) => a - b)).toEqual(ticks.map((t) => t.seq));
      const [row] = await store.query<{ n: string }>(`SELECT uniqExact(id) AS n FROM ${store.table('news')} WHERE id IN {ids:Array(String)}`, { params: { ids: news.map((n) => n.id) } });
      expect(Number(row.n)).toBe(news.length);
      expect(await bus.readTopic(dlqTopic(TOPICS.newsScored))).toEqual([]);
      expect(await bus.readTopic(dlqTopic(TOPICS.pricesTicks))).toEqual([]);

      // A poison event is dead-lettered at once, and the headline behind it on its partition is stored.
      const after = article(99);
      await bus.publish(TOPICS.newsScored, [
        { key: after.id, value: JSON.stringify({ schema: 'news.scored/v1', id: after.id }) },
        { key: after.id, value: JSON.stringify(after) },
      ]);
      await waitFor(() => repo.storedNews.includes(after.id), { timeoutMs: 30_000, message: 'the headline behind the poison stored' });
      const letters = await bus.readTopic(dlqTopic(TOPICS.newsScored));
      expect(letters.map((m) => [m.key, m.headers['x-error-code'], m.headers['x-attempts'], m.headers['x-dead-letter-reason']])).toEqual([[after.id, 'SCHEMA_INVALID', '1', 'non_retryable']]);
    } finally {
      await service.stop();
      await bus.close();
    }
  });
});
