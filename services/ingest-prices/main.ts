import { Counter } from 'prom-client';
import { TOPICS, messageKey, newsScoredV1 } from '../../shared/contracts/events.ts';
import { publishEvents, subscribeEvents } from '../../shared/bus/typed.ts';
import type { Subscription } from '../../shared/bus/port.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { replayDueMs, toTickEvent, type RawTick } from './domain/parse-prices.ts';
import { createTickValidator, type Quarantined } from './domain/validate-tick.ts';
import { ClickHouseQuarantineSink } from './adapters/clickhouse-quarantine-sink.ts';
import { abortableSleep } from './adapters/yahoo-chart-poller.ts';
import { boundMs } from './sources/file-source.ts';
import { createSource } from './sources/registry.ts';
import type { IngestPricesConfig, PriceSourceConfig } from './config.ts';
import type { ConfiguredSource, QuarantineSink, SourceHealth, SourceProgress, TickSource } from './ports.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import { parseDateOrTime, toIso } from '../../shared/contracts/time.ts';

/** Builds one configured entry with its kind's component (`sources/registry.ts`). */
export function buildSource(src: PriceSourceConfig, config: IngestPricesConfig, deps: { now: () => number; log: Logger }): ConfiguredSource {
  return createSource(src, { ...deps, batchSize: config.batchSize, dailyCloseUtc: config.dailyCloseUtc });
}

// `oilwire replay` bounds its files the same way a configured file source does.
export { boundMs };

export interface IngestPricesOptions {
  /** Sources built by the caller (replays of the CLI), run beside the configured ones. */
  extraSources?: ConfiguredSource[];
  /** Called after every published batch of a source that reports progress. */
  onProgress?: (source: ConfiguredSource, progress: SourceProgress) => void;
  /** Where quarantined ticks (reverted spikes, unconfirmed jumps) are kept; default: the store's ticks_quarantine. */
  quarantine?: QuarantineSink;
  /** Wall-clock sleep and time used for replay pacing (tests replace them). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  wallNow?: () => number;
}

export interface IngestPricesStats {
  published: number;
  /** Rejections by reason: validation (`future_timestamp`, `duplicate`, ...; quarantined jumps as `reverted_spike`, `unconfirmed_jump`) and the sources' own (`bad_timestamp`, `bad_json`, ...). */
  rejected: Record<string, number>;
  bySource: Record<string, { published: number; rejected: Record<string, number> }>;
  /** Sources that stopped on an error (a missing file, for example). */
  failures: { source: string; message: string }[];
}

/** One source as the status panel and `oilwire prices` show it. */
export interface PriceSourceStatus extends SourceHealth {
  name: string;
  source: string;
  /** `ok`: reaching its market; `waiting`: not reached yet; `failing`: its last attempts failed; `finished`: a replay that ended; `failed`: stopped on an error. */
  state: 'ok' | 'waiting' | 'failing' | 'finished' | 'failed';
  /** Event time of the newest tick published, and when it was published (ms). */
  lastTickTs: number | null;
  lastTickAt: number | null;
  published: number;
}

export type IngestPricesService = RunningService & { stats(): IngestPricesStats; sources: ConfiguredSource[]; status(): PriceSourceStatus[] };

/** What the log tells a user whose pipeline can measure nothing. */
export const NO_PRICE_SOURCE_HINT =
  'configure ingestPrices.sources in oilwire.config.json: the default polls Yahoo\'s chart API for BZ=F (needs access to query1.finance.yahoo.com); for real-time prices add a licensed feed as {"kind":"websocket","url":"wss://..."} (README, "Live prices")';

/**
 * Reads every configured price source, validates each tick (a rejected one is counted by
 * reason, never published), paces replays at their speed factor and publishes
 * `prices.ticks/v1` keyed by symbol. Live simulators also listen to scored headlines and
 * jump on them.
 */
