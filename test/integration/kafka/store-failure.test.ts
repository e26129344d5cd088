import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ClickHouseImpactRepository, correlatorConfigSchema, start as startCorrelator, type ImpactRepository } from '../../../services/correlator/index.ts';
import { scorerConfigSchema, start as startScorer } from '../../../services/scorer/index.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, dlqTopic, messageKey, type NewsScored } from '../../../shared/contracts/events.ts';
import { AppError } from '../../../shared/errors.ts';
import { systemClock } from '../../../shared/runtime/clock.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { committedCount, drained, headlines, newsCounts, newsIdDiff, optimizeNews, testLogger, topicCount, useWireHarness } from './helpers.ts';

/** The correlator's real repository, with an outage switch: while it is on, writing news fails as an unreachable ClickHouse would. */
class FlakyRepository implements ImpactRepository {
  failing = false;
  failures = 0;
  constructor(private readonly inner: ImpactRepository) {}

  async saveNews(articles: NewsScored[]): Promise<void> {
    if (this.failing) {
      this.failures++;
      throw new AppError('STORE_UNAVAILABLE', 'injected outage: ClickHouse is unreachable');
    }
    await this.inner.saveNews(articles);
  }
  saveTicks: ImpactRepository['saveTicks'] = (t) => this.inner.saveTicks(t);
  saveImpacts: ImpactRepository['saveImpacts'] = (i) => this.inner.saveImpacts(i);
  saveLateTicks: ImpactRepository['saveLateTicks'] = (l) => this.inner.saveLateTicks(l);
  loadTicks: ImpactRepository['loadTicks'] = (s, f, t) => this.inner.loadTicks(s, f, t);
  loadUnfinished: ImpactRepository['loadUnfinished'] = (s, h, l) => this.inner.loadUnfinished(s, h, l);
}

/** Attempts of a batch about the message: the outage below lasts many times this per batch. */
const BUDGET = 3;

/**
 * Fault (c): the store fails for a while under the correlator, which consumes news.scored over the wire.
 * The failing batches are retried and their offsets are not committed meanwhile; when the store is back
 * every headline is written, once. The outage outlasts the bus's attempt budget many times over and
 * spends none of it: nothing goes to news.scored.dlq (read from the topic), while a schema-invalid
 * event published after it still goes there at once.
 */
describe('the store failing for a while under the correlator', () => {
  const wire = useWireHarness('flaky');

  it('retries without committing while the store is down, past the attempt budget, and loses or dead-letters nothing', async () => {
    const BEFORE = 200;
    const DURING = 300;
    const N = BEFORE + DURING;
    const news = headlines(N);
    const group = 'oilwire-correlator-news';
    const logger = testLogger('store-failure');
    const { admin, store } = wire;
    const bus = wire.bus('flaky-pipeline', { maxDeliveryAttempts: BUDGET });
    const producer = wire.bus('flaky-producer');
    const repo = new FlakyRepository(new ClickHouseImpactRepository(store));
    const deps = { bus, store, logger, clock: systemClock };
    wire.services.push(
      ...(await Promise.all([
        startCorrelator({ ...deps, config: correlatorConfigSchema.parse({}), metrics: new Registry() }, repo),
        startScorer({ ...deps, config: scorerConfigSchema.parse({}), metrics: new Registry() }),
      ])),
    );

    await publishEvents(producer, TOPICS.newsRaw, news.slice(0, BEFORE), messageKey.newsRaw);
    await waitFor(async () => (await topicCount(admin, TOPICS.newsScored)) === BEFORE && (await drained(admin, group, TOPICS.newsScored)), {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: 'the first headlines scored, stored and committed',
    });
    expect(await committedCount(admin, group, TOPICS.newsScored)).toBe(BEFORE);
    expect((await newsCounts(store)).distinct).toBe(BEFORE);

    repo.failing = true;
    await publishEvents(producer, TOPICS.newsRaw, news.slice(BEFORE), messageKey.newsRaw);
    // The scorer is unaffected: everything reaches news.scored, and the correlator keeps failing on it.
    await waitFor(async () => (await topicCount(admin, TOPICS.newsScored)) === N && repo.failures >= 10, {
      timeoutMs: 30_000,
      intervalMs: 50,
      message: () => `news.scored complete and at least 10 failed writes (${repo.failures})`,
    });
    expect(await committedCount(admin, group, TOPICS.newsScored)).toBe(BEFORE);
    // Every partition with headlines tries its batch again and again: far more failures than the budget allows a batch.
    const failuresSeen = repo.failures;
    await waitFor(() => repo.failures >= Math.max(failuresSeen + 5, BUDGET * 20), { timeoutMs: 60_000, message: () => `the consumer to keep retrying (${repo.failures})` });
    expect(await committedCount(admin, group, TOPICS.newsScored)).toBe(BEFORE);
    expect((await newsCounts(store)).distinct).toBe(BEFORE);

    repo.failing = false;
    await waitFor(() => drained(admin, group, TOPICS.newsScored), { timeoutMs: 30_000, intervalMs: 100, message: 'everything committed once the store is back' });
    expect(await committedCount(admin, group, TOPICS.newsScored)).toBe(N);
    expect(await newsIdDiff(store, news.map((n) => n.id))).toEqual({ missing: [], extra: 0 });
    await optimizeNews(store);
    expect(await newsCounts(store)).toEqual({ view: N, distinct: N, raw: N });
    expect(await bus.readTopic(dlqTopic(TOPICS.newsScored))).toEqual([]);

    // A poison event is still dead-lettered at once, and the partition goes on past it.
    await producer.publish(TOPICS.newsScored, [{ key: 'poison', value: JSON.stringify({ schema: 'news.scored/v1', id: 'poison' }) }]);
    await waitFor(() => drained(admin, group, TOPICS.newsScored), { timeoutMs: 30_000, intervalMs: 100, message: 'the poison committed past' });
    const letters = await bus.readTopic(dlqTopic(TOPICS.newsScored));
    expect(letters.map((m) => [m.key, m.headers['x-error-code'], m.headers['x-attempts']])).toEqual([['poison', 'SCHEMA_INVALID', '1']]);
    expect((await newsCounts(store)).distinct).toBe(N);
  });
});
