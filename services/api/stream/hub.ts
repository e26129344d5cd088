/**
 * Fan-out of live events to `GET /stream` clients, with the replay buffer that lets a
 * client resume. Publishing is synchronous, so a client that registers and reads the
 * buffer in the same tick can neither miss nor repeat an event.
 */
import type { Alert } from '../domain/alert-rules.ts';
import { ReplayBuffer, type StreamEvent } from '../domain/replay-buffer.ts';

export type StreamListener = (event: StreamEvent) => void;

export class StreamHub {
  readonly buffer: ReplayBuffer;
  private readonly listeners = new Set<StreamListener>();

  constructor(capacity: number, instance: string, private readonly now: () => number) {
    this.buffer = new ReplayBuffer(capacity, instance);
  }

  publish(topic: string, key: string, payload: unknown): StreamEvent {
    const event = this.buffer.append(topic, key, JSON.stringify(payload), this.now());
    for (const listener of this.listeners) listener(event);
    return event;
  }

  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get clients(): number {
    return this.listeners.size;
  }
}

export const streamKey = {
  scored: (e: { id: string }) => `n:${e.id}`,
  impact: (e: { article_id: string; symbol: string; horizon: string; version: number }) => `i:${e.article_id}:${e.symbol}:${e.horizon}:${e.version}`,
  alert: (a: { alert_id: string }) => `a:${a.alert_id}`,
};

/** How an alert looks on the stream (and in its replay from the store). */
export function alertStreamPayload(a: Pick<Alert, 'alertId' | 'ruleId' | 'kind' | 'symbol' | 'title' | 'eventTs' | 'firedAt' | 'data'>): Record<string, unknown> & { alert_id: string } {
  return { alert_id: a.alertId, rule_id: a.ruleId, kind: a.kind, symbol: a.symbol, title: a.title, event_ts: new Date(a.eventTs).toISOString(), fired_at: new Date(a.firedAt).toISOString(), ...a.data };
}
