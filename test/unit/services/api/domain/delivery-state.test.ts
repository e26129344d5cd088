import { describe, expect, it } from 'vitest';
import { applyOutcome, cancel, type Delivery } from '../../../../../services/api/domain/delivery-state.ts';
import type { RetrySchedule } from '../../../../../services/api/domain/retry-schedule.ts';

const schedule: RetrySchedule = { firstDelaySec: 5, factor: 3, maxDelaySec: 3600, jitter: 0, maxAttempts: 3, maxRetryAfterSec: 7200 };
const base: Delivery = {
  deliveryId: 'msg_1',
  endpointId: 'desk',
  alertId: 'alr_1',
  eventType: 'alert.headline',
  payload: '{}',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: 0,
  lastStatus: 0,
  lastError: '',
  createdAt: 0,
  updatedAt: 0,
  deliveredAt: null,
  revision: 0,
};

describe('applyOutcome', () => {
  it('delivers on 2xx and keeps the id', () => {
    const t = applyOutcome(base, { kind: 'success', status: 204 }, 1000, schedule, 0.5);
    expect(t.next).toMatchObject({ deliveryId: 'msg_1', status: 'delivered', attempts: 1, deliveredAt: 1000, revision: 1 });
    expect(t.deadReason).toBeUndefined();
  });

  it('schedules the next attempt on failure, on the schedule', () => {
    const t1 = applyOutcome(base, { kind: 'http', status: 503 }, 1000, schedule, 0.5);
    expect(t1.next).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: 6000, lastStatus: 503 });
    const t2 = applyOutcome(t1.next, { kind: 'network', error: 'ECONNREFUSED' }, 6000, schedule, 0.5);
    expect(t2.next).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: 21_000, lastError: 'ECONNREFUSED', revision: 2 });
  });

  it('honours Retry-After', () => {
    const t = applyOutcome(base, { kind: 'http', status: 429, retryAfterMs: 60_000 }, 1000, schedule, 0.5);
    expect(t.next.nextAttemptAt).toBe(61_000);
  });

  it('dead-letters after the last attempt', () => {
    const d = { ...base, attempts: 2 };
    const t = applyOutcome(d, { kind: 'http', status: 500, body: 'boom' }, 1000, schedule, 0.5);
    expect(t.next.status).toBe('dead');
    expect(t.deadReason).toMatch(/no success after 3 attempts; last: HTTP 500: boom/);
  });

  it('410 Gone dead-letters at once and disables the endpoint', () => {
    const t = applyOutcome(base, { kind: 'http', status: 410 }, 1000, schedule, 0.5);
    expect(t.next.status).toBe('dead');
    expect(t.disableEndpoint).toBe(true);
  });

  it('a refused address is not retried', () => {
    const t = applyOutcome(base, { kind: 'refused', error: '127.0.0.1 is loopback' }, 1000, schedule, 0.5);
    expect(t.next.status).toBe('dead');
    expect(t.deadReason).toMatch(/address refused/);
  });

  it('cancel dead-letters without an attempt', () => {
    const t = cancel(base, 5, 'endpoint disabled');
    expect(t.next).toMatchObject({ status: 'dead', attempts: 0, revision: 1 });
    expect(t.deadReason).toBe('endpoint disabled');
  });
});
