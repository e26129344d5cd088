/**
 * Evaluates the alert rules on what the pipeline publishes and hands what fires to the
 * webhook outbox. The consumer groups are stable, and a batch is acknowledged only after
 * its alerts' deliveries are persisted, so a crash or restart re-evaluates instead of
 * losing; deterministic alert and delivery ids make the re-evaluation a no-op.
 */
import { TOPICS, newsImpactV1, newsScoredV1, priceTickV1 } from '../../../shared/contracts/events.ts';
import { subscribeEvents } from '../../../shared/bus/typed.ts';
import { observeEvents } from '../adapters/observe-bus.ts';
import type { Bus, Subscription } from '../../../shared/bus/port.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import type { Logger } from '../../../shared/runtime/logger.ts';
import type { Store } from '../../../shared/store/port.ts';
import type { AlertsConfig, HeadlineRule, UnexplainedMoveRule } from '../config.ts';
import { UnexplainedMoveDetector, evaluateHeadlineRules, type Alert } from '../domain/alert-rules.ts';
import { SameStoryFilter } from '../domain/same-story.ts';
import type { ApiMetrics } from '../metrics.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { DeliveryStore } from './ports.ts';

export interface AlertServiceDeps {
  bus: Bus;
  store: Store;
  deliveryStore: DeliveryStore;
  dispatcher: Dispatcher;
  config: AlertsConfig;
  clock: Clock;
  logger: Logger;
  metrics: ApiMetrics;
  /** Called with every newly fired alert (the live stream shows them). */
  onAlert?: (alert: Alert) => void;
}

