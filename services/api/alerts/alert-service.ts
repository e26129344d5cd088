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
import type { AlertsConfig } from '../config.ts';
import type { AlertEvaluator } from '../domain/alert-kinds/define.ts';
import { createEvaluator } from '../domain/alert-kinds/registry.ts';
import type { Alert } from '../domain/alert-rules.ts';
import { SameStoryFilter } from '../domain/same-story.ts';
import type { ApiMetrics } from '../metrics.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { DeliveryStore } from '../ports.ts';
import { toMs } from '../../../shared/contracts/time.ts';

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

type With<K extends keyof AlertEvaluator> = AlertEvaluator & Required<Pick<AlertEvaluator, K>>;

export class AlertService {
  /** One evaluator per rule, by what it reads: each topic is subscribed only if some rule reads it. */
  private readonly onImpact: With<'onImpact'>[];
  private readonly onTick: With<'onTick'>[];
  private readonly onHeadline: With<'onHeadline'>[];
  private readonly due: With<'due'>[];
  private readonly ruleCounts: Record<string, number> = {};
  private readonly subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Alerts fired but not yet made durable (the store was away): tried again on the next tick. */
  private unrecorded: Alert[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private started = false;
  private readonly stories = new SameStoryFilter();

  constructor(private readonly deps: AlertServiceDeps) {
    const evaluators = deps.config.rules.map((r) => createEvaluator(r));
    for (const r of deps.config.rules) this.ruleCounts[r.kind] = (this.ruleCounts[r.kind] ?? 0) + 1;
    this.onImpact = evaluators.filter((e): e is With<'onImpact'> => typeof e.onImpact === 'function');
    this.onTick = evaluators.filter((e): e is With<'onTick'> => typeof e.onTick === 'function');
    this.onHeadline = evaluators.filter((e): e is With<'onHeadline'> => typeof e.onHeadline === 'function');
    this.due = evaluators.filter((e): e is With<'due'> => typeof e.due === 'function');
  }

  /** What every evaluator with a wall-time decision can decide now. */
  private decide(now: number): Alert[] {
    return this.due.flatMap((e) => e.due(now));
  }

  get ready(): boolean {
    return this.started;
  }

  /** Every handler runs one at a time: the evaluators are shared state. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async start(): Promise<void> {
    const { bus, config, logger, metrics, clock } = this.deps;
    if (this.onHeadline.length > 0) await this.loadRecentHeadlines();
    if (this.onImpact.length > 0) await this.loadRecentStories();
    const lag = (group: string, topic: string, timestamp: number) => metrics.consumerLag.set({ group, topic }, Math.max(0, (clock.now() - timestamp) / 1000));

    if (this.onImpact.length > 0) {
      const group = `${config.groupId}-impact`;
      this.subscriptions.push(
        await subscribeEvents(bus, {
          groupId: group,
          topic: TOPICS.newsImpact,
          schema: newsImpactV1,
          fromBeginning: config.fromBeginning,
          onInvalid: (m, error) => logger.warn({ offset: m.offset, error }, 'invalid news.impact sent to DLQ'),
          handler: (events) =>
            this.exclusive(async () => {
              const now = clock.now();
              const { kept: fired, dropped } = this.stories.admit(events.flatMap((e) => this.onImpact.flatMap((r) => r.onImpact(e.event, now))));
              if (dropped.length > 0) logger.info({ dropped: dropped.length, title: dropped[0].title.slice(0, 100) }, 'same story under another article id: not alerted again');
              lag(group, TOPICS.newsImpact, events[events.length - 1].message.timestamp);
              // Alerts of an impact come back with the redelivered batch if recording fails.
              await this.record(fired, { redelivered: true });
            }),
        }),
      );
    }
    if (this.onTick.length > 0) {
      const tickGroup = `${config.groupId}-ticks`;
      this.subscriptions.push(
        await observeEvents(bus, {
          groupId: tickGroup,
          topics: [TOPICS.pricesTicks],
          schemas: { [TOPICS.pricesTicks]: priceTickV1 },
          fromBeginning: config.fromBeginning,
          handler: (events) =>
            this.exclusive(async () => {
              const now = clock.now();
              for (const { event } of events) {
                const tick = { symbol: event.symbol, tsMs: toMs(event.ts), price: event.price };
                for (const r of this.onTick) r.onTick(tick, now);
              }
              lag(tickGroup, TOPICS.pricesTicks, events[events.length - 1].message.timestamp);
              await this.record(this.decide(now));
            }),
        }),
      );
    }
    if (this.onHeadline.length > 0) {
      const newsGroup = `${config.groupId}-news`;
      this.subscriptions.push(
        await observeEvents(bus, {
          groupId: newsGroup,
          topics: [TOPICS.newsScored],
          schemas: { [TOPICS.newsScored]: newsScoredV1 },
          fromBeginning: config.fromBeginning,
          handler: (events) =>
            this.exclusive(async () => {
              for (const { event } of events) for (const r of this.onHeadline) r.onHeadline(toMs(event.published_at));
              lag(newsGroup, TOPICS.newsScored, events[events.length - 1].message.timestamp);
              await this.record(this.decide(clock.now()));
            }),
        }),
      );
    }
    // Candidates waiting for explaining headlines are decided on wall time too.
    this.timer = setInterval(() => {
      void this.exclusive(async () => {
        const due = this.decide(clock.now());
        if (due.length > 0 || this.unrecorded.length > 0) await this.record(due).catch((err) => logger.error({ err }, 'cannot record alerts; will try again'));
      });
    }, 1000);
    this.timer.unref();
    this.started = true;
    logger.info({ rules: this.ruleCounts, webhooks: config.webhooks.length }, 'alert rules armed');
  }

  /** Headlines published before a restart still explain moves that follow it. */
  private async loadRecentHeadlines(): Promise<void> {
    const rows = await this.deps.store.query<{ p: string }>(
      `SELECT toUnixTimestamp64Milli(published_at) AS p FROM ${this.deps.store.table('news_store')} ORDER BY published_at DESC LIMIT 10000`,
    );
    for (const r of rows) for (const e of this.onHeadline) e.onHeadline(Number(r.p));
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

  /**
   * Durable before the caller acks: deliveries first (they are the promise to the receivers), then the alert rows.
   * `redelivered`: the alerts come back with their batch if this fails (impacts); otherwise they exist only here.
   */
  private async record(alerts: Alert[], { redelivered = false } = {}): Promise<void> {
    const kept = this.unrecorded;
    const all = [...kept, ...alerts];
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
      // Alerts decided from ticks, headlines or wall time exist only in memory until recorded: keep them for the next try.
      this.unrecorded = redelivered ? kept : all;
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subscriptions.splice(0)) await s.close();
    await this.chain;
  }
}
