import { newsScoredV1, priceTickV1, TOPICS } from '../../shared/contracts/events.ts';
import type { Subscription } from '../../shared/bus/port.ts';
import { subscribeEvents } from '../../shared/bus/typed.ts';
import { AppError } from '../../shared/errors.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import type { Store } from '../../shared/store/port.ts';
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

/**
 * The impact inserts' own connection. One chDB connection runs one statement at a time: on the shared one an
 * impact insert waits for the tick insert of its own batch and the news inserts in flight (docs/performance.md,
 * "Horizon due to news.impact"). On a server `isolated()` shares the client, whose requests already run side by side.
 */
async function impactConnection(store: Store): Promise<Store> {
  try {
    return await store.isolated();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const code = err instanceof AppError ? err.code : 'STORE_UNAVAILABLE';
    throw new AppError(code, `correlator: opening the store connection for impact writes failed: ${text}`, { cause: err, retryable: err instanceof AppError ? err.retryable : true });
  }
}

/**
 * Composition root: the store, the `Correlator` (correlator.ts), its two subscriptions and its periodic evaluation.
 * Given a `repo` (tests, benches), it is used as it is and no connection is opened for it.
 */
export async function start(deps: ServiceDeps<CorrelatorConfig>, repo?: ImpactRepository): Promise<CorrelatorService> {
  const { bus, config, logger, clock, metrics } = deps;
  const log = logger.child({ service: 'correlator' });
  const impactStore = repo ? undefined : await impactConnection(deps.store);
  const closeImpactStore = () => impactStore?.close().catch((err: unknown) => log.warn({ err }, 'closing the impact writes\' store connection failed'));
  let correlator: Correlator;
  let newsSub: Subscription;
  let tickSub: Subscription;
  try {
    correlator = await Correlator.open({ config, repo: repo ?? new ClickHouseImpactRepository(deps.store, impactStore), bus, clock, logger, metrics: correlatorMetrics(metrics) });
    newsSub = await subscribeEvents(bus, {
      groupId: `${config.groupId}-news`,
      topic: TOPICS.newsScored,
      schema: newsScoredV1,
      onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid news.scored sent to DLQ'),
      onRetry: (err, attempt) => log.warn({ err, attempt }, 'news batch failed, retrying'),
      handler: (events) => correlator.handleNews(events.map((e) => e.event)),
    });
    tickSub = await subscribeEvents(bus, {
      groupId: `${config.groupId}-ticks`,
      topic: TOPICS.pricesTicks,
      schema: priceTickV1,
      maxBatchSize: config.tickBatchSize,
      onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid tick sent to DLQ'),
      onRetry: (err, attempt) => log.warn({ err, attempt }, 'tick batch failed, retrying'),
      handler: (events) => correlator.handleTicks(events.map((e) => e.event)),
    });
  } catch (err) {
    await closeImpactStore();
    throw err;
  }

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
      // The correlator writes what is left in its outbox on stop: its connection closes after that.
      await correlator.stop();
      await closeImpactStore();
    },
  };
}
