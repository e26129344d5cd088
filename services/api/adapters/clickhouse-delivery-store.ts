import type { Store } from '../../../shared/store/port.ts';
import type { Alert } from '../domain/alert-rules.ts';
import type { Delivery, DeliveryStatus } from '../domain/delivery-state.ts';
import type { AttemptRecord, DeliveryStore } from '../alerts/ports.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function deliveryRow(d: Delivery): Record<string, unknown> {
  return {
    delivery_id: d.deliveryId,
    endpoint_id: d.endpointId,
    alert_id: d.alertId,
    event_type: d.eventType,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: iso(d.nextAttemptAt),
    last_status: d.lastStatus,
    last_error: d.lastError.slice(0, 2000),
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    delivered_at: d.deliveredAt === null ? null : iso(d.deliveredAt),
    revision: d.revision,
  };
}

/**
 * Rows for one table written together: callers that write while a flush is running wait
 * for the next one, which carries all their rows in one insert (group commit). Each caller
 * resolves only once its rows are in the store, so durability is unchanged.
 */
class GroupWriter {
  private pending: { rows: Record<string, unknown>[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly write: (rows: Record<string, unknown>[]) => Promise<void>) {}

  add(rows: Record<string, unknown>[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // The first insert waits for the rest of this turn of the event loop: the outcomes of a burst of answers join it.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.write(batch.flatMap((b) => b.rows));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = false;
  }
}

/** Delivery state in ClickHouse (migration 010): every change is a row with a higher revision, read back with FINAL. */
export class ClickHouseDeliveryStore implements DeliveryStore {
  private readonly deliveries: GroupWriter;
  private readonly attempts: GroupWriter;

  constructor(private readonly store: Store) {
    this.deliveries = new GroupWriter((rows) => store.insert(store.table('webhook_deliveries_store'), rows));
    this.attempts = new GroupWriter((rows) => store.insert(store.table('webhook_attempts_store'), rows));
  }

  async existing(deliveryIds: string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return new Set();
    const rows = await this.store.query<{ delivery_id: string }>(
      `SELECT DISTINCT delivery_id FROM ${this.store.table('webhook_deliveries_store')} WHERE delivery_id IN {ids:Array(String)}`,
      { params: { ids: deliveryIds } },
    );
    return new Set(rows.map((r) => r.delivery_id));
  }

  async save(deliveries: Delivery[]): Promise<void> {
    await this.deliveries.add(deliveries.map(deliveryRow));
  }

  async recordAttempt(a: AttemptRecord): Promise<void> {
    await this.attempts.add([
      {
        delivery_id: a.deliveryId,
        endpoint_id: a.endpointId,
        attempt: a.attempt,
        started_at: iso(a.startedAt),
        duration_ms: a.durationMs,
        outcome: a.outcome,
        status: a.status,
        error: a.error.slice(0, 2000),
        next_attempt_at: a.nextAttemptAt === null ? null : iso(a.nextAttemptAt),
      },
    ]);
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
