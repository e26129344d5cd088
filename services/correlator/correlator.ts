import type { Bus } from '../../shared/bus/port.ts';
import { publishEvents } from '../../shared/bus/typed.ts';
import { TOPICS, messageKey, type NewsImpact, type NewsScored, type PriceTick } from '../../shared/contracts/events.ts';
import { tickTimeVerdict } from '../../shared/contracts/tick-time.ts';
import { AppError } from '../../shared/errors.ts';
import type { Clock } from '../../shared/runtime/clock.ts';
import { streakLevel } from '../../shared/runtime/log-level.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import type { CorrelatorConfig } from './config.ts';
import { splitByContent, type StoredContent } from './domain/content-dedupe.ts';
import { ImpactEngine, type TickOutcome } from './domain/impact-engine.ts';
import { HistoryLoader } from './history-loader.ts';
import { ImpactOutbox, type Schedule } from './impact-outbox.ts';
import type { CorrelatorMetrics } from './metrics.ts';
import { RowOutbox } from './outbox.ts';
import type { ImpactRepository, LateTick } from './ports.ts';
import { SerialQueue } from './serial-queue.ts';
import { TickIntake, type AdmittedBatch } from './tick-intake.ts';
import { parseDateOrTime, toIso, toMs } from '../../shared/contracts/time.ts';

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

export interface CorrelatorParts {
  config: CorrelatorConfig;
  repo: ImpactRepository;
  bus: Bus;
  clock: Clock;
  logger: Logger;
  metrics: CorrelatorMetrics;
  /** Timer of the impact outbox (default: setTimeout). */
  schedule?: Schedule;
}