export class AlertService {
  private readonly headlineRules: HeadlineRule[];
  private readonly detectors: UnexplainedMoveDetector[];
  private readonly subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Alerts fired but not yet made durable (the store was away): tried again on the next tick. */
  private unrecorded: Alert[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private started = false;
  private readonly stories = new SameStoryFilter();

  constructor(private readonly deps: AlertServiceDeps) {
    this.headlineRules = deps.config.rules.filter((r): r is HeadlineRule => r.kind === 'headline');
    this.detectors = deps.config.rules.filter((r): r is UnexplainedMoveRule => r.kind === 'unexplained_move').map((r) => new UnexplainedMoveDetector(r));
  }

  get ready(): boolean {
    return this.started;
  }

  /** Every handler runs one at a time: the detectors are shared state. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async start(): Promise<void> {
    const { bus, config, logger, metrics, clock } = this.deps;
    if (this.detectors.length > 0) await this.loadRecentHeadlines();
    if (this.headlineRules.length > 0) await this.loadRecentStories();
    const lag = (group: string, topic: string, timestamp: number) => metrics.consumerLag.set({ group, topic }, Math.max(0, (clock.now() - timestamp) / 1000));

    if (this.headlineRules.length > 0) {
      const group = `${config.groupId}-impact`;
      this.subscriptions.push(
        await subscribeEvents(bus, {
          groupId: group,
          topic: TOPICS.newsImpact,
          schema: newsImpactV1,
          fromBeginning: config.fromBeginning,
          onInvalid: (m, error) => logger.warn({ offset: m.offset, error }, 'invalid news.impact sent to DLQ'),
          onRetry: (err, attempt) => logger.warn({ err, attempt }, 'alert evaluation failed; the batch will be delivered again'),
          handler: (events) =>
            this.exclusive(async () => {
              const now = clock.now();
              const { kept: fired, dropped } = this.stories.admit(events.flatMap((e) => evaluateHeadlineRules(this.headlineRules, e.event, now)));
              if (dropped.length > 0) logger.info({ dropped: dropped.length, title: dropped[0].title.slice(0, 100) }, 'same story under another article id: not alerted again');
              lag(group, TOPICS.newsImpact, events[events.length - 1].message.timestamp);
              await this.record(fired);
            }),
        }),
      );
    }
    if (this.detectors.length > 0) {
      const tickGroup = `${config.groupId}-ticks`;
      this.subscriptions.push(
        await observeEvents(bus, {
          groupId: tickGroup,
          topics: [TOPICS.pricesTicks],
          schemas: { [TOPICS.pricesTicks]: priceTickV1 },
          fromBeginning: config.fromBeginning,
          onRetry: (err, attempt) => logger.warn({ err, attempt }, 'unexplained-move evaluation failed; the batch will be delivered again'),
          handler: (events) =>
            this.exclusive(async () => {
              const now = clock.now();
              for (const { event } of events) for (const d of this.detectors) d.onTick(event.symbol, Date.parse(event.ts), event.price, now);
              lag(tickGroup, TOPICS.pricesTicks, events[events.length - 1].message.timestamp);
              await this.record(this.detectors.flatMap((d) => d.due(now)));
            }),
        }),
      );
      const newsGroup = `${config.groupId}-news`;
      this.subscriptions.push(
        await observeEvents(bus, {
          groupId: newsGroup,
          topics: [TOPICS.newsScored],
          schemas: { [TOPICS.newsScored]: newsScoredV1 },
          fromBeginning: config.fromBeginning,
          handler: (events) =>
            this.exclusive(async () => {
              for (const { event } of events) for (const d of this.detectors) d.onHeadline(Date.parse(event.published_at));
              lag(newsGroup, TOPICS.newsScored, events[events.length - 1].message.timestamp);
              await this.record(this.detectors.flatMap((d) => d.due(clock.now())));
            }),
        }),
      );
    }
    // Candidates waiting for explaining headlines are decided on wall time too.
    this.timer = setInterval(() => {
      void this.exclusive(async () => {
        const due = this.detectors.flatMap((d) => d.due(clock.now()));
        if (due.length > 0 || this.unrecorded.length > 0) await this.record(due).catch((err) => logger.error({ err }, 'cannot record alerts; will try again'));
      });
    }, 1000);
    this.timer.unref();
    this.started = true;
    logger.info({ headlineRules: this.headlineRules.length, moveRules: this.detectors.length, webhooks: config.webhooks.length }, 'alert rules armed');
  }

  /** Headlines published before a restart still explain moves that follow it. */
  private async loadRecentHeadlines(): Promise<void> {
    const rows = await this.deps.store.query<{ p: string }>(
      `SELECT toUnixTimestamp64Milli(published_at) AS p FROM ${this.deps.store.table('news_store')} ORDER BY published_at DESC LIMIT 10000`,
    );
    for (const r of rows) for (const d of this.detectors) d.onHeadline(Number(r.p));
  }

  /** Stories alerted before a restart stay alerted: their copies must not fire after it. */
  private async loadRecentStories(): Promise<void> {
    const rows = await this.deps.store.query<{ alert_id: string; rule_id: string; symbol: string; title: string; data: string; e: string; f: string }>(
      `SELECT alert_id, rule_id, symbol, title, data, toUnixTimestamp64Milli(event_ts) AS e, toUnixTimestamp64Milli(fired_at) AS f
       FROM ${this.deps.store.table('alerts')} WHERE kind = 'headline' ORDER BY fired_at DESC LIMIT 10000`,
    );
    const alerts = rows.reverse().map((r) => {
      const data = JSON.parse(r.data || '{}') as Record<string, unknown>;
      return { alertId: r.alert_id, ruleId: r.rule_id, kind: 'headline' as const, symbol: r.symbol, eventTs: Number(r.e), firedAt: Number(r.f), articleId: typeof data.article_id === 'string' ? data.article_id : null, title: r.title, data };
    });
    this.stories.admit(alerts);
  }

  /** Durable before the caller acks: deliveries first (they are the promise to the receivers), then the alert rows. */
  private async record(alerts: Alert[]): Promise<void> {
    const all = [...this.unrecorded, ...alerts];
    this.unrecorded = [];
    if (all.length === 0) return;
    try {
      const known = await this.deps.deliveryStore.knownAlerts(all.map((a) => a.alertId));
      const fresh = all.filter((a, i) => !known.has(a.alertId) && all.findIndex((b) => b.alertId === a.alertId) === i);
      if (fresh.length === 0) return;
      await this.deps.dispatcher.enqueue(fresh);
      await this.deps.deliveryStore.saveAlerts(fresh);
      for (const a of fresh) {
        this.deps.metrics.alertsFired.inc({ rule: a.ruleId });
        this.deps.logger.info({ alert: a.alertId, rule: a.ruleId, title: a.title }, 'alert fired');
        this.deps.onAlert?.(a);
      }
    } catch (err) {
      // Move alerts exist only in memory until recorded: keep them for the next try. Headline alerts come back with the redelivered batch.
      this.unrecorded = all.filter((a) => a.kind === 'unexplained_move');
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subscriptions.splice(0)) await s.close();
    await this.chain;
  }
}
