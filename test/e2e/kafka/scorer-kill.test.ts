import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { correlatorConfigSchema, start as startCorrelator } from '../../../services/correlator/index.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, messageKey } from '../../../shared/contracts/events.ts';
import { systemClock } from '../../../shared/runtime/clock.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drained, headlines, newsCounts, newsIdDiff, optimizeNews, testLogger, topicCount, useWireHarness } from '../../integration/kafka/helpers.ts';
import { killAll, startService, stopService } from './helpers.ts';

/**
 * Fault (a): the scorer runs as its own process (`oilwire run scorer --kafka ...`) and is killed with
 * SIGKILL while headlines are flowing, then started again in the same group. Whatever it had scored but
 * not committed is scored again; the correlator (here in the test process, owning the store) must end
 * with every headline exactly once.
 */
describe('kill -9 of the scorer process mid-stream, then a restart', () => {
  const wire = useWireHarness('kill');

  afterAll(async () => {
    // Before the harness teardown: child processes go before the broker they talk to.
    await killAll();
  });

  it('every headline ends up scored exactly once in ClickHouse', { timeout: 150_000 }, async () => {
    const N = 3000;
    const news = headlines(N);
    const ids = news.map((n) => n.id);
    const logger = testLogger('scorer-kill');
    const { broker, admin, store } = wire;
    const correlatorBus = wire.bus('kill-correlator');
    const producer = wire.bus('kill-producer');
    const [first] = await Promise.all([
      startService('scorer', broker.bootstrap, { name: 'scorer#1' }),
      startCorrelator({ bus: correlatorBus, store, config: correlatorConfigSchema.parse({}), logger, clock: systemClock, metrics: new Registry() }).then((c) => wire.services.push(c)),
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
