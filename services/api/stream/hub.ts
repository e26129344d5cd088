/**
 * Fan-out of live events to `GET /stream` clients, with the replay buffer that lets a
 * client resume. Publishing is synchronous, so a client that registers and reads the
 * buffer in the same tick can neither miss nor repeat an event. Each event is serialised
 * once, into one SSE frame every client writes as is: the cost of an event does not grow
 * with the number of clients, and the bytes queued for slow clients are shared.
 */
import { ownedBytes } from '../../../shared/runtime/owned-bytes.ts';
import type { Alert } from '../domain/alert-rules.ts';
import { ReplayBuffer, type StreamEvent } from '../domain/replay-buffer.ts';

/**
 * Called with the events of one publish, in order, `frames`: all their frames, back to back, in one buffer, and `topic`:
 * the topic of every one of them when they share one (a bus batch is one topic's), else undefined.
 */
export type StreamListener = (events: StreamEvent[], frames: Uint8Array, topic: string | undefined) => void;

export class StreamHub {
  readonly buffer: ReplayBuffer;
  private readonly listeners = new Set<StreamListener>();

  constructor(capacity: number, instance: string, private readonly now: () => number) {
    this.buffer = new ReplayBuffer(capacity, instance);
  }

  publish(topic: string, key: string, payload: unknown): StreamEvent {
    return this.publishAll([{ topic, key, data: JSON.stringify(payload) }])[0];
  }

  /**
   * Publishes events together (one bus batch): their frames are encoded into one buffer, and
   * each event's `frame` is a view into it, so a client that takes all of them writes the
   * whole buffer at once and one that filters writes views, with no copy either way. `data` is the
   * event's JSON as written by `JSON.stringify` (it holds no newline, so it is one `data:` line).
   */
  publishAll(items: { topic: string; key: string; data: string }[]): StreamEvent[] {
    if (items.length === 0) return [];
    const now = this.now();
    const events: StreamEvent[] = new Array(items.length);
    // Where each frame ends in the batch's text, in characters.
    const ends: number[] = new Array(items.length);
    let text = '';
    let topic: string | undefined = items[0].topic;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const e = this.buffer.append(item.topic, item.key, item.data, now);
      events[i] = e;
      text += sseFrame(e);
      ends[i] = text.length;
      if (item.topic !== topic) topic = undefined;
    }
    // One encoding of the whole batch. When it is all ASCII (bytes = characters) the frames' offsets are their lengths,
    // so no frame is measured on its own; otherwise each frame's byte length is counted.
    // Its own memory: the replay buffer keeps frames for hours, and a small batch from Buffer.from would pin a pool block.
    const frames = ownedBytes(text);
    const ascii = frames.length === text.length;
    let at = 0;
    let from = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const end = ends[i];
      const length = ascii ? end - from : Buffer.byteLength(text.slice(from, end));
      e.frame = frames.subarray(at, at + length);
      // The same text, as a slice of the batch's (which ends with the data and a blank line): the buffer keeps every
      // event for a while, and each one's own copy of its JSON was most of what the young generation's collections had
      // to copy when it survived them (a batch's text of 128 KiB or more lives in the large-object space, never copied).
      e.data = text.slice(end - 2 - e.data.length, end - 2);
      at += length;
      from = end;
    }
    for (const listener of this.listeners) listener(events, frames, topic);
    return events;
  }

  subscribe(listener: StreamListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get clients(): number {
    return this.listeners.size;
  }
}

/** One Server-Sent Events frame (the data is JSON, so it holds no newline). */
export function sseFrame(event: { id: string; topic: string; data: string }): string {
  return `id: ${event.id}\nevent: ${event.topic}\ndata: ${event.data}\n\n`;
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
