/**
 * Webhook outbox: turns alerts into deliveries (one per matching endpoint), persists them
 * before anything is sent, and works them off on the retry schedule. Each delivery keeps
 * one `webhook-id` for all its attempts and is re-signed (fresh `webhook-timestamp`) on
 * each. A circuit breaker per endpoint stops hammering a receiver that is down: while it
 * is open, deliveries wait without spending attempts. 410 Gone disables the endpoint and
 * dead-letters what was queued for it; the last failed attempt dead-letters a delivery.
 *
 * Cost per delivery does not grow with the backlog: deliveries due now wait in a FIFO and
 * are taken from its head, later ones (retries, an open circuit) in a set looked at only
 * when the earliest of them comes due. A slot of `concurrency` is held while the request
 * is out, not while its outcome is written: the next request goes as soon as a response
 * comes, and the outcomes written meanwhile are committed together by the store. A
 * delivery leaves the queue only once its outcome is durable, so a restart resends (same
 * webhook-id) at most what was sent but not yet recorded, and never a recorded one.
 */
import { createHash, createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { AppError, isAppError } from '../../../shared/errors.ts';
import { parseRetryAfterMs } from '../../../shared/net/retry-after.ts';
import type { Clock } from '../../../shared/runtime/clock.ts';
import type { Logger } from '../../../shared/runtime/logger.ts';
import type { DeliveryConfig, WebhookConfig } from '../config.ts';
import type { Alert } from '../domain/alert-rules.ts';
import { applyOutcome, cancel, type AttemptOutcome, type Delivery, type Transition } from '../domain/delivery-state.ts';
import type { RetrySchedule } from '../domain/retry-schedule.ts';
import type { ApiMetrics } from '../metrics.ts';
import type { AttemptRecord, DeliveryStore, WebhookResponse, WebhookSender } from '../ports.ts';

interface Endpoint {
  config: WebhookConfig;
  urlHash: string;
  sign: Signer;
  breaker: CircuitBreakerPolicy;
  disabled?: string;
  /** Metric children of this endpoint, looked up once: a labelled call hashes its labels every time. */
  pendingGauge: Gauge.Internal<string>;
  latency: Histogram.Internal<string>;
  delivered: Counter.Internal;
  dead: Counter.Internal;
  attemptsBy: Map<string, Counter.Internal>;
}

/** `webhook-signature` of one attempt: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the decoded secret. */
export type Signer = (msgId: string, timestampSec: number, payload: string) => string;

/**
 * The Standard Webhooks signature scheme (the one `standardwebhooks`' `Webhook.sign` implements, with the
 * same secret decoding) on node's native HMAC: the library hashes in JavaScript, several times slower per
 * request. `test/unit/services/api/alerts/signature.test.ts` holds it to the spec's test vector and to the library.
 */
export function webhookSigner(secret: string): Signer {
  // A KeyObject made once: a Buffer key is copied into a new one on every createHmac.
  const key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64'));
  return (msgId, timestampSec, payload) => 'v1,' + createHmac('sha256', key).update(`${msgId}.${timestampSec}.${payload}`).digest('base64');
}

export function urlHash(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/** Same alert, same endpoint: same id, so a re-evaluated alert never becomes a second delivery. */
export function deliveryId(alertId: string, endpointId: string): string {
  return 'msg_' + createHash('sha256').update(`${alertId}\u0000${endpointId}`).digest('base64url').slice(0, 27);
}

/** The body sent for an alert, in the envelope the Standard Webhooks spec recommends. */
export function alertPayload(alert: Alert): string {
  return JSON.stringify({
    type: `alert.${alert.kind}`,
    timestamp: new Date(alert.firedAt).toISOString(),
    data: { alert_id: alert.alertId, rule_id: alert.ruleId, symbol: alert.symbol, title: alert.title, event_ts: new Date(alert.eventTs).toISOString(), ...alert.data },
  });
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DispatcherDeps {
  store: DeliveryStore;
  sender: WebhookSender;
  endpoints: WebhookConfig[];
  config: DeliveryConfig;
  clock: Clock;
  logger: Logger;
  metrics: ApiMetrics;
  random?: () => number;
}

export class Dispatcher {
  private readonly endpoints = new Map<string, Endpoint>();
  /** Every delivery not yet finished, whatever it waits for. */
  private readonly queue = new Map<string, Delivery>();
  /** Ids due now, oldest first; an id whose delivery left the queue meanwhile is skipped when taken. */
  private readyIds: string[] = [];
  private readyHead = 0;
  private readonly readySet = new Set<string>();
  /** Deliveries due later, and the earliest time among them. */
  private readonly delayed = new Map<string, Delivery>();
  private nextDelayedAt = Infinity;
  /** Requests out (each holds a slot of `concurrency`). */
  private readonly inFlight = new Set<string>();
  /** Attempts answered whose outcome is being written: neither sent again nor counted against `concurrency`. */
  private readonly settling = new Set<string>();
  private readonly pendingByEndpoint = new Map<string, number>();
  private readonly owner = new Map<string, number>();
  private attempts = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly schedule: RetrySchedule;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private started = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** The last `enqueue` call: the next one starts after it. */
  private enqueuing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DispatcherDeps) {
    this.schedule = deps.config;
    this.random = deps.random ?? Math.random;
    for (const c of deps.endpoints) {
      const breaker = circuitBreaker(
        // A refused address is a configuration problem, not a sign the receiver is down.
        handleWhen((err) => !(isAppError(err) && err.code === 'WEBHOOK_ADDRESS_REFUSED')).orWhenResult((r) => {
          const status = (r as WebhookResponse).status;
          return status >= 500 || status === 429 || status === 408;
        }),
        { halfOpenAfter: deps.config.breakerHalfOpenSec * 1000, breaker: new ConsecutiveBreaker(deps.config.breakerFailures) },
      );
      breaker.onStateChange((state) => {
        deps.metrics.webhookCircuit.set({ endpoint: c.id }, state === CircuitState.Open ? 1 : 0);
        if (state === CircuitState.Open) deps.logger.warn({ endpoint: c.id }, 'webhook circuit opened: deliveries wait without spending attempts');
        if (state === CircuitState.Closed) deps.logger.info({ endpoint: c.id }, 'webhook circuit closed');
      });
      this.endpoints.set(c.id, {
        config: c,
        urlHash: urlHash(c.url),
        sign: webhookSigner(c.secret),
        breaker,
        disabled: c.enabled ? undefined : 'disabled in configuration',
        pendingGauge: deps.metrics.webhookPending.labels({ endpoint: c.id }),
        latency: deps.metrics.webhookLatency.labels({ endpoint: c.id }),
        delivered: deps.metrics.webhookFinished.labels({ endpoint: c.id, result: 'delivered' }),
        dead: deps.metrics.webhookFinished.labels({ endpoint: c.id, result: 'dead' }),
        attemptsBy: new Map(),
      });
    }
  }

  /** Loads what a previous run left pending and starts working it off. */
  async start(): Promise<void> {
    for (const d of await this.deps.store.disabledEndpoints()) {
      const ep = this.endpoints.get(d.endpointId);
      if (ep && ep.urlHash === d.urlHash) ep.disabled = d.reason || 'disabled';
    }
    const pending = await this.deps.store.pending();
    let orphans = 0;
    for (const d of pending) {
      if (!this.endpoints.has(d.endpointId)) {
        orphans++;
        continue;
      }
      this.track(d);
    }
    if (orphans > 0) this.deps.logger.warn({ orphans }, 'pending webhook deliveries for endpoints no longer configured stay in the store');
    this.started = true;
    this.updatePendingGauge();
    this.deps.logger.info({ pending: this.queue.size, endpoints: this.endpoints.size }, 'webhook dispatcher started');
    this.pump();
  }

  get ready(): boolean {
    return this.started && !this.stopped;
  }

  get pendingCount(): number {
    return this.queue.size;
  }

  endpointState(): { id: string; disabled: string | null; circuit: string; pending: number }[] {
    return [...this.endpoints.values()].map((e) => ({
      id: e.config.id,
      disabled: e.disabled ?? null,
      circuit: CircuitState[e.breaker.state].toLowerCase(),
      pending: this.pendingByEndpoint.get(e.config.id) ?? 0,
    }));
  }

  /**
   * Creates and persists the deliveries of these alerts, then schedules them. Resolves
   * once they are durable: the caller acknowledges its input only after that. Calls run one
   * after another, so a delivery being enqueued is in the queue before the next call looks.
   */
  enqueue(alerts: Alert[]): Promise<Delivery[]> {
    const run = this.enqueuing.then(() => this.enqueueNow(alerts));
    this.enqueuing = run.catch(() => undefined);
    return run;
  }

  private async enqueueNow(alerts: Alert[]): Promise<Delivery[]> {
    const now = this.deps.clock.now();
    const candidates: Delivery[] = [];
    for (const alert of alerts) {
      const payload = alertPayload(alert);
      for (const ep of this.endpoints.values()) {
        if (ep.config.rules.length > 0 && !ep.config.rules.includes(alert.ruleId)) continue;
        candidates.push({
          deliveryId: deliveryId(alert.alertId, ep.config.id),
          endpointId: ep.config.id,
          alertId: alert.alertId,
          eventType: `alert.${alert.kind}`,
          payload,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastStatus: 0,
          lastError: '',
          createdAt: alert.firedAt,
          updatedAt: now,
          deliveredAt: null,
          revision: 0,
        });
      }
    }
    const seen = new Set<string>();
    const unseen = candidates.filter((d) => !this.queue.has(d.deliveryId) && !seen.has(d.deliveryId) && seen.add(d.deliveryId));
    if (unseen.length === 0) return [];
    // Saved while the store is asked which of them already had an attempt or a cancel, instead of asking first: one
    // statement's wait on the caller's chain instead of two. Saving one again is harmless: its new row has revision 0
    // and the store keeps the highest. One not in the queue that exists with only its first row was created by a run
    // that loaded it as pending at start (in the queue, then) or whose write of its outcome failed (a restart
    // sends it again anyway): it is sent now, under the same webhook-id.
    const [changed] = await Promise.all([this.deps.store.changed(unseen.map((d) => d.deliveryId)), this.deps.store.save(unseen)]);
    const fresh = unseen.filter((d) => !changed.has(d.deliveryId));
    if (fresh.length === 0) return [];
    const created: Delivery[] = [];
    for (const d of fresh) {
      const ep = this.endpoints.get(d.endpointId)!;
      if (ep.disabled) {
        await this.finish(cancel(d, now, `endpoint ${ep.config.id} is disabled: ${ep.disabled}`));
        continue;
      }
      this.track(d);
      created.push(d);
    }
    this.updatePendingGauge();
    this.pump();
    return created;
  }

  /** Re-enables an endpoint disabled by a 410 (after its owner fixed it). */
  async enableEndpoint(endpointId: string): Promise<boolean> {
    const ep = this.endpoints.get(endpointId);
    if (!ep) return false;
    if (!ep.config.enabled) throw new AppError('INPUT_INVALID', `endpoint ${endpointId} is disabled in the configuration`);
    await this.deps.store.setEndpointState(endpointId, ep.urlHash, false, 'enabled through the API', this.deps.clock.now());
    ep.disabled = undefined;
    return true;
  }

  /** Resolves when nothing is queued or in flight (for tests and orderly shutdown reports). */
  idle(): Promise<void> {
    if (this.queue.size === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // In-flight attempts finish and record their outcome, so a restart neither repeats nor loses them.
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.deps.sender.close();
  }

  /** Puts a pending delivery in the queue, ready now or delayed until its next attempt. */
  private track(d: Delivery): void {
    if (!this.queue.has(d.deliveryId)) this.countPending(d.endpointId, 1);
    this.queue.set(d.deliveryId, d);
    this.delayed.delete(d.deliveryId);
    if (d.nextAttemptAt <= this.deps.clock.now()) {
      if (!this.readySet.has(d.deliveryId)) {
        this.readySet.add(d.deliveryId);
        this.readyIds.push(d.deliveryId);
      }
    } else {
      this.readySet.delete(d.deliveryId);
      this.delayed.set(d.deliveryId, d);
      if (d.nextAttemptAt < this.nextDelayedAt) this.nextDelayedAt = d.nextAttemptAt;
    }
  }

  /** Back in the queue for another attempt: no longer out nor being written, so the pump may take it. */
  private requeue(d: Delivery): void {
    this.owner.delete(d.deliveryId);
    this.inFlight.delete(d.deliveryId);
    this.settling.delete(d.deliveryId);
    this.track(d);
  }

  private untrack(d: Delivery): void {
    if (this.queue.delete(d.deliveryId)) this.countPending(d.endpointId, -1);
    this.delayed.delete(d.deliveryId);
    this.readySet.delete(d.deliveryId);
  }

  private countPending(endpointId: string, by: number): void {
    const n = (this.pendingByEndpoint.get(endpointId) ?? 0) + by;
    this.pendingByEndpoint.set(endpointId, n);
    const ep = this.endpoints.get(endpointId);
    if (ep) ep.pendingGauge.set(n);
    else this.deps.metrics.webhookPending.set({ endpoint: endpointId }, n);
  }

  private countAttempt(ep: Endpoint, outcome: string): void {
    let child = ep.attemptsBy.get(outcome);
    if (!child) {
      child = this.deps.metrics.webhookAttempts.labels({ endpoint: ep.config.id, outcome });
      ep.attemptsBy.set(outcome, child);
    }
    child.inc();
  }

  private takeReady(): string | undefined {
    while (this.readyHead < this.readyIds.length) {
      const id = this.readyIds[this.readyHead++];
      if (this.readyHead > 1024 && this.readyHead * 2 > this.readyIds.length) {
        this.readyIds = this.readyIds.slice(this.readyHead);
        this.readyHead = 0;
      }
      if (this.readySet.delete(id)) return id;
    }
    return undefined;
  }

  /** Moves what came due from the delayed set to the ready FIFO, earliest first: runs when the earliest is due, not per completion. */
  private promote(now: number): void {
    if (this.nextDelayedAt > now) return;
    const due: Delivery[] = [];
    let next = Infinity;
    for (const d of this.delayed.values()) {
      if (d.nextAttemptAt <= now) due.push(d);
      else if (d.nextAttemptAt < next) next = d.nextAttemptAt;
    }
    this.nextDelayedAt = next;
    due.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
    for (const d of due) {
      this.delayed.delete(d.deliveryId);
      this.readySet.add(d.deliveryId);
      this.readyIds.push(d.deliveryId);
    }
  }

  private pump(): void {
    if (this.stopped || !this.started) return;
    this.promote(this.deps.clock.now());
    while (this.inFlight.size < this.deps.config.concurrency) {
      const id = this.takeReady();
      if (id === undefined) break;
      const d = this.queue.get(id);
      if (!d || this.inFlight.has(id) || this.settling.has(id)) continue;
      this.inFlight.add(id);
      // The attempt owns the id until it requeues it; a later attempt of the same delivery gets a new token.
      const token = ++this.attempts;
      this.owner.set(id, token);
      const run = this.attempt(d)
        .catch((err) => this.deps.logger.error({ err, delivery: d.deliveryId }, 'webhook attempt bookkeeping failed'))
        .finally(() => {
          if (this.owner.get(id) === token) {
            this.owner.delete(id);
            this.inFlight.delete(id);
            this.settling.delete(id);
          }
          this.running.delete(run);
          this.pump();
        });
      this.running.add(run);
    }
    this.arm();
    if (this.queue.size === 0 && this.inFlight.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** No request is out and none is ready to go: no answer is coming that an outcome written now could wait for. */
  private nothingOut(): boolean {
    return this.inFlight.size === 0 && this.readyHead >= this.readyIds.length;
  }

  /** The request is answered (or was never sent): its slot goes to the next delivery while the outcome is written. */
  private release(id: string): void {
    if (!this.inFlight.delete(id)) return;
    this.settling.add(id);
    if (this.readyHead < this.readyIds.length) queueMicrotask(() => this.pump());
  }

  private arm(): void {
    if (this.delayed.size === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    const next = this.nextDelayedAt;
    if (this.timer && this.timerAt === next) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.min(MAX_TIMER_MS, Math.max(0, next - this.deps.clock.now())));
    this.timer.unref();
  }

  private async attempt(d: Delivery): Promise<void> {
    const ep = this.endpoints.get(d.endpointId)!;
    const startedAt = this.deps.clock.now();
    if (ep.disabled) {
      this.release(d.deliveryId);
      await this.finish(cancel(d, startedAt, `endpoint ${ep.config.id} is disabled: ${ep.disabled}`));
      return;
    }
    let outcome: AttemptOutcome;
    try {
      const res = await ep.breaker.execute(() => {
        const at = this.deps.clock.now();
        const headers = {
          'webhook-id': d.deliveryId,
          'webhook-timestamp': String(Math.floor(at / 1000)),
          'webhook-signature': ep.sign(d.deliveryId, Math.floor(at / 1000), d.payload),
        };
        return this.deps.sender.send({ url: ep.config.url, headers, body: d.payload, timeoutMs: this.deps.config.timeoutSec * 1000 });
      });
      outcome =
        res.status >= 200 && res.status < 300
          ? { kind: 'success', status: res.status }
          : { kind: 'http', status: res.status, retryAfterMs: parseRetryAfterMs(res.retryAfter, this.deps.clock.now()), body: res.body };
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        // Not an attempt: the receiver was not contacted. Look again when the breaker may let one through.
        const wait = Math.max(50, Math.min(this.deps.config.breakerHalfOpenSec * 1000, 60_000));
        this.requeue({ ...d, nextAttemptAt: this.deps.clock.now() + wait * (0.5 + this.random() * 0.5) });
        this.countAttempt(ep, 'circuit_open');
        return;
      }
      outcome = isAppError(err) && err.code === 'WEBHOOK_ADDRESS_REFUSED' ? { kind: 'refused', error: err.message } : { kind: 'network', error: err instanceof Error ? err.message : String(err) };
    }
    this.release(d.deliveryId);
    const now = this.deps.clock.now();
    const transition = applyOutcome(d, outcome, now, this.schedule, this.random());
    this.countAttempt(ep, outcome.kind === 'http' ? `http_${outcome.status}` : outcome.kind);
    const attempt: AttemptRecord = {
      deliveryId: d.deliveryId,
      endpointId: d.endpointId,
      attempt: transition.next.attempts,
      startedAt,
      durationMs: now - startedAt,
      outcome: outcome.kind,
      status: outcome.kind === 'success' || outcome.kind === 'http' ? outcome.status : 0,
      error: transition.next.lastError,
      nextAttemptAt: transition.next.status === 'pending' ? transition.next.nextAttemptAt : null,
    };
    if (transition.next.status === 'pending') {
      await this.persist(() => this.deps.store.recordOutcome(attempt, transition.next, this.nothingOut()));
      this.requeue(transition.next);
      this.deps.logger.info({ delivery: d.deliveryId, endpoint: d.endpointId, attempt: transition.next.attempts, error: transition.next.lastError, retryInMs: transition.delayMs }, 'webhook attempt failed; will retry');
      return;
    }
    await this.finish(transition, attempt);
    if (transition.disableEndpoint) await this.disable(ep, now);
  }

  /** Records how a delivery ended (with the attempt that ended it, if one did), then takes it off the queue. */
  private async finish(t: Transition, attempt?: AttemptRecord): Promise<void> {
    const d = t.next;
    await this.persist(() => (attempt ? this.deps.store.recordOutcome(attempt, d, this.nothingOut()) : this.deps.store.save([d])));
    // After the state: whoever sees the dead letter finds the delivery dead (the outcome may wait for its group's insert).
    if (t.deadReason) await this.persist(() => this.deps.store.deadLetter(d, t.deadReason!, d.updatedAt));
    this.untrack(d);
    const ep = this.endpoints.get(d.endpointId)!;
    if (d.status === 'delivered') {
      ep.delivered.inc();
      ep.latency.observe(Math.max(0, (d.deliveredAt! - d.createdAt) / 1000));
      this.deps.logger.info({ delivery: d.deliveryId, endpoint: d.endpointId, attempts: d.attempts }, 'webhook delivered');
    } else {
      ep.dead.inc();
      this.deps.logger.warn({ delivery: d.deliveryId, endpoint: d.endpointId, attempts: d.attempts, reason: t.deadReason }, 'webhook delivery dead-lettered');
    }
  }

  private async disable(ep: Endpoint, now: number): Promise<void> {
    ep.disabled = 'answered 410 Gone';
    await this.persist(() => this.deps.store.setEndpointState(ep.config.id, ep.urlHash, true, 'answered 410 Gone', now));
    this.deps.logger.warn({ endpoint: ep.config.id }, 'webhook endpoint answered 410 Gone: disabled');
    for (const d of [...this.queue.values()]) {
      if (d.endpointId !== ep.config.id || this.inFlight.has(d.deliveryId) || this.settling.has(d.deliveryId)) continue;
      await this.finish(cancel(d, now, `endpoint ${ep.config.id} answered 410 Gone`));
    }
  }

  /** Bookkeeping writes are retried briefly; a store that stays down leaves the state in memory (the next change writes it again). */
  private async persist(write: () => Promise<void>): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await write();
        return;
      } catch (err) {
        if (i >= 4) {
          this.deps.logger.error({ err, ref: randomUUID() }, 'cannot persist webhook delivery state');
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** i));
      }
    }
  }

  private updatePendingGauge(): void {
    for (const ep of this.endpoints.values()) this.deps.metrics.webhookPending.set({ endpoint: ep.config.id }, this.pendingByEndpoint.get(ep.config.id) ?? 0);
  }
}
