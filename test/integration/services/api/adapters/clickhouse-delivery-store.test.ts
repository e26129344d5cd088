import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseDeliveryStore } from '../../../../../services/api/adapters/clickhouse-delivery-store.ts';
import type { Delivery } from '../../../../../services/api/domain/delivery-state.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { dropTestStore, openTestStore } from '../../../../helpers/store.ts';

// Odd milliseconds everywhere: a time written in the wrong unit or precision reads back different.
const T0 = Date.parse('2026-06-01T09:00:00.007Z');
let store: Store;
let deliveries: ClickHouseDeliveryStore;

beforeAll(async () => {
  store = await openTestStore();
  // No linger: the test waits for each write anyway.
  deliveries = new ClickHouseDeliveryStore(store, { outcomeLingerMs: 0 });
});
afterAll(async () => {
  await dropTestStore(store);
});

function delivery(id: string, over: Partial<Delivery> = {}): Delivery {
  return {
    deliveryId: id, endpointId: 'ep', alertId: `alr_${id}`, eventType: 'alert.headline', payload: '{"type":"alert.headline","data":{"title":"é"}}',
    status: 'pending', attempts: 0, nextAttemptAt: T0 + 1, lastStatus: 0, lastError: '', createdAt: T0 - 999, updatedAt: T0 + 3, deliveredAt: null, revision: 0, ...over,
  };
}

async function stored(id: string) {
  const [row] = await store.query<Record<string, unknown>>(
    `SELECT status, attempts, revision, toUnixTimestamp64Milli(next_attempt_at) AS next_ms, toUnixTimestamp64Milli(created_at) AS created_ms,
            toUnixTimestamp64Milli(updated_at) AS updated_ms, toUnixTimestamp64Milli(delivered_at) AS delivered_ms
     FROM ${store.table('webhook_deliveries')} WHERE delivery_id = {id:String}`,
    { params: { id } },
  );
  return row;
}

describe('ClickHouseDeliveryStore', () => {
  it('keeps every time of a delivery and its attempts to the millisecond, and reads pending deliveries back as saved', async () => {
    const waiting = delivery('d-wait');
    const done = delivery('d-done');
    await deliveries.save([waiting, done]);
    expect(await stored('d-wait')).toMatchObject({ status: 'pending', next_ms: T0 + 1, created_ms: T0 - 999, updated_ms: T0 + 3, delivered_ms: null });

    // A jittered retry time has a fraction of a millisecond: stored truncated, as a Date would read it.
    const retry = { ...waiting, attempts: 1, revision: 1, lastStatus: 503, lastError: 'HTTP 503', nextAttemptAt: T0 + 60_011.75, updatedAt: T0 + 13 };
    await deliveries.recordOutcome({ deliveryId: 'd-wait', endpointId: 'ep', attempt: 1, startedAt: T0 + 5.5, durationMs: 8.5, outcome: 'http', status: 503, error: 'HTTP 503', nextAttemptAt: T0 + 60_011.75 }, retry);
    const delivered = { ...done, attempts: 1, revision: 1, status: 'delivered' as const, lastStatus: 204, updatedAt: T0 + 21, deliveredAt: T0 + 21 };
    await deliveries.recordOutcome({ deliveryId: 'd-done', endpointId: 'ep', attempt: 1, startedAt: T0 + 17, durationMs: 4, outcome: 'success', status: 204, error: '', nextAttemptAt: null }, delivered);

    expect(await stored('d-wait')).toMatchObject({ status: 'pending', attempts: 1, revision: 1, next_ms: T0 + 60_011, updated_ms: T0 + 13, delivered_ms: null });
    expect(await stored('d-done')).toMatchObject({ status: 'delivered', revision: 1, updated_ms: T0 + 21, delivered_ms: T0 + 21 });
    const attempts = await store.query<Record<string, unknown>>(
      `SELECT delivery_id, toUnixTimestamp64Milli(started_at) AS started_ms, toUnixTimestamp64Milli(next_attempt_at) AS next_ms, duration_ms, status
       FROM ${store.table('webhook_attempts')} ORDER BY delivery_id`,
    );
    expect(attempts).toEqual([
      { delivery_id: 'd-done', started_ms: T0 + 17, next_ms: null, duration_ms: 4, status: 204 },
      { delivery_id: 'd-wait', started_ms: T0 + 5, next_ms: T0 + 60_011, duration_ms: 8.5, status: 503 },
    ]);
    // What a restart loads: the retried delivery as recorded, not the delivered one.
    expect(await deliveries.pending()).toEqual([{ ...retry, nextAttemptAt: T0 + 60_011 }]);
    expect(await deliveries.existing(['d-wait', 'd-done', 'd-never'])).toEqual(new Set(['d-wait', 'd-done']));
    // Changed since created: an attempt recorded (or a cancel), not a first row alone, even saved again.
    await deliveries.save([delivery('d-new'), { ...done, updatedAt: T0 + 30 }]);
    expect(await deliveries.changed(['d-wait', 'd-done', 'd-new', 'd-never'])).toEqual(new Set(['d-wait', 'd-done']));
    expect(await stored('d-done')).toMatchObject({ status: 'delivered', revision: 1 });
  });
});
