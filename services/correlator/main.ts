import { Counter, Gauge } from 'prom-client';
import { TOPICS, messageKey, newsScoredV1, priceTickIdentity, priceTickV1, type NewsImpact, type PriceTick } from '../../shared/contracts/events.ts';
import { publishEvents, subscribeEvents } from '../../shared/bus/typed.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { ImpactEngine, type TickOutcome } from './domain/impact-engine.ts';
import { ClickHouseImpactRepository } from './adapters/clickhouse-impact-store.ts';
import { splitByContent } from './domain/content-dedupe.ts';
import type { CorrelatorConfig } from './config.ts';
import { tickTimeVerdict, type TickTimeRule } from '../../shared/contracts/tick-time.ts';
import type { ImpactRepository, LateTick } from './ports.ts';

export interface CorrelatorStats {
  /** Tick events handled, by what became of them. */
  ticks: Record<TickOutcome, number>;
  /** news.scored events stored and measured (a redelivered article counts again; a copy of a stored story does not). */
  articles: number;
  /** Articles neither stored nor measured: the same story as one stored under another id (rotating guids). */
  duplicates: number;
  /** Impact rows written (first versions and revisions). */
  impacts: number;
  /** Impact rows re-emitted with a higher version after late ticks. */
  revisions: number;
  pending: number;
  skipped: Record<string, number>;
  /** Ticks refused before the engine by their time (future_timestamp, too_old, bad_timestamp): not stored, no watermark moved. */
  rejected: Record<string, number>;
}

export type CorrelatorService = RunningService & {
  stats(): CorrelatorStats;
  /** Writes everything waiting in the outbox now. */
  flush(): Promise<void>;
  engine: ImpactEngine;
};

/**
 * Joins scored headlines with prices in event time. Ticks are stored as they come (the
 * bars follow by materialized views); the engine decides what is on time, late or too late
 * by per-source watermarks. Results and late ticks go through an outbox: a failed write
 * leaves them there to be written again, so a measurement is never lost between the engine
 * and the store (and an article whose results never reached the store is measured again
 * at the next start).
 */
