import type { Store } from '../../../shared/store/port.ts';
import type { Alert } from '../domain/alert-rules.ts';
import type { Delivery, DeliveryStatus } from '../domain/delivery-state.ts';
import type { AttemptRecord, DeliveryStore } from '../ports.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/*
 * The rows written per attempt carry their DateTime64(3) columns as integer milliseconds, which ClickHouse
 * reads as ticks of the column's precision (1 ms here), instead of ISO text: no Date and string per column,
 * shorter JSON to encode and parse (test/integration/services/api/adapters/clickhouse-delivery-store.test.ts reads them back).
 * Truncated as a Date would: a retry time is jittered to a fraction of a millisecond, and a number with a
 * fraction is not a DateTime64(3) ClickHouse reads (the insert fails).
 */
const ms = (at: number) => Math.trunc(at);
function deliveryRow(d: Delivery): Record<string, unknown> {
  return {
    delivery_id: d.deliveryId,
    endpoint_id: d.endpointId,
    alert_id: d.alertId,
    event_type: d.eventType,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: ms(d.nextAttemptAt),
    last_status: d.lastStatus,
    last_error: d.lastError.length > 2000 ? d.lastError.slice(0, 2000) : d.lastError,
    created_at: ms(d.createdAt),
    updated_at: ms(d.updatedAt),
    delivered_at: d.deliveredAt === null ? null : ms(d.deliveredAt),
    revision: d.revision,
  };
}

export interface GroupWriterOptions {
  /**
   * How long the first item of a group waits for others before its write starts (0: only
   * for the rest of this turn of the event loop). Each embedded insert costs about the same
   * CPU whatever its size (it makes one part, merged later), so fewer, larger inserts leave
   * the two cores to the requests.
   */
  lingerMs?: number;
  /** A group this large is written without waiting out the linger. */
  maxItems?: number;
  /** Runs `fn` after `ms` (0: on the next turn); tests pass their own to step through. */
  schedule?: (fn: () => void, ms: number) => void;
}

const defaultSchedule = (fn: () => void, ms: number) => {
  if (ms > 0) setTimeout(fn, ms);
  else setImmediate(fn);
};

function attemptRow(a: AttemptRecord): Record<string, unknown> {
  return {
    delivery_id: a.deliveryId,
    endpoint_id: a.endpointId,
    attempt: a.attempt,
    started_at: ms(a.startedAt),
    duration_ms: a.durationMs,
    outcome: a.outcome,
    status: a.status,
    error: a.error.length > 2000 ? a.error.slice(0, 2000) : a.error,
    next_attempt_at: a.nextAttemptAt === null ? null : ms(a.nextAttemptAt),
  };
}

/**
 * Items written together (group commit): one write at a time; items added while it runs
 * go in the next one, which carries all of them. Each caller resolves only once its items
 * are written, and fails if their write failed, so durability is what it would be alone.
 */
export class GroupWriter<T> {
  private pending: { items: T[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private count = 0;
  /** An item that must not wait out the linger is waiting. */
  private urgent = false;
  private flushing = false;
  /** What the scheduled flush is: soon (next turn) or after the linger; a newer schedule voids an older one. */
  private armed: 'soon' | 'later' | undefined;
  private generation = 0;
  private readonly lingerMs: number;
  private readonly maxItems: number;
  private readonly schedule: (fn: () => void, ms: number) => void;

  constructor(private readonly write: (items: T[]) => Promise<void>, options: GroupWriterOptions = {}) {
    this.lingerMs = options.lingerMs ?? 0;
    this.maxItems = options.maxItems ?? Infinity;
    this.schedule = options.schedule ?? defaultSchedule;
  }

  /** `urgent`: write these (and whatever waits with them) without waiting out the linger. */
  add(items: T[], urgent = false): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      this.count += items.length;
      if (urgent) this.urgent = true;
      this.arm();
    });
  }

  private arm(): void {
    if (this.flushing || this.pending.length === 0) return;
    const soon = this.lingerMs <= 0 || this.count >= this.maxItems || this.urgent;
    if (this.armed === 'soon' || (this.armed === 'later' && !soon)) return;
    this.armed = soon ? 'soon' : 'later';
    const generation = ++this.generation;
    this.schedule(() => {
      if (generation === this.generation) void this.flush();
    }, soon ? 0 : this.lingerMs);
  }

  private async flush(): Promise<void> {
    this.armed = undefined;
    if (this.flushing || this.pending.length === 0) return;
    this.flushing = true;
    const batch = this.pending;
    this.pending = [];
    this.count = 0;
    this.urgent = false;
    try {
      await this.write(batch.flatMap((b) => b.items));
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
    this.flushing = false;
    this.arm();
  }
}

