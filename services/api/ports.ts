// The API's ports (what its use cases need from the outside): its adapters implement them, main.ts wires them.
import type { Alert } from './domain/alert-rules.ts';
import type { Delivery } from './domain/delivery-state.ts';

export interface AttemptRecord {
  deliveryId: string;
  endpointId: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  outcome: string;
  status: number;
  error: string;
  nextAttemptAt: number | null;
}

/** Durable outbox of alerts and webhook deliveries: what is written here survives a restart. */
export interface DeliveryStore {
  /** Which of these delivery ids exist already (whatever their state). */
  existing(deliveryIds: string[]): Promise<Set<string>>;
  /**
   * Which of these have a change recorded after their creation (an attempt's outcome, a cancel: revision > 0).
   * A `save()` of new deliveries running meanwhile (revision 0) does not make one of them count.
   */
  changed(deliveryIds: string[]): Promise<Set<string>>;
  save(deliveries: Delivery[]): Promise<void>;
  /**
   * An attempt's outcome: its attempt row and `next`, the delivery's state after it, both durable when this resolves.
   * `alone`: no other request is out, so a store that groups outcomes has nothing to wait for.
   */
  recordOutcome(attempt: AttemptRecord, next: Delivery, alone?: boolean): Promise<void>;
  deadLetter(delivery: Delivery, reason: string, atMs: number): Promise<void>;
  /** Deliveries still waiting for an attempt. */
  pending(): Promise<Delivery[]>;
  disabledEndpoints(): Promise<{ endpointId: string; urlHash: string; reason: string }[]>;
  setEndpointState(endpointId: string, urlHash: string, disabled: boolean, reason: string, atMs: number): Promise<void>;
  saveAlerts(alerts: Alert[]): Promise<void>;
  knownAlerts(alertIds: string[]): Promise<Set<string>>;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface WebhookResponse {
  status: number;
  retryAfter?: string;
  body: string;
}

/** Sends one request. Throws AppError WEBHOOK_ADDRESS_REFUSED for a refused target, WEBHOOK_DELIVERY_FAILED when no response came. */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
  close(): void;
}
