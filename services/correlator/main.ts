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
 * A connection of the correlator's own. One chDB connection runs one statement at a time: on the shared one an
 * impact insert waits for the tick insert of its own batch and the news inserts in flight (docs/performance.md,
 * "Horizon due to news.impact"), and a news batch's content lookup for the insert of the batch before it
 * (docs/performance.md, "Pipeline"). On a server `isolated()` shares the client, whose requests already run side by side.
 */
async function ownConnection(store: Store, what: string): Promise<Store> {
  try {
    return await store.isolated();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const code = err instanceof AppError ? err.code : 'STORE_UNAVAILABLE';
    throw new AppError(code, `correlator: opening the store connection for ${what} failed: ${text}`, { cause: err, retryable: err instanceof AppError ? err.retryable : true, outage: err instanceof AppError ? err.outage : undefined });
  }
}

/**
 * Composition root: the store, the `Correlator` (correlator.ts), its two subscriptions and its periodic evaluation.
 * Given a `repo` (tests, benches), it is used as it is and no connection is opened for it.
 */
export async function start(deps: ServiceDeps<CorrelatorConfig>, repo?: ImpactRepository): Promise<CorrelatorService> {
  const { bus, config, logger, clock, metrics } = deps;
  const log = logger.child({ service: 'correlator' });
  const own: Store[] = [];
  const closeOwn = () => Promise.all(own.splice(0).map((s) => s.close().catch((err: unknown) => log.warn({ err }, "closing one of the correlator's store connections failed"))));
  let correlator: Correlator;
  let newsSub: Subscription;
  let tickSub: Subscription;
  try {
    if (!repo) {
      own.push(await ownConnection(deps.store, 'impact writes'));
      own.push(await ownConnection(deps.store, 'content lookups'));
    }
    correlator = await Correlator.open({ config, repo: repo ?? new ClickHouseImpactRepository(deps.store, own[0], own[1]), bus, clock, logger, metrics: correlatorMetrics(metrics) });
    newsSub = await subscribeEvents(bus, {
      groupId: `${config.groupId}-news`,
      topic: TOPICS.newsScored,
      schema: newsScoredV1,
      maxBatchSize: config.newsBatchSize,
      onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid news.scored sent to DLQ'),
      handler: (events) => correlator.handleNews(events.map((e) => e.event)),
    });
    tickSub = await subscribeEvents(bus, {
      groupId: `${config.groupId}-ticks`,
      topic: TOPICS.pricesTicks,
      schema: priceTickV1,
      maxBatchSize: config.tickBatchSize,
      onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid tick sent to DLQ'),
      handler: (events) => correlator.handleTicks(events.map((e) => e.event)),
    });
  } catch (err) {
    await closeOwn();
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
      // The correlator writes what is left in its outbox on stop: its connections close after that.
      await correlator.stop();
      await closeOwn();
    },
  };
}