export async function start(deps: ServiceDeps<IngestPricesConfig>, options: IngestPricesOptions = {}): Promise<IngestPricesService> {
  const { bus, config, logger, metrics, clock } = deps;
  const log = logger.child({ service: 'ingest-prices' });
  const counter = new Counter({ name: 'oilwire_ingest_prices_ticks_total', help: 'Ticks by source and outcome (published or the reason of a rejection)', labelNames: ['source', 'outcome'], registers: [metrics] });
  const abort = new AbortController();
  const sleep = options.sleep ?? abortableSleep;
  const wallNow = options.wallNow ?? (() => performance.now());
  const stats: IngestPricesStats = { published: 0, rejected: {}, bySource: {}, failures: [] };

  const sources = [...config.sources.map((s) => buildSource(s, config, { now: () => clock.now(), log })), ...(options.extraSources ?? [])];
  const tracked = new Map<ConfiguredSource, { lastTickTs: number | null; lastTickAt: number | null; ended: 'finished' | 'failed' | null }>(sources.map((s) => [s, { lastTickTs: null, lastTickAt: null, ended: null }]));
  if (sources.length === 0) log.warn({ hint: NO_PRICE_SOURCE_HINT }, 'no price source configured: no headline can be measured');

  function status(): PriceSourceStatus[] {
    return sources.map((s) => {
      const t = tracked.get(s)!;
      const h: SourceHealth = s.health?.() ?? { live: false, note: null, endpoint: null, lastAttemptAt: null, lastOkAt: null, lastError: null, consecutiveFailures: 0 };
      const state: PriceSourceStatus['state'] = t.ended ?? (h.consecutiveFailures > 0 ? 'failing' : s.health && h.lastOkAt === null ? 'waiting' : 'ok');
      return { ...h, name: s.name, source: s.source, state, lastTickTs: t.lastTickTs, lastTickAt: t.lastTickAt, published: stats.bySource[s.name]?.published ?? 0 };
    });
  }

  // Said once per outage, not at every failed poll: nothing reachable means nothing will be measured.
  let warnedUnreachable = false;
  function checkReachable(): void {
    const all = status();
    const reachable = all.some((s) => s.state === 'ok' || s.state === 'finished');
    if (!reachable && !warnedUnreachable && all.every((s) => s.state !== 'waiting')) {
      warnedUnreachable = true;
      log.warn({ sources: all.map((s) => ({ name: s.name, state: s.state, error: s.lastError })), hint: NO_PRICE_SOURCE_HINT }, 'no price source reachable: headlines are stored but no move can be measured');
    } else if (reachable && warnedUnreachable) {
      warnedUnreachable = false;
      log.info({ sources: all.filter((s) => s.state === 'ok').map((s) => s.name) }, 'price source reachable again');
    }
  }
  const reachTimer = sources.some((s) => s.health) ? setInterval(checkReachable, 1000) : undefined;
  reachTimer?.unref();

  function countRejection(src: ConfiguredSource, reason: string, n = 1): void {
    counter.inc({ source: src.source, outcome: reason }, n);
    stats.rejected[reason] = (stats.rejected[reason] ?? 0) + n;
    const s = (stats.bySource[src.name] ??= { published: 0, rejected: {} });
    s.rejected[reason] = (s.rejected[reason] ?? 0) + n;
  }

  async function publish(src: ConfiguredSource, ticks: RawTick[]): Promise<void> {
    await publishEvents(
      bus,
      TOPICS.pricesTicks,
      ticks.map((t) => toTickEvent(t, src.source)),
      messageKey.pricesTicks,
    );
    stats.published += ticks.length;
    const t = tracked.get(src);
    if (t) Object.assign(t, { lastTickTs: Math.max(t.lastTickTs ?? -Infinity, ticks[ticks.length - 1].ts), lastTickAt: clock.now() });
    (stats.bySource[src.name] ??= { published: 0, rejected: {} }).published += ticks.length;
    counter.inc({ source: src.source, outcome: 'published' }, ticks.length);
  }

  // A quarantined tick is never dropped silently: if even the sink fails, the log has it whole.
  const sink = options.quarantine ?? new ClickHouseQuarantineSink(deps.store);
  async function quarantine(src: ConfiguredSource, held: Quarantined<RawTick>[]): Promise<void> {
    if (!held.length) return;
    for (const h of held) countRejection(src, h.reason);
    const rows = held.map((h) => ({ ...h, source: src.source, receivedMs: clock.now() }));
    await sink.save(rows).catch((err: unknown) => {
      countRejection(src, 'quarantine_write_failed', held.length);
      log.error({ source: src.name, err, ticks: rows }, 'quarantined ticks could not be stored');
    });
    log.warn({ source: src.name, ticks: rows.map((r) => ({ ts: toIso(r.tick.ts), price: r.tick.price, anchor: r.anchor, reason: r.reason })) }, 'ticks quarantined');
  }

  async function run(src: ConfiguredSource): Promise<void> {
    const validator = createTickValidator<RawTick>({
      maxJumpFraction: config.maxJumpFraction,
      revertShare: config.revertShare,
      now: () => clock.now(),
      time: { futureToleranceMs: config.futureToleranceMs, oldestMs: parseDateOrTime(config.oldestTick) },
    });
    src.onRejected = (reason) => countRejection(src, reason);
    let firstTs: number | undefined;
    const wallStart = wallNow();
    for await (const batch of src.ticks(abort.signal)) {
      if (abort.signal.aborted) break;
      const good: RawTick[] = [];
      const held: Quarantined<RawTick>[] = [];
      for (const t of batch) {
        const v = validator.push(t);
        if (v.rejected) {
          countRejection(src, v.rejected);
          if (v.rejected !== 'duplicate') log.debug({ source: src.name, line: t.line, reason: v.rejected, price: t.price, ts: t.ts }, 'tick rejected');
        }
        good.push(...v.accepted);
        held.push(...v.quarantined);
      }
      await quarantine(src, held);
      if (src.speed > 0 && good.length) {
        firstTs ??= good[0].ts;
        let i = 0;
        while (i < good.length && !abort.signal.aborted) {
          const elapsed = wallNow() - wallStart;
          let j = i;
          while (j < good.length && replayDueMs(firstTs, good[j].ts, src.speed) <= elapsed + 5) j++;
          if (j === i) {
            await sleep(replayDueMs(firstTs, good[i].ts, src.speed) - elapsed, abort.signal);
            continue;
          }
          await publish(src, good.slice(i, j));
          i = j;
        }
      } else if (good.length) await publish(src, good);
      if (src.progress) options.onProgress?.(src, src.progress());
    }
    // A jump still waiting for its next tick when the source ends (or stops) was never confirmed.
    await quarantine(src, validator.end().quarantined);
    if (abort.signal.aborted) return;
    if (src.progress) options.onProgress?.(src, src.progress());
    if (!abort.signal.aborted) tracked.get(src)!.ended = 'finished';
    log.info({ source: src.name, published: stats.bySource[src.name]?.published ?? 0, rejected: stats.bySource[src.name]?.rejected ?? {} }, 'price source finished');
  }

  // Sources that react to scored headlines (a live simulator) are told of new ones; only new headlines matter, so the group starts at the end of the log.
  const live = sources.filter((s): s is ConfiguredSource & Required<Pick<TickSource, 'addNews'>> => typeof s.addNews === 'function');
  let newsSub: Subscription | undefined;
  if (live.length) {
    newsSub = await subscribeEvents(bus, {
      groupId: `${config.groupId}-simulator`,
      topic: TOPICS.newsScored,
      schema: newsScoredV1,
      fromBeginning: false,
      handler: async (events) => {
        for (const e of events) for (const s of live) s.addNews(e.event);
      },
    });
  }

  const running = Promise.all(
    sources.map((s) =>
      run(s).catch((err) => {
        countRejection(s, 'source_failed');
        tracked.get(s)!.ended = 'failed';
        stats.failures.push({ source: s.name, message: err instanceof Error ? err.message : String(err) });
        log.error({ source: s.name, err }, 'price source failed');
      }),
    ),
  );

  return {
    name: 'ingest-prices',
    sources,
    stats: () => stats,
    status,
    idle: async () => {
      await running;
    },
    stop: async () => {
      clearInterval(reachTimer);
      abort.abort();
      await newsSub?.close();
      await running;
    },
  };
}