export async function start(deps: ServiceDeps<CorrelatorConfig>, repo: ImpactRepository = new ClickHouseImpactRepository(deps.store)): Promise<CorrelatorService> {
  const { bus, config, logger, clock, metrics } = deps;
  const log = logger.child({ service: 'correlator' });
  const impactsTotal = new Counter({ name: 'oilwire_correlator_impacts_total', help: 'Impact results emitted, by horizon and whether they revise an earlier version', labelNames: ['horizon', 'kind'], registers: [metrics] });
  const stored = new Counter({ name: 'oilwire_correlator_stored_total', help: 'Rows written by kind', labelNames: ['kind'], registers: [metrics] });
  const ticksTotal = new Counter({ name: 'oilwire_correlator_ticks_total', help: 'Ticks by outcome: accepted, late (applied behind the watermark), too_late (to ticks_late), duplicate, unknown_symbol', labelNames: ['outcome'], registers: [metrics] });
  const pendingGauge = new Gauge({ name: 'oilwire_correlator_pending_articles', help: 'Articles waiting for horizons', registers: [metrics] });
  const duplicatesTotal = new Counter({ name: 'oilwire_correlator_duplicate_articles_total', help: 'Articles not stored or measured: the same story as one stored under another id', registers: [metrics] });
  const watermarkGauge = new Gauge({ name: 'oilwire_correlator_watermark_seconds', help: 'Event-time watermark per symbol (Unix seconds)', labelNames: ['symbol'], registers: [metrics] });
  const engine = new ImpactEngine({
    symbols: config.symbols,
    horizons: config.horizons,
    volatilityWindows: config.volatilityWindows,
    maxPendingAgeMs: config.maxPendingAgeHours * 3_600_000,
    calendar: config.calendar,
    watermark: config.watermark,
    allowedLatenessMs: config.allowedLatenessMs,
    indicators: config.indicators,
  });
  const stats: CorrelatorStats = { ticks: { accepted: 0, late: 0, too_late: 0, duplicate: 0, unknown_symbol: 0 }, articles: 0, duplicates: 0, impacts: 0, revisions: 0, pending: 0, skipped: {}, rejected: {} };
  /** Start of the history the engine holds completely, per symbol (Infinity: only what the stream brought). */
  const loadedFrom = new Map<string, number>(config.symbols.map((s) => [s, Infinity]));
  const outbox: { impacts: NewsImpact[]; late: LateTick[] } = { impacts: [], late: [] };

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
      engine.loadHistory(symbol, rows);
      loadedFrom.set(symbol, need);
    }
  }

  async function flushLate(): Promise<void> {
    if (!outbox.late.length) return;
    const late = outbox.late;
    await repo.saveLateTicks(late);
    stored.inc({ kind: 'late_tick' }, late.length);
    outbox.late = outbox.late.slice(late.length);
  }

  async function flushImpacts(): Promise<void> {
    if (!outbox.impacts.length) return;
    const impacts = outbox.impacts;
    await repo.saveImpacts(impacts);
    stored.inc({ kind: 'impact' }, impacts.length);
    await publishEvents(bus, TOPICS.newsImpact, impacts, messageKey.newsImpact);
    outbox.impacts = outbox.impacts.slice(impacts.length);
    stats.impacts += impacts.length;
    for (const i of impacts) impactsTotal.inc({ horizon: i.horizon, kind: i.version > 1 ? 'revision' : 'first' });
    // One line per measured move: what a user watching the terminal wants to see.
    for (const i of impacts) log.info({ symbol: i.symbol, horizon: i.horizon, bps: Math.round(i.return_bps * 10) / 10, z: i.z === null ? null : Math.round(i.z * 100) / 100, title: i.title.slice(0, 100), version: i.version }, 'impact measured');
  }

  let flushTimer: NodeJS.Timeout | undefined;
  let flushFailures = 0;
  function scheduleImpactFlush(): void {
    if (flushTimer || !outbox.impacts.length) return;
    const delay = flushFailures ? Math.min(10_000, config.impactFlushMs * 2 ** flushFailures) : config.impactFlushMs;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      exclusive(flushImpacts).then(
        () => {
          flushFailures = 0;
          scheduleImpactFlush();
        },
        (err) => {
          flushFailures++;
          log.warn({ err, waiting: outbox.impacts.length }, 'writing impact rows failed; retrying');
          scheduleImpactFlush();
        },
      );
    }, delay);
  }

  /** Late ticks are written before their batch is acknowledged; impact rows in groups (see impactFlushMs). */
  async function flush(): Promise<void> {
    await flushLate();
    if (outbox.impacts.length >= config.impactFlushRows || config.impactFlushMs === 0) await flushImpacts();
    else scheduleImpactFlush();
  }

  async function evaluate(): Promise<void> {
    const now = clock.now();
    const before = engine.revisions;
    outbox.impacts.push(...engine.evaluate(now));
    stats.revisions += engine.revisions - before;
    stats.pending = engine.pendingCount;
    stats.skipped = { ...engine.skippedCounts };
    pendingGauge.set(engine.pendingCount);
    for (const s of config.symbols) {
      const w = engine.watermark(s, now);
      if (Number.isFinite(w)) watermarkGauge.set({ symbol: s }, w / 1000);
    }
    await flush();
  }

  function prune(): void {
    const keepMs = config.allowedLatenessMs + config.maxPendingAgeHours * 3_600_000;
    for (const [symbol, cutoff] of engine.prune(clock.now(), config.pruneAboveTicks, keepMs)) {
      const have = loadedFrom.get(symbol)!;
      if (have !== Infinity) loadedFrom.set(symbol, Math.max(have, cutoff));
      else loadedFrom.set(symbol, cutoff);
      storedUntil.set(symbol, Math.max(storedUntil.get(symbol) ?? -Infinity, cutoff));
      log.info({ symbol, cutoff: new Date(cutoff).toISOString() }, 'price series pruned');
    }
  }

  /** Per symbol, how far the store held ticks when this process started (or up to where the engine forgot them). */
  const storedUntil = (await repo.latestTickTimes?.(config.symbols)) ?? new Map<string, number>();

  // Articles stored before a restart but not fully measured are picked up again from the store.
  for (const { article, done } of await repo.loadUnfinished(config.symbols, config.horizons, 1_000_000)) engine.addArticle(article, done);
  await ensureHistory();
  // Watermarks live in memory; without these, nothing is measured after a restart until a tick newer than any stored one arrives.
  const restored = (await repo.latestTicksBySource?.(config.symbols)) ?? [];
  // A future tick stored before it was refused must not bring its watermark back at every restart.
  engine.restoreWatermarks(restored.filter((r) => tickTimeVerdict(r.maxTs, clock.now(), { futureToleranceMs: config.futureToleranceMs, oldestMs: -Infinity }) === 'ok'));
  log.info({ pending: engine.pendingCount, watermarks: restored.map((r) => ({ symbol: r.symbol, source: r.source, maxTs: new Date(r.maxTs).toISOString() })) }, 'correlator recovered pending articles and watermarks');
  // One evaluation now: what became due while the correlator was down is measured from stored ticks at once.
  await exclusive(evaluate).catch((err) => log.warn({ err }, 'evaluation at start failed; the next message or the periodic evaluation retries it'));

  const newsSub = await subscribeEvents(bus, {
    groupId: `${config.groupId}-news`,
    topic: TOPICS.newsScored,
    schema: newsScoredV1,
    onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid news.scored sent to DLQ'),
    onRetry: (err, attempt) => log.warn({ err, attempt }, 'news batch failed, retrying'),
    handler: (events) =>
      exclusive(async () => {
        const t0 = performance.now();
        const incoming = events.map((e) => e.event);
        // The same story under a new guid is not news: stored, measured and alerted once, under the id it first came with.
        const { fresh: articles, duplicates } = repo.storedContent ? splitByContent(incoming, await repo.storedContent(incoming)) : { fresh: incoming, duplicates: [] };
        if (duplicates.length > 0) {
          stats.duplicates += duplicates.length;
          duplicatesTotal.inc(duplicates.length);
          log.info({ duplicates: duplicates.length, first: { id: duplicates[0].article.id, of: duplicates[0].of, title: duplicates[0].article.title.slice(0, 100) } }, 'same story under another id: not stored or measured again');
        }
        await repo.saveNews(articles);
        stored.inc({ kind: 'news' }, articles.length);
        for (const a of articles) engine.addArticle(a);
        await ensureHistory();
        stats.articles += articles.length;
        await evaluate();
        log.debug({ articles: articles.length, ms: Math.round(performance.now() - t0) }, 'news batch handled');
      }),
  });

  // A tick stamped in the future (2099, or only minutes ahead) would move its source's watermark past every real tick
  // to come, which would then all be too late; one before any market is no price either. Refused here, whoever sent it.
  const tickTime: TickTimeRule = { futureToleranceMs: config.futureToleranceMs, oldestMs: Date.parse(`${config.oldestTick}T00:00:00Z`) };
  function implausibleTick(t: PriceTick): boolean {
    const verdict = tickTimeVerdict(Date.parse(t.ts), clock.now(), tickTime);
    if (verdict === 'ok') return false;
    stats.rejected[verdict] = (stats.rejected[verdict] ?? 0) + 1;
    ticksTotal.inc({ outcome: verdict });
    log.warn({ symbol: t.symbol, ts: t.ts, source: t.source, price: t.price, seq: t.seq, reason: verdict }, 'tick refused: its time cannot be a market\'s');
    return true;
  }

  const tickSub = await subscribeEvents(bus, {
    groupId: `${config.groupId}-ticks`,
    topic: TOPICS.pricesTicks,
    schema: priceTickV1,
    maxBatchSize: config.tickBatchSize,
    onInvalid: (m, error) => log.warn({ offset: m.offset, error }, 'invalid tick sent to DLQ'),
    onRetry: (err, attempt) => log.warn({ err, attempt }, 'tick batch failed, retrying'),
    handler: (events) =>
      exclusive(async () => {
        // What the engine already holds was stored before: a redelivered batch writes only what is new.
        const seen = new Set<string>();
        const fresh: PriceTick[] = [];
        let duplicates = 0;
        for (const { event: t } of events) {
          if (implausibleTick(t)) continue;
          const identity = priceTickIdentity(t);
          if (seen.has(identity) || engine.hasTick({ symbol: t.symbol, identity })) duplicates++;
          else {
            seen.add(identity);
            fresh.push(t);
          }
        }
        // Ticks the engine does not know may still be stored (a feed re-sending its history after a restart, in batches
        // cut differently): inserting them again would count their volume twice in the bars, so the store is asked.
        const unsure = fresh.filter((t) => !config.symbols.includes(t.symbol) || Date.parse(t.ts) <= (storedUntil.get(t.symbol) ?? -Infinity));
        const known = unsure.length && repo.storedTickKeys ? await repo.storedTickKeys(unsure) : new Set<string>();
        const toStore = known.size ? fresh.filter((t) => !known.has(priceTickIdentity(t))) : fresh;
        await repo.saveTicks(toStore);
        stored.inc({ kind: 'tick' }, toStore.length);
        // Stored before a restart means seen before it: a duplicate, as it would have been without the restart (the restored watermark must not call it late).
        duplicates += fresh.length - toStore.length;
        stats.ticks.duplicate += duplicates;
        ticksTotal.inc({ outcome: 'duplicate' }, duplicates);
        const now = clock.now();
        for (const t of toStore) {
          const ts = Date.parse(t.ts);
          const wm = engine.watermark(t.symbol, now);
          const outcome = engine.addTick({ symbol: t.symbol, ts, price: t.price, identity: priceTickIdentity(t), source: t.source }, now);
          stats.ticks[outcome]++;
          ticksTotal.inc({ outcome });
          if (outcome === 'too_late') {
            outbox.late.push({ tick: t, watermarkMs: wm, receivedMs: now });
            log.warn({ symbol: t.symbol, ts: t.ts, source: t.source, watermark: new Date(wm).toISOString() }, 'tick later than the allowed lateness: recorded in ticks_late');
          }
        }
        prune();
        await evaluate();
      }),
  });

  const timer = setInterval(() => {
    exclusive(evaluate).catch((err) => log.warn({ err }, 'periodic evaluation failed; the next message retries it'));
  }, config.evaluateEveryMs);
  timer.unref();

  return {
    name: 'correlator',
    engine,
    stats: () => stats,
    flush: () => exclusive(async () => {
      await flushLate();
      await flushImpacts();
    }),
    stop: async () => {
      clearInterval(timer);
      await newsSub.close();
      await tickSub.close();
      await chain;
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = undefined;
      // What is still in the outbox is written now; if that fails, a restart measures those articles again.
      await exclusive(flushImpacts).catch((err) => log.warn({ err, lost: outbox.impacts.length }, 'impact rows not written at stop; they will be measured again at the next start'));
    },
  };
}
