/**
 * Fan-out of live events to `GET /stream` clients, with the replay buffer that lets a
 * client resume. Publishing is synchronous, so a client that registers and reads the
 * buffer in the same tick can neither miss nor repeat an event. Each event is serialised
 * once, into one SSE frame every client writes as is: the cost of an event does not grow
 * with the number of clients, and the bytes queued for slow clients are shared.
 */
import { ownedBytes } from '../../../shared/runtime/owned-bytes.ts';
import type { Alert } from '../domain/alert-rules.ts';
import { formatEventId, ReplayBuffer, type StreamEvent } from '../domain/replay-buffer.ts';

/**
 * Called with the events of one publish, in order, `frames`: all their frames, back to back, in one buffer, and `topic`:
 * the topic of every one of them when they share one (a bus batch is one topic's), else undefined.
 */
export type StreamListener = (events: StreamEvent[], frames: Uint8Array, topic: string | undefined) => void;

/**
 * The frames of one publish, back to back, and where each starts (`starts[i + 1]` is where the i-th ends), with the
 * time and first sequence number its events share.
 */
class FrameBatch {
  frames: Buffer = EMPTY;
  starts: Int32Array = NO_STARTS;
  seq0 = 0;
  t = 0;

  constructor(readonly instance: string) {}

  stamp(seq0: number, t: number): void {
    this.seq0 = seq0;
    this.t = t;
  }
}

const EMPTY = Buffer.alloc(0);
const NO_STARTS = new Int32Array(1);

/**
 * A published event as the replay buffer keeps it: its batch, its place in it, its topic and key, nothing else. The
 * buffer holds every event for a while (10,000 by default), and an event's own id string, JSON string and view of its
 * frame, made at publish, were most of what survived the young generation's collections and was copied by them; they
 * are made from the batch when asked for (a resume from the buffer, a client that takes part of a batch).
 */
class FramedEvent implements StreamEvent {
  constructor(
    private readonly batch: FrameBatch,
    private readonly index: number,
    readonly topic: string,
    readonly key: string,
  ) {}

  get seq(): number {
    return this.batch.seq0 + this.index;
  }

  get t(): number {
    return this.batch.t;
  }

  get id(): string {
    return formatEventId(this.batch.t, this.seq, this.batch.instance);
  }

  get frame(): Uint8Array {
    return this.batch.frames.subarray(this.batch.starts[this.index], this.batch.starts[this.index + 1]);
  }

  /** The frame ends with the data and a blank line, after a header of ASCII or not (the topic is the caller's). */
  get data(): string {
    const header = Buffer.byteLength(`id: ${this.id}\nevent: ${this.topic}\ndata: `);
    return this.batch.frames.toString('utf8', this.batch.starts[this.index] + header, this.batch.starts[this.index + 1] - 2);
  }
}

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
   * Publishes events together (one bus batch): their frames are encoded into one buffer, which a client that takes all
   * of them writes at once, and each event's `frame` is a view into it, for a client that filters. `data` is the event's
   * JSON as written by `JSON.stringify` (it holds no newline, so it is one `data:` line).
   */
  publishAll(items: { topic: string; key: string; data: string }[]): StreamEvent[] {
    if (items.length === 0) return [];
    const batch = new FrameBatch(this.buffer.instance);
    let topic: string | undefined = items[0].topic;
    const events = this.buffer.appendEach(items.length, this.now(), (i, seq, t) => {
      const item = items[i];
      if (i === 0) batch.stamp(seq, t);
      if (item.topic !== topic) topic = undefined;
      return new FramedEvent(batch, i, item.topic, item.key);
    });
    // Each frame's text, joined once into the batch's: the constant parts of the id are built once per batch.
    const idStart = `id: ${batch.t}-`;
    const idEnd = `-${batch.instance}\nevent: `;
    const parts: string[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      parts[i] = idStart + (batch.seq0 + i) + idEnd + item.topic + '\ndata: ' + item.data + '\n\n';
    }
    const text = parts.join('');
    // One encoding of the whole batch, into memory of its own: the replay buffer keeps frames for hours, and a small batch
    // from Buffer.from would pin a pool block. When it is all ASCII (bytes = characters) the frames' offsets are their
    // lengths, so no frame is measured on its own; otherwise each frame's byte length is counted.
    const frames = ownedBytes(text);
    const ascii = frames.length === text.length;
    const starts = new Int32Array(items.length + 1);
    for (let i = 0; i < items.length; i++) starts[i + 1] = starts[i] + (ascii ? parts[i].length : Buffer.byteLength(parts[i]));
    batch.frames = frames;
    batch.starts = starts;
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
