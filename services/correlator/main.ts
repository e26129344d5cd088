import { Counter, Gauge } from 'prom-client';
import { TOPICS, messageKey, newsScoredV1, priceTickV1, type NewsImpact } from '../../shared/contracts/events.ts';
import { publishEvents, subscribeEvents } from '../../shared/bus/typed.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { ImpactEngine } from './domain/impact-engine.ts';
import { ClickHouseImpactRepository } from './adapters/clickhouse-impact-store.ts';
import type { CorrelatorConfig } from './config.ts';
import type { ImpactRepository } from './ports.ts';

export async function start(deps: ServiceDeps<CorrelatorConfig>, repo: ImpactRepository = new ClickHouseImpactRepository(deps.store)): Promise<RunningService> {
  const { bus, config, logger, clock, metrics } = deps;
  const log = logger.child({ service: 'correlator' });
  const impactsTotal = new Counter({ name: 'oilwire_correlator_impacts_total', help: 'Impact results emitted', labelNames: ['horizon'], registers: [metrics] });
  const stored = new Counter({ name: 'oilwire_correlator_stored_total', help: 'Rows written by kind', labelNames: ['kind'], registers: [metrics] });
  const pendingGauge = new Gauge({ name: 'oilwire_correlator_pending_articles', help: 'Articles waiting for horizons', registers: [metrics] });
  const engine = new ImpactEngine({
    symbols: config.symbols,
    horizons: config.horizons,
    volatilityWindows: config.volatilityWindows,
    maxPendingAgeMs: config.maxPendingAgeHours * 3_600_000,
  });
  const loadedFrom = new Map<string, number>(config.symbols.map((s) => [s, Infinity]));

  // Handlers of both topics and all partitions share one engine: run them one at a time.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  async function ensureHistory(): Promise<void> {
    for (const symbol of config.symbols) {
      const need = engine.earliestNeeded(symbol);
      const have = loadedFrom.get(symbol)!;
      if (need === undefined || need >= have) continue;
      const rows = await repo.loadTicks(symbol, need, have === Infinity ? 1e13 : have);
      for (const r of rows) engine.addTick({ symbol, ...r });
      loadedFrom.set(symbol, need);
    }
  }

  async function emit(): Promise<void> {
    const impacts: NewsImpact[] = engine.evaluate(clock.now());
    pendingGauge.set(engine.pendingCount);
    if (impacts.length === 0) return;
    await repo.saveImpacts(impacts);
    stored.inc({ kind: 'impact' }, impacts.length);
    await publishEvents(bus, TOPICS.newsImpact, impacts, messageKey.newsImpact);
    for (const i of impacts) impactsTotal.inc({ horizon: i.horizon });
  }

  // Articles stored before a restart but not fully measured are picked up again from the store.
  for (const { article, done } of await repo.loadUnfinished(config.symbols, config.horizons, 1_000_000)) engine.addArticle(article, done);
  await ensureHistory();
  log.info({ pending: engine.pendingCount }, 'correlator recovered pending articles');

  const newsSub = await subscribeEvents(bus, {
    groupId: `${config.groupId}-news`,
    topic: TOPICS.newsScored,
    schema: newsScoredV1,
    onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid news.scored sent to DLQ'),
    onRetry: (err, attempt) => log.warn({ err, attempt }, 'news batch failed, retrying'),
    handler: (events) =>
      exclusive(async () => {
        const articles = events.map((e) => e.event);
        await repo.saveNews(articles);
        stored.inc({ kind: 'news' }, articles.length);
        for (const a of articles) engine.addArticle(a);
        await ensureHistory();
        await emit();
      }),
  });

  const tickSub = await subscribeEvents(bus, {
    groupId: `${config.groupId}-ticks`,
    topic: TOPICS.pricesTicks,
    schema: priceTickV1,
    onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid tick sent to DLQ'),
    onRetry: (err, attempt) => log.warn({ err, attempt }, 'tick batch failed, retrying'),
    handler: (events) =>
      exclusive(async () => {
        const ticks = events.map((e) => e.event);
        await repo.saveTicks(ticks);
        stored.inc({ kind: 'tick' }, ticks.length);
        for (const t of ticks) engine.addTick({ symbol: t.symbol, ts: Date.parse(t.ts), price: t.price, identity: `${t.source}|${Date.parse(t.ts)}|${t.seq}` });
        await emit();
      }),
  });

  return {
    name: 'correlator',
    stop: async () => {
      await newsSub.close();
      await tickSub.close();
      await chain;
    },
  };
}
