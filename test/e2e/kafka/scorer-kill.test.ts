import type { Admin } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start as startCorrelator, type CorrelatorService } from '../../../services/correlator/main.ts';
import { correlatorConfigSchema } from '../../../services/correlator/config.ts';
import { startDevBroker, type DevBroker } from '../../../shared/bus/dev-broker.ts';
import type { KafkaBus } from '../../../shared/bus/kafka-bus.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, messageKey } from '../../../shared/contracts/events.ts';
import { systemClock } from '../../../shared/runtime/clock.ts';
import { openStore } from '../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../shared/store/migrate.ts';
import { quoteIdent, type Store } from '../../../shared/store/port.ts';
import { randomName } from '../../helpers/pipeline.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { brokerAdmin, drained, fastKafkaBus, headlines, newsCounts, newsIdDiff, optimizeNews, testLogger, topicCount } from '../../integration/kafka/helpers.ts';
import { killAll, startService, stopService } from './helpers.ts';

/**
 * Fault (a): the scorer runs as its own process (`oilwire run scorer --kafka ...`) and is killed with
 * SIGKILL while headlines are flowing, then started again in the same group. Whatever it had scored but
 * not committed is scored again; the correlator (here in the test process, owning the store) must end
 * with every headline exactly once.
 */
describe('kill -9 of the scorer process mid-stream, then a restart', () => {
  let broker: DevBroker;
  let admin: Admin;
  let store: Store;
  const buses: KafkaBus[] = [];
  let correlator: CorrelatorService | undefined;

  beforeAll(async () => {
    broker = await startDevBroker({ brokers: 3 });
    admin = await brokerAdmin(broker.brokers);
    store = await openStore({ path: ':memory:', database: randomName('kill') });
    await migrate(store);
  });

  afterAll(async () => {
    await killAll();
    await correlator?.stop();
    await Promise.all(buses.map((b) => b.close()));
    await admin?.disconnect();
    if (store) {
      await store.command(`DROP DATABASE IF EXISTS ${quoteIdent(store.database)}`);
      await store.close();
    }
    await broker?.stop();
  });

  it('every headline ends up scored exactly once in ClickHouse', { timeout: 150_000 }, async () => {
    const N = 3000;
    const news = headlines(N);
    const ids = news.map((n) => n.id);
    const logger = testLogger('scorer-kill');
    const correlatorBus = fastKafkaBus(broker, 'kill-correlator');
    const producer = fastKafkaBus(broker, 'kill-producer');
    buses.push(correlatorBus, producer);
    const [first] = await Promise.all([
      startService('scorer', broker.bootstrap, { name: 'scorer#1' }),
      startCorrelator({ bus: correlatorBus, store, config: correlatorConfigSchema.parse({}), logger, clock: systemClock, metrics: new Registry() }).then((c) => (correlator = c)),
    ]);
    const half = N / 2;
    for (let i = 0; i < half; i += 250) await publishEvents(producer, TOPICS.newsRaw, news.slice(i, i + 250), messageKey.newsRaw);

    // Killed as soon as its first scored events are on the topic: mid-batch or between batches, with the second half still to come.
    await waitFor(async () => (await topicCount(admin, TOPICS.newsScored)) > 0, { timeoutMs: 30_000, message: () => `scorer#1 to score something\n${first.tail()}` });
    await first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // The stream goes on while no scorer runs.
    for (let i = half; i < N; i += 250) await publishEvents(producer, TOPICS.newsRaw, news.slice(i, i + 250), messageKey.newsRaw);
    expect(await topicCount(admin, TOPICS.newsRaw)).toBe(N);

    // The dead member keeps its partitions until its session times out (kafkajs default 30 s in the CLI).
    const second = await startService('scorer', broker.bootstrap, { name: 'scorer#2' });
    await waitFor(() => drained(admin, 'oilwire-scorer', TOPICS.newsRaw), {
      timeoutMs: 90_000,
      intervalMs: 200,
      message: () => `the restarted scorer to commit all of news.raw\n${second.tail()}`,
    });
    await waitFor(() => drained(admin, 'oilwire-correlator-news', TOPICS.newsScored), { timeoutMs: 30_000, intervalMs: 100, message: 'the correlator to commit all of news.scored' });

    const scoredOnTopic = await topicCount(admin, TOPICS.newsScored);
    // At least once on the topic: what scorer#1 scored but did not commit was scored again (typically its last batches).
    expect(scoredOnTopic).toBeGreaterThanOrEqual(N);

    expect(await newsIdDiff(store, ids)).toEqual({ missing: [], extra: 0 });
    const counts = await newsCounts(store);
    expect({ view: counts.view, distinct: counts.distinct }).toEqual({ view: N, distinct: N });
    // Redelivered headlines may have left a second row in the raw table until merged; merged, one row per id.
    expect(counts.raw).toBeGreaterThanOrEqual(N);
    await optimizeNews(store);
    expect(await newsCounts(store)).toEqual({ view: N, distinct: N, raw: N });

    await stopService(second);
  });
});
