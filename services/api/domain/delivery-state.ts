/**
 * The life of one webhook delivery: pending until a 2xx, retried on the schedule,
 * dead-lettered after the last attempt, on 410 Gone (which also disables the endpoint)
 * or when its address is refused. Pure: the dispatcher persists what this returns.
 */
import { retryDelayMs, type RetrySchedule } from './retry-schedule.ts';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  /** Sent as `webhook-id`: the same on every attempt, so the receiver can drop a repeat. */
  deliveryId: string;
  endpointId: string;
  alertId: string;
  eventType: string;
  /** The exact body that is signed and sent. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number;
  lastError: string;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
  /** Grows with every persisted change; the store keeps the highest. */
  revision: number;
}

export type AttemptOutcome =
  | { kind: 'success'; status: number }
  | { kind: 'http'; status: number; retryAfterMs?: number; body?: string }
  | { kind: 'network'; error: string }
  | { kind: 'refused'; error: string };

export interface Transition {
  next: Delivery;
  /** Set when the delivery ends without success: the dead-letter record's reason. */
  deadReason?: string;
  /** The endpoint answered 410 Gone: no more deliveries to it. */
  disableEndpoint?: boolean;
  /** Wait before the next attempt, when there is one. */
  delayMs?: number;
}

export function applyOutcome(d: Delivery, outcome: AttemptOutcome, nowMs: number, schedule: RetrySchedule, random: number): Transition {
  const attempts = d.attempts + 1;
  const base = { ...d, attempts, updatedAt: nowMs, revision: d.revision + 1 };
  switch (outcome.kind) {
    case 'success':
      return { next: { ...base, status: 'delivered', lastStatus: outcome.status, lastError: '', deliveredAt: nowMs } };
    case 'refused':
      return { next: { ...base, status: 'dead', lastStatus: 0, lastError: outcome.error }, deadReason: `address refused: ${outcome.error}` };
    case 'http':
      if (outcome.status === 410) {
        return { next: { ...base, status: 'dead', lastStatus: 410, lastError: 'endpoint answered 410 Gone' }, deadReason: 'endpoint answered 410 Gone; it is disabled', disableEndpoint: true };
      }
      break;
    case 'network':
      break;
  }
  const lastStatus = outcome.kind === 'http' ? outcome.status : 0;
  const lastError = outcome.kind === 'http' ? `HTTP ${outcome.status}${outcome.body ? `: ${outcome.body.slice(0, 200)}` : ''}` : outcome.error;
  if (attempts >= schedule.maxAttempts) {
    return { next: { ...base, status: 'dead', lastStatus, lastError }, deadReason: `no success after ${attempts} attempts; last: ${lastError}` };
  }
  const delayMs = retryDelayMs(schedule, attempts, random, outcome.kind === 'http' ? outcome.retryAfterMs : undefined);
  return { next: { ...base, status: 'pending', lastStatus, lastError, nextAttemptAt: nowMs + delayMs }, delayMs };
}

/** A delivery that will not be attempted (its endpoint is disabled) is dead-lettered as it is created. */
export function cancel(d: Delivery, nowMs: number, reason: string): Transition {
  return { next: { ...d, status: 'dead', lastError: reason, updatedAt: nowMs, revision: d.revision + 1 }, deadReason: reason };
}
