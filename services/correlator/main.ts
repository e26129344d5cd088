import { newsScoredV1, priceTickV1, TOPICS } from '../../shared/contracts/events.ts';
import { subscribeEvents } from '../../shared/bus/typed.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import type { ImpactEngine } from './domain/impact-engine.ts';
import { ClickHouseImpactRepository } from './adapters/clickhouse-impact-store.ts';
import type { CorrelatorConfig } from './config.ts';
import { Correlator, type CorrelatorStats } from './correlator.ts';
import { correlatorMetrics } from './metrics.ts';
import type { ImpactRepository } from './ports.ts';

export type { CorrelatorStats } from './correlator.ts';

export type CorrelatorService = RunningService & {
  stats(): CorrelatorStats;
  /** Writes everything waiting in the outbox now. */
  flush(): Promise<void>;
  engine: ImpactEngine;
};

/** Composition root: the store, the `Correlator` (correlator.ts), its two subscriptions and its periodic evaluation. */
export async function start(deps: ServiceDeps<CorrelatorConfig>, repo: ImpactRepository = new ClickHouseImpactRepository(deps.store)): Promise<CorrelatorService> {
  const { bus, config, logger, clock, metrics } = deps;
  const log = logger.child({ service: 'correlator' });
  const correlator = await Correlator.open({ config, repo, bus, clock, logger, metrics: correlatorMetrics(metrics) });

  const newsSub = await subscribeEvents(bus, {
    groupId: `${config.groupId}-news`,
    topic: TOPICS.newsScored,
    schema: newsScoredV1,
    onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid news.scored sent to DLQ'),
    onRetry: (err, attempt) => log.warn({ err, attempt }, 'news batch failed, retrying'),
    handler: (events) => correlator.handleNews(events.map((e) => e.event)),
  });
  const tickSub = await subscribeEvents(bus, {
    groupId: `${config.groupId}-ticks`,
    topic: TOPICS.pricesTicks,
    schema: priceTickV1,
    maxBatchSize: config.tickBatchSize,
    onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid tick sent to DLQ'),
    onRetry: (err, attempt) => log.warn({ err, attempt }, 'tick batch failed, retrying'),
    handler: (events) => correlator.handleTicks(events.map((e) => e.event)),
  });

  const timer = setInterval(() => {
    correlator.evaluateNow().catch((err) => log.warn({ err }, 'periodic evaluation failed; the next message retries it'));
  }, config.evaluateEveryMs);
  timer.unref();

  return {
    name: 'correlator',
    engine: correlator.engine,
    stats: () => correlator.stats,
    flush: () => correlator.flush(),
    stop: async () => {
      clearInterval(timer);
      await newsSub.close();
      await tickSub.close();
      await correlator.stop();
    },
  };
}