/** Waits for both to settle (not only the first failure), then rejects with the first one's error if either failed. */
async function settleBoth(a: Promise<unknown>, b: Promise<unknown>): Promise<void> {
  const results = await Promise.allSettled([a, b]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

/**
 * A news batch judged by content whose insert has not ended: the lookup of a batch after it may not see its rows
 * yet, so its stories are counted as stored. `written` rejects if the insert failed.
 */
interface UnwrittenNews {
  content: StoredContent[];
  written: Promise<void>;
}

/** Marks a promise as handled (its rejection is awaited later by the caller) and returns it. */
function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * Joins scored headlines with prices in event time. Ticks are stored as they come (the bars
 * follow by materialized views); the engine decides what is on time, late or too late by
 * per-source watermarks. Results and late ticks go through outboxes: a failed write leaves them
 * there to be written again, so a measurement is never lost between the engine and the store
 * (and an article whose results never reached the store is measured again at the next start).
 *
 * The engine is used by one handler at a time (the engine lane). The store writes are not on that
 * lane: ticks are written beside the engine work that uses them, news in their own order, impact
 * rows and late ticks by their outboxes; each batch is acknowledged (its handler resolves) only
 * once what it must make durable is written.
 */
export class Correlator {
  readonly engine: ImpactEngine;
  readonly stats: CorrelatorStats = { ticks: { accepted: 0, late: 0, too_late: 0, duplicate: 0, unknown_symbol: 0 }, articles: 0, duplicates: 0, impacts: 0, revisions: 0, pending: 0, skipped: {}, rejected: {} };
  private readonly engineLane = new SerialQueue();
  // Content dedupe judges each news batch by what the batches before it wrote: verdicts are given in order, and
  // news batches are stored in order. The two are lanes of their own, so a batch's lookup runs while the batch
  // before it is written (on connections of their own, see main.ts); the batches between are in `unwritten`.
  private readonly contentLane = new SerialQueue();
  private readonly newsLane = new SerialQueue();
  private readonly unwritten = new Set<UnwrittenNews>();
  private readonly impacts: ImpactOutbox;
  private readonly late: RowOutbox<LateTick>;
  private readonly history: HistoryLoader;
  private readonly intake: TickIntake;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly log: Logger;

  /** A correlator with its pending articles, history and watermarks recovered from the store, and one evaluation done. */
  static async open(parts: CorrelatorParts): Promise<Correlator> {
    /** Per symbol, how far the store held ticks when this process started (or up to where the engine forgot them). */
    const storedUntil = (await parts.repo.latestTickTimes?.(parts.config.symbols)) ?? new Map<string, number>();
    const correlator = new Correlator(parts, storedUntil);
    await correlator.recover();
    return correlator;
  }

  private constructor(
    private readonly parts: CorrelatorParts,
    storedUntil: Map<string, number>,
  ) {
    const { config, repo, bus, clock, metrics } = parts;
    this.log = parts.logger.child({ service: 'correlator' });
    this.engine = new ImpactEngine({
      symbols: config.symbols,
      horizons: config.horizons,
      volatilityWindows: config.volatilityWindows,
      maxPendingAgeMs: config.maxPendingAgeHours * 3_600_000,
      calendar: config.calendar,
      watermark: config.watermark,
      allowedLatenessMs: config.allowedLatenessMs,
      indicators: config.indicators,
    });
    this.history = new HistoryLoader(this.engine, config.symbols, (symbol, fromMs, toMs) => repo.loadTicks(symbol, fromMs, toMs));
    // A tick stamped in the future (2099, or only minutes ahead) would move its source's watermark past every real tick
    // to come, which would then all be too late; one before any market is no price either. Refused here, whoever sent it.
    this.intake = new TickIntake({
      engine: this.engine,
      symbols: config.symbols,
      rule: { futureToleranceMs: config.futureToleranceMs, oldestMs: parseDateOrTime(config.oldestTick) },
      now: () => clock.now(),
      storedUntil,
      storedTickKeys: repo.storedTickKeys ? (ticks) => repo.storedTickKeys!(ticks) : undefined,
    });
    this.late = new RowOutbox(async (rows) => {
      await repo.saveLateTicks(rows);
      metrics.stored.inc({ kind: 'late_tick' }, rows.length);
    });
    this.impacts = new ImpactOutbox({
      save: (rows) => repo.saveImpacts(rows),
      publish: (rows) => publishEvents(bus, TOPICS.newsImpact, rows, messageKey.newsImpact),
      flushMs: config.impactFlushMs,
      flushRows: config.impactFlushRows,
      schedule: parts.schedule,
      onSaved: (rows) => metrics.stored.inc({ kind: 'impact' }, rows.length),
      onPublished: (rows) => this.published(rows),
      onRetry: (err, waiting, failures) => this.log[streakLevel(failures)]({ err, waiting, failures }, 'writing impact rows failed; retrying'),
    });
  }

  private async recover(): Promise<void> {
    const { config, repo, clock } = this.parts;
    // Articles stored before a restart but not fully measured are picked up again from the store.
    for (const { article, done } of await repo.loadUnfinished(config.symbols, config.horizons, 1_000_000)) this.engine.addArticle(article, done);
    await this.history.ensure();
    // Watermarks live in memory; without these, nothing is measured after a restart until a tick newer than any stored one arrives.
    const restored = (await repo.latestTicksBySource?.(config.symbols)) ?? [];
    // A future tick stored before it was refused must not bring its watermark back at every restart.
    this.engine.restoreWatermarks(restored.filter((r) => tickTimeVerdict(r.maxTs, clock.now(), { futureToleranceMs: config.futureToleranceMs, oldestMs: -Infinity }) === 'ok'));
    this.log.info({ pending: this.engine.pendingCount, watermarks: restored.map((r) => ({ symbol: r.symbol, source: r.source, maxTs: toIso(r.maxTs) })) }, 'correlator recovered pending articles and watermarks');
    // One evaluation now: what became due while the correlator was down is measured from stored ticks at once.
    await this.evaluateNow().catch((err) => this.log.warn({ err }, 'evaluation at start failed; the next message or the periodic evaluation retries it'));
  }

  /** A batch of news.scored: stored (a copy of a stored story is not), then measured; resolves once the articles are stored. */
  handleNews(incoming: NewsScored[]): Promise<void> {
    return this.track(async () => {
      const t0 = performance.now();
      const articles = await this.storeNews(incoming);
      const { durable } = await this.engineLane.run(async () => {
        for (const a of articles) this.engine.addArticle(a);
        await this.history.ensure();
        return { durable: this.evaluate() };
      });
      try {
        await durable;
      } finally {
        this.stats.articles += articles.length;
      }
      this.log.debug({ articles: articles.length, ms: Math.round(performance.now() - t0) }, 'news batch handled');
    });
  }

  /** A batch of prices.ticks: into the engine while it is written; resolves once it (and its too-late ticks) are stored. */
  handleTicks(ticks: PriceTick[]): Promise<void> {
    return this.track(async () => {
      const { batch, durable } = await this.engineLane.run(async () => {
        const batch = await this.intake.admit(ticks);
        this.late.add(batch.late);
        this.prune();
        return { batch, durable: this.evaluate() };
      });
      // Both settle before the handler does: a batch redelivered while its tick write was still in flight would
      // take those ticks for duplicates, and a failure of that write would then lose them.
      try {
        await settleBoth(this.writeTicks(batch.toStore), durable);
      } finally {
        // Counted once the writes settled: a count seen means its ticks were written (or their write failed).
        this.count(batch);
      }
    });
  }

  /** Evaluates what is due (periodically: idle sources release the watermark); resolves once its results are handed to the outboxes. */
  async evaluateNow(): Promise<void> {
    const { durable } = await this.engineLane.run(() => ({ durable: this.evaluate() }));
    await durable;
  }

  /** Writes everything waiting in the outboxes now. */
  async flush(): Promise<void> {
    await this.engineLane.idle();
    await Promise.all([this.late.flush(), this.impacts.flush()]);
  }

  /** After the subscriptions are closed: waits for the batches in flight, then writes the impact rows still waiting. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.engineLane.idle();
    await this.contentLane.idle();
    await this.newsLane.idle();
    // What is still in the outbox is written now; if that fails, a restart measures those articles again.
    await this.impacts.stop().catch((err) => this.log.warn({ err, lost: this.impacts.waiting }, 'impact rows not written at stop; they will be measured again at the next start'));
  }

  private track(fn: () => Promise<void>): Promise<void> {
    const p = fn();
    this.inFlight.add(p);
    void p.then(
      () => this.inFlight.delete(p),
      () => this.inFlight.delete(p),
    );
    return p;
  }

  /** Stores a batch of news but the copies of stories already stored (or in a batch ahead of it); resolves with what it stored, once written. */
  private async storeNews(incoming: NewsScored[]): Promise<NewsScored[]> {
    const { repo, metrics } = this.parts;
    const { fresh, write } = await this.contentLane.run(async () => {
      // Taken before the lookup: a batch that leaves `unwritten` after this ended its insert before the lookup began.
      const ahead = [...this.unwritten];
      // The same story under a new guid is not news: stored, measured and alerted once, under the id it first came with.
      const { fresh, duplicates } = repo.storedContent ? splitByContent(incoming, [...(await repo.storedContent(incoming)), ...ahead.flatMap((b) => b.content)]) : { fresh: incoming, duplicates: [] };
      if (duplicates.length > 0) {
        this.stats.duplicates += duplicates.length;
        metrics.duplicateArticles.inc(duplicates.length);
        this.log.info({ duplicates: duplicates.length, first: { id: duplicates[0].article.id, of: duplicates[0].of, title: duplicates[0].article.title.slice(0, 100) } }, 'same story under another id: not stored or measured again');
      }
      const write = awaitedLater(
        this.newsLane.run(async () => {
          // A batch ahead whose insert failed was counted as stored: this verdict may be wrong, so this batch is not
          // written either. It fails retryable whatever that insert's error was (a final one would send this
          // batch's own articles to the dead-letter topic) and is judged again, by what the store holds, when redelivered.
          for (const b of ahead) {
            await b.written.catch((err: unknown) => {
              throw new AppError('STORE_UNAVAILABLE', `correlator: a news batch ahead of this one was not written, so this one is judged again: ${err instanceof Error ? err.message : String(err)}`, { cause: err, retryable: true });
            });
          }
          await repo.saveNews(fresh);
        }),
      );
      if (fresh.length > 0) {
        const entry: UnwrittenNews = { content: fresh.map((a) => ({ id: a.id, source: a.source, title: a.title, publishedMs: toMs(a.published_at) })), written: write };
        this.unwritten.add(entry);
        void write.finally(() => this.unwritten.delete(entry)).catch(() => undefined);
      }
      return { fresh, write };
    });
    await write;
    metrics.stored.inc({ kind: 'news' }, fresh.length);
    return fresh;
  }

  private async writeTicks(ticks: PriceTick[]): Promise<void> {
    try {
      await this.parts.repo.saveTicks(ticks);
    } catch (err) {
      this.intake.writeFailed(ticks);
      throw err;
    }
    this.intake.written(ticks);
    this.parts.metrics.stored.inc({ kind: 'tick' }, ticks.length);
  }

  /**
   * On the engine lane. Returns (without waiting for it) the writes the caller must see done before
   * it acknowledges: late ticks at once, impact rows now or later by the outbox's delay (see impactFlushMs).
   */
  private evaluate(): Promise<void> {
    const { config, clock, metrics } = this.parts;
    const now = clock.now();
    const before = this.engine.revisions;
    this.impacts.add(this.engine.evaluate(now));
    this.stats.revisions += this.engine.revisions - before;
    this.stats.pending = this.engine.pendingCount;
    this.stats.skipped = { ...this.engine.skippedCounts };
    metrics.pending.set(this.engine.pendingCount);
    for (const s of config.symbols) {
      const w = this.engine.watermark(s, now);
      if (Number.isFinite(w)) metrics.watermark.set({ symbol: s }, w / 1000);
    }
    return awaitedLater(settleBoth(this.late.flush(), this.impacts.offer()));
  }

  private prune(): void {
    const { config, clock } = this.parts;
    const keepMs = config.allowedLatenessMs + config.maxPendingAgeHours * 3_600_000;
    for (const [symbol, cutoff] of this.engine.prune(clock.now(), config.pruneAboveTicks, keepMs)) {
      this.history.pruned(symbol, cutoff);
      this.intake.forgotBefore(symbol, cutoff);
      this.log.info({ symbol, cutoff: toIso(cutoff) }, 'price series pruned');
    }
  }

  private count(batch: AdmittedBatch): void {
    const { metrics } = this.parts;
    for (const { tick: t, reason } of batch.rejected) {
      this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1;
      metrics.ticks.inc({ outcome: reason });
      this.log.warn({ symbol: t.symbol, ts: t.ts, source: t.source, price: t.price, seq: t.seq, reason }, "tick refused: its time cannot be a market's");
    }
    this.stats.ticks.duplicate += batch.duplicates;
    metrics.ticks.inc({ outcome: 'duplicate' }, batch.duplicates);
    for (const { tick: t, outcome, watermarkMs } of batch.applied) {
      this.stats.ticks[outcome]++;
      metrics.ticks.inc({ outcome });
      if (outcome === 'too_late') this.log.warn({ symbol: t.symbol, ts: t.ts, source: t.source, watermark: toIso(watermarkMs) }, 'tick later than the allowed lateness: recorded in ticks_late');
    }
  }

  private published(rows: NewsImpact[]): void {
    this.stats.impacts += rows.length;
    for (const i of rows) this.parts.metrics.impacts.inc({ horizon: i.horizon, kind: i.version > 1 ? 'revision' : 'first' });
    // One line per measured move: what a user watching the terminal wants to see.
    for (const i of rows) this.log.info({ symbol: i.symbol, horizon: i.horizon, bps: Math.round(i.return_bps * 10) / 10, z: i.z === null ? null : Math.round(i.z * 100) / 100, title: i.title.slice(0, 100), version: i.version }, 'impact measured');
  }
}