/** An attempt's answer as stored: its attempt row and the delivery's state after it. */
interface Outcome {
  attempt: Record<string, unknown>;
  delivery: Record<string, unknown>;
}

/** Delivery state in ClickHouse (migration 010): every change is a row with a higher revision, read back with FINAL. */
export class ClickHouseDeliveryStore implements DeliveryStore {
  private readonly deliveries: GroupWriter<Record<string, unknown>>;
  private readonly outcomes: GroupWriter<Outcome>;
  private readonly enqueueStore: Store;

  /**
   * `outcomeLingerMs`: how long the outcome of an answered request waits for others to share
   * its inserts. It holds no `concurrency` slot meanwhile (the dispatcher releases that when the
   * answer comes), and the delivery stays in the queue until its outcome is written, so the
   * wait only delays when it counts as delivered (and widens what a crash, not an orderly stop,
   * leaves to be sent again under the same webhook-id). An outcome recorded `alone` (no other request
   * out) does not linger and takes whatever waits with it, nor do new deliveries (`save`): their
   * caller waits for them before acknowledging its input. 200 ms: on a connection of its own an
   * outcome insert no longer waits behind the enqueue's statements, so fewer answers came in
   * during each and a 50 ms linger made 16-22 attempt inserts per burst of 2,000 where one shared
   * connection had made 9-15 (issue 16); each embedded insert costs about the
   * same CPU whatever its size.
   *
   * `connections`: where the two write paths run. The embedded engine runs one statement at a time per
   * connection, so on one connection each `existing()` and `save()` of an enqueue (a caller waits for both
   * before it acks) queued behind the outcome inserts of the answers that came meanwhile; on connections
   * of their own they run beside them. Without them, everything runs on `store`.
   */
  constructor(
    private readonly store: Store,
    options: { outcomeLingerMs?: number; schedule?: GroupWriterOptions['schedule']; connections?: { enqueue?: Store; outcomes?: Store } } = {},
  ) {
    const deliveries = store.table('webhook_deliveries_store');
    const attempts = store.table('webhook_attempts_store');
    const enqueueStore = (this.enqueueStore = options.connections?.enqueue ?? store);
    const outcomeStore = options.connections?.outcomes ?? store;
    this.deliveries = new GroupWriter((rows) => enqueueStore.insert(deliveries, rows), { schedule: options.schedule });
    this.outcomes = new GroupWriter(
      async (items) => {
        await Promise.all([outcomeStore.insert(attempts, items.map((o) => o.attempt)), outcomeStore.insert(deliveries, items.map((o) => o.delivery))]);
      },
      { lingerMs: options.outcomeLingerMs ?? 200, maxItems: 1000, schedule: options.schedule },
    );
  }

  async existing(deliveryIds: string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return new Set();
    const rows = await this.enqueueStore.query<{ delivery_id: string }>(
      `SELECT DISTINCT delivery_id FROM ${this.store.table('webhook_deliveries_store')} WHERE delivery_id IN {ids:Array(String)}`,
      { params: { ids: deliveryIds } },
    );
    return new Set(rows.map((r) => r.delivery_id));
  }

  /** On the main connection: the dispatcher runs it beside the `save()` of the same ids, on the enqueue connection. */
  async changed(deliveryIds: string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return new Set();
    const rows = await this.store.query<{ delivery_id: string }>(
      `SELECT DISTINCT delivery_id FROM ${this.store.table('webhook_deliveries_store')} WHERE delivery_id IN {ids:Array(String)} AND revision > 0`,
      { params: { ids: deliveryIds } },
    );
    return new Set(rows.map((r) => r.delivery_id));
  }

