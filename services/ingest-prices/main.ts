import { Counter } from 'prom-client';
import { TOPICS, messageKey } from '../../shared/contracts/events.ts';
import { publishEvents } from '../../shared/bus/typed.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { toTickEvent, type RawTick } from './domain/parse-prices.ts';
import { simulateTicks } from './domain/simulator.ts';
import { createTickValidator } from './domain/validate-tick.ts';
import { CsvTickSource } from './adapters/file-tick-source.ts';
import type { IngestPricesConfig, PriceSourceConfig } from './config.ts';
import type { TickSource } from './ports.ts';

function buildSource(src: PriceSourceConfig, config: IngestPricesConfig): TickSource & { source: string; speed: number } {
  if (src.kind === 'csv') {
    return Object.assign(new CsvTickSource(src.path, src.path, { symbol: src.symbol, closeUtc: config.dailyCloseUtc, batchSize: config.batchSize }), {
      source: src.source,
      speed: src.speed,
    });
  }
  const ticks = simulateTicks({
    symbol: src.symbol,
    seed: src.seed,
    startMs: Date.parse(src.start),
    intervalSec: src.intervalSec,
    count: src.count,
    startPrice: src.startPrice,
    volBps: src.volBps,
    jumps: src.jumps.map((j) => ({ atMs: Date.parse(j.at), bps: j.bps, overSec: j.overSec })),
  });
  return {
    name: `simulator:${src.symbol}:${src.seed}`,
    source: src.source,
    speed: src.speed,
    async *ticks() {
      for (let i = 0; i < ticks.length; i += config.batchSize) yield ticks.slice(i, i + config.batchSize);
    },
  };
}

export async function start(deps: ServiceDeps<IngestPricesConfig>, extraSources: (TickSource & { source: string; speed: number })[] = []): Promise<RunningService> {
  const { bus, config, logger, metrics } = deps;
  const log = logger.child({ service: 'ingest-prices' });
  const counter = new Counter({ name: 'oilwire_ingest_prices_ticks_total', help: 'Ticks by outcome', labelNames: ['source', 'outcome'], registers: [metrics] });
  let stopped = false;
  const validator = createTickValidator({ maxJumpFraction: config.maxJumpFraction });

  async function replay(src: TickSource & { source: string; speed: number }): Promise<void> {
    let firstTs: number | undefined;
    const wallStart = performance.now();
    let published = 0;
    for await (const batch of src.ticks()) {
      if (stopped) return;
      const good: RawTick[] = [];
      for (const t of batch) {
        const reason = validator.check(t);
        if (reason) {
          counter.inc({ source: src.source, outcome: reason });
          log.warn({ source: src.name, line: t.line, reason, price: t.price }, 'tick rejected');
        } else good.push(t);
      }
      if (good.length === 0) continue;
      if (src.speed > 0) {
        firstTs ??= good[0].ts;
        const due = (good[good.length - 1].ts - firstTs) / src.speed;
        const wait = due - (performance.now() - wallStart);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await publishEvents(
        bus,
        TOPICS.pricesTicks,
        good.map((t) => toTickEvent(t, src.source)),
        messageKey.pricesTicks,
      );
      published += good.length;
      counter.inc({ source: src.source, outcome: 'published' }, good.length);
    }
    log.info({ source: src.name, published }, 'price source finished');
  }

  const sources = [...config.sources.map((s) => buildSource(s, config)), ...extraSources];
  const running = Promise.all(
    sources.map((s) =>
      replay(s).catch((err) => {
        log.error({ source: s.name, err }, 'price source failed');
      }),
    ),
  );

  return {
    name: 'ingest-prices',
    idle: async () => {
      await running;
    },
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
