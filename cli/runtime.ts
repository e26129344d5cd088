import { resolve } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { openBus, type OpenBusDeps } from '../shared/bus/open-bus.ts';
import type { Bus } from '../shared/bus/port.ts';
import { TOPIC_PARTITIONS, dlqTopic } from '../shared/contracts/events.ts';
import { openStore } from '../shared/store/clickhouse-store.ts';
import { migrate } from '../shared/store/migrate.ts';
import type { Store } from '../shared/store/port.ts';
import { systemClock, type Clock } from '../shared/runtime/clock.ts';
import { trackWrites } from '../shared/runtime/health.ts';
import { createLogger, type Logger } from '../shared/runtime/logger.ts';
import type { RunningService, ServiceName } from '../shared/runtime/service.ts';
import { start as startIngestNews } from '../services/ingest-news/index.ts';
import { start as startIngestPrices, createProgressBar, type IngestPricesOptions, type ProgressBar, type ProgressStream } from '../services/ingest-prices/index.ts';
import { start as startScorer } from '../services/scorer/index.ts';
import { start as startCorrelator } from '../services/correlator/index.ts';
import { start as startApi, type PriceSourceView } from '../services/api/index.ts';
import { ingestNewsStateDir, type RootConfig } from './config.ts';

export interface Runtime {
  config: RootConfig;
  bus: Bus;
  store: Store;
  logger: Logger;
  clock: Clock;
  metrics: Registry;
  /** Set once ingest-prices runs in this process: the API's source status panel reads it. */
  priceSources?: () => PriceSourceView[];
  close(): Promise<void>;
}

export const ALL_TOPICS = Object.entries(TOPIC_PARTITIONS).flatMap(([topic, partitions]) => [
  { topic, partitions },
  { topic: dlqTopic(topic), partitions: 1 },
]);

export interface RuntimeOptions {
  logger?: Logger;
  clock?: Clock;
  bus?: Bus;
  busDeps?: OpenBusDeps;
  /** Runs after the bus and store are closed (e.g. stopping an embedded dev broker). */
  onClose?: () => Promise<void>;
}

/** The in-process bus journals beside the embedded store's data, so `--data` moves both; an in-memory store means a throwaway run. */
export function busJournalDir(config: RootConfig): string | undefined {
  if (config.bus.kind !== 'memory' || config.store.path === ':memory:') return undefined;
  return resolve(config.store.path, 'bus');
}

export async function openRuntime(config: RootConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  // Every service of the process writes through this store: its inserts' outcomes are what /readyz reports as `writes`.
  const store = trackWrites(
    await openStore({
      ...config.store,
      path: config.store.path,
      // A damaged part makes reads fail until the store has the engine move it aside (clickhouse-store.ts `repair`).
      onDamage: ({ event, damage, movedAside, rebuiltIndexes }) => {
        if (event === 'found') logger.error({ engineError: damage.engineError, err: damage.error, attempt: damage.attempts }, 'store: the engine reports a damaged data part; checking and repairing');
        else if (event === 'repaired' && rebuiltIndexes?.length) logger.warn({ broken: damage.broken, rebuiltIndexes }, "store: damaged skip indexes rebuilt from their parts' columns; reads work again, no row moved");
        else if (event === 'repaired') logger.warn({ broken: damage.broken, movedAside }, 'store: damaged parts moved aside by the engine; reads work again');
        else logger.error({ broken: damage.broken, note: damage.note }, 'store: damaged parts not repaired; /readyz stays not ready');
      },
    }),
  );
  try {
    await migrate(store, { onApplied: (m) => logger.info({ migration: `${String(m.version).padStart(3, '0')}_${m.name}` }, 'migration applied') });
  } catch (err) {
    await store.close();
    throw err;
  }
  let bus: Bus;
  try {
    bus = options.bus ?? (await openBus({ journalDir: busJournalDir(config), ...config.bus }, logger, { metrics, ...options.busDeps }));
    await bus.ensureTopics?.(ALL_TOPICS);
  } catch (err) {
    await store.close();
    await options.onClose?.();
    throw err;
  }
  return {
    config,
    bus,
    store,
    logger,
    clock: options.clock ?? systemClock,
    metrics,
    async close() {
      try {
        await bus.close();
        await store.close();
      } finally {
        await options.onClose?.();
      }
    },
  };
}

/** Consumers start before producers, so nothing is produced into a pipeline that is not listening yet. */
export const START_ORDER: ServiceName[] = ['api', 'correlator', 'scorer', 'ingest-prices', 'ingest-news'];

export interface StartOptions {
  /** Where replays draw their progress bars (a terminal's stderr); nothing is drawn elsewhere. */
  progress?: ProgressStream;
}

function replayProgress(stream: ProgressStream | undefined): IngestPricesOptions['onProgress'] {
  if (!stream?.isTTY) return undefined;
  const bars = new Map<string, ProgressBar>();
  return (source, p) => {
    let bar = bars.get(source.name);
    if (!bar) bars.set(source.name, (bar = createProgressBar(stream, `replay ${source.name}`)));
    if (p.done >= p.total) bar.finish(`${p.done} ${p.unit}`);
    else bar.update(p.done, p.total, `${p.done}/${p.total} ${p.unit}`);
  };
}

export async function startService(name: ServiceName, rt: Runtime, options: StartOptions = {}): Promise<RunningService> {
  const base = { bus: rt.bus, store: rt.store, logger: rt.logger, clock: rt.clock, metrics: rt.metrics };
  switch (name) {
    case 'ingest-news':
      return startIngestNews({ ...base, config: { ...rt.config.ingestNews, stateDir: ingestNewsStateDir(rt.config) } });
    case 'ingest-prices': {
      const svc = await startIngestPrices({ ...base, config: rt.config.ingestPrices }, { onProgress: replayProgress(options.progress) });
      rt.priceSources = () => svc.status();
      return svc;
    }
    case 'scorer':
      return startScorer({ ...base, config: rt.config.scorer });
    case 'correlator':
      return startCorrelator({ ...base, config: rt.config.correlator });
    case 'api':
      // The API starts first; it asks for the sources' status when a page does.
      return startApi({ ...base, config: rt.config.api }, { priceSources: () => rt.priceSources?.() ?? null });
  }
}

export async function startServices(names: ServiceName[], rt: Runtime, options: StartOptions = {}): Promise<RunningService[]> {
  const started: RunningService[] = [];
  try {
    for (const name of START_ORDER.filter((n) => names.includes(n))) started.push(await startService(name, rt, options));
  } catch (err) {
    await stopServices(started);
    throw err;
  }
  return started;
}

/** Producers stop first, consumers last, so in-flight work drains into acked state. */
export async function stopServices(services: RunningService[]): Promise<void> {
  for (const s of [...services].reverse()) await s.stop();
}