  async save(deliveries: Delivery[]): Promise<void> {
    await this.deliveries.add(deliveries.map(deliveryRow));
  }

  /** `alone`: no other request is out, so no other answer would join this one's group: it is written at once. */
  async recordOutcome(a: AttemptRecord, next: Delivery, alone = false): Promise<void> {
    await this.outcomes.add([{ attempt: attemptRow(a), delivery: deliveryRow(next) }], alone);
  }


  async deadLetter(d: Delivery, reason: string, atMs: number): Promise<void> {
    await this.store.insert(this.store.table('webhook_dead_letters_store'), [
      {
        delivery_id: d.deliveryId,
        endpoint_id: d.endpointId,
        alert_id: d.alertId,
        event_type: d.eventType,
        payload: d.payload,
        attempts: d.attempts,
        last_status: d.lastStatus,
        last_error: d.lastError.slice(0, 2000),
        reason: reason.slice(0, 2000),
        dead_at: iso(atMs),
      },
    ]);
  }

  async pending(): Promise<Delivery[]> {
    const rows = await this.store.query<Record<string, string | number | null>>(
      `SELECT delivery_id, endpoint_id, alert_id, event_type, payload, status, attempts, last_status, last_error, revision,
              toUnixTimestamp64Milli(next_attempt_at) AS next_ms, toUnixTimestamp64Milli(created_at) AS created_ms,
              toUnixTimestamp64Milli(updated_at) AS updated_ms
       FROM ${this.store.table('webhook_deliveries_store')} FINAL WHERE status = 'pending' ORDER BY next_attempt_at`,
    );
    return rows.map((r) => ({
      deliveryId: String(r.delivery_id),
      endpointId: String(r.endpoint_id),
      alertId: String(r.alert_id),
      eventType: String(r.event_type),
      payload: String(r.payload),
      status: r.status as DeliveryStatus,
      attempts: Number(r.attempts),
      nextAttemptAt: Number(r.next_ms),
      lastStatus: Number(r.last_status),
      lastError: String(r.last_error),
      createdAt: Number(r.created_ms),
      updatedAt: Number(r.updated_ms),
      deliveredAt: null,
      revision: Number(r.revision),
    }));
  }

  async disabledEndpoints(): Promise<{ endpointId: string; urlHash: string; reason: string }[]> {
    const rows = await this.store.query<{ endpoint_id: string; url_hash: string; reason: string }>(
      `SELECT endpoint_id, url_hash, reason FROM ${this.store.table('webhook_endpoints_store')} FINAL WHERE disabled = 1`,
    );
    return rows.map((r) => ({ endpointId: r.endpoint_id, urlHash: r.url_hash, reason: r.reason }));
  }

  async setEndpointState(endpointId: string, urlHash: string, disabled: boolean, reason: string, atMs: number): Promise<void> {
    await this.store.insert(this.store.table('webhook_endpoints_store'), [
      { endpoint_id: endpointId, url_hash: urlHash, disabled: disabled ? 1 : 0, reason, changed_at: iso(atMs), revision: atMs },
    ]);
  }

  async saveAlerts(alerts: Alert[]): Promise<void> {
    await this.store.insert(
      this.store.table('alerts_store'),
      alerts.map((a) => ({
        alert_id: a.alertId,
        rule_id: a.ruleId,
        kind: a.kind,
        symbol: a.symbol,
        event_ts: iso(a.eventTs),
        fired_at: iso(a.firedAt),
        article_id: a.articleId,
        title: a.title,
        data: JSON.stringify(a.data),
      })),
    );
  }

  async knownAlerts(alertIds: string[]): Promise<Set<string>> {
    if (alertIds.length === 0) return new Set();
    const rows = await this.store.query<{ alert_id: string }>(
      `SELECT DISTINCT alert_id FROM ${this.store.table('alerts_store')} WHERE alert_id IN {ids:Array(String)}`,
      { params: { ids: alertIds } },
    );
    return new Set(rows.map((r) => r.alert_id));
  }
}
