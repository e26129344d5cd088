import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { correlatorConfigSchema, start as startCorrelator } from '../../../services/correlator/index.ts';
import { scorerConfigSchema, start as startScorer } from '../../../services/scorer/index.ts';
import { publishEvents } from '../../../shared/bus/typed.ts';
import { TOPICS, messageKey } from '../../../shared/contracts/events.ts';
import { AppError } from '../../../shared/errors.ts';
import { systemClock } from '../../../shared/runtime/clock.ts';
import { kcatRead } from '../../e2e/kafka/helpers.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drained, headlines, newsCounts, newsIdDiff, optimizeNews, testLogger, useWireHarness } from './helpers.ts';

/**
 * Fault (b): the broker leading part of news.raw goes down while headlines are being produced. Each send
 * fails at its deadline instead of hanging, the producer tries the same batch again, and once the broker is
 * back every headline goes through scorer and correlator (in this process, over the wire) into the store once.
 */
describe('a broker down for several seconds while producing', () => {
  const wire = useWireHarness('down');
  let downId: number | undefined;

  afterAll(async () => {
    // Registered after the harness, so it runs before the harness tears the broker down.
    if (downId !== undefined) await wire.broker.brokerUp(downId).catch(() => {});
  });

  it('sends fail at their deadline instead of hanging, nothing is lost, and progress resumes once the broker is back', async () => {
    const N = 1000;
    const CHUNK = 25;
    const news = headlines(N);
    const logger = testLogger('broker-down');
    const { broker, admin, store } = wire;
    const deps = { store, logger, clock: systemClock };
    const pipelineBus = wire.bus('down-pipeline', { sendTimeoutMs: 2_000 });
    const producer = wire.bus('down-producer', { sendTimeoutMs: 1_000 });
    wire.services.push(
      ...(await Promise.all([
        startCorrelator({ ...deps, bus: pipelineBus, config: correlatorConfigSchema.parse({}), metrics: new Registry() }),
        startScorer({ ...deps, bus: pipelineBus, config: scorerConfigSchema.parse({}), metrics: new Registry() }),
      ])),
    );

    const meta = await admin.fetchTopicMetadata({ topics: [TOPICS.newsRaw] });
    const leader = meta.topics[0].partitions.find((p) => p.partitionId === 0)!.leader;

    const failures: unknown[] = [];
    let ackedWhileDown = 0;
    let ackedAfterUp = 0;
    let healthWhileDown: boolean | undefined;
    for (let i = 0, chunk = 0; i < N; i += CHUNK, chunk++) {
      if (chunk === 10) {
        await broker.brokerDown(leader);
        downId = leader;
      }
      for (;;) {
        try {
          await publishEvents(producer, TOPICS.newsRaw, news.slice(i, i + CHUNK), messageKey.newsRaw);
          if (downId !== undefined) ackedWhileDown++;
          else if (failures.length > 0) ackedAfterUp++;
          break;
        } catch (err) {
          failures.push(err);
          // Several failed sends (a second's deadline each) make the several seconds the broker stays down.
          if (downId !== undefined && failures.length >= 4) {
            healthWhileDown = producer.health().ok;
            await broker.brokerUp(downId);
            downId = undefined;
          }
        }
      }
    }

    expect(failures.length).toBeGreaterThanOrEqual(4);
    for (const err of failures) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).retryable).toBe(true);
      expect(['BUS_TIMEOUT', 'BUS_UNAVAILABLE']).toContain((err as AppError).code);
    }
    // Every chunk spans all partitions: none could be acked while the leader of partition 0 was down.
    expect(ackedWhileDown).toBe(0);
    expect(healthWhileDown).toBe(false);
    expect(ackedAfterUp).toBe(N / CHUNK - 10);
    expect(producer.health().ok).toBe(true);

    await waitFor(async () => (await newsCounts(store)).distinct === N, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: `all ${N} headlines in the store`,
    });
    await waitFor(() => drained(admin, 'oilwire-scorer', TOPICS.newsRaw), { timeoutMs: 30_000, intervalMs: 100, message: 'the scorer to commit all of news.raw' });
    await waitFor(() => drained(admin, 'oilwire-correlator-news', TOPICS.newsScored), { timeoutMs: 30_000, intervalMs: 100, message: 'the correlator to commit all of news.scored' });

    // A send cut off by its deadline may still have landed: the topic holds every headline at least once.
    const raw = await kcatRead(broker.bootstrap, TOPICS.newsRaw);
    expect(new Set(raw.map((r) => r.key)).size).toBe(N);
    expect(raw.length).toBeGreaterThanOrEqual(N);

    expect(await newsIdDiff(store, news.map((n) => n.id))).toEqual({ missing: [], extra: 0 });
    await optimizeNews(store);
    expect(await newsCounts(store)).toEqual({ view: N, distinct: N, raw: N });
  });
});
