/**
 * Event ids and the bounded replay buffer behind `GET /stream`. An id is
 * `<receipt ms>-<sequence>-<instance>`: the sequence orders events within one API
 * process, the instance tells whether an id a client resumes from was issued by this
 * process, and the time lets an id from elsewhere (a restart, another replica, an evicted
 * stretch) be resumed from the store instead.
 */
export interface StreamEvent {
  id: string;
  seq: number;
  t: number;
  topic: string;
  /** Identity of the payload (article, impact row version), to drop repeats when the store fills a gap. */
  key: string;
  data: string;
  /** The whole SSE frame, serialised once when the event is published and written as is to every client. */
  frame?: Uint8Array;
}

export interface ParsedId {
  t: number;
  seq: number;
  instance: string;
}

export function parseEventId(id: string | undefined): ParsedId | undefined {
  if (!id) return undefined;
  const m = /^(\d{1,15})-(\d{1,15})-([a-z0-9]{1,16})$/.exec(id.trim());
  if (!m) return undefined;
  return { t: Number(m[1]), seq: Number(m[2]), instance: m[3] };
}

export function formatEventId(t: number, seq: number, instance: string): string {
  return `${t}-${seq}-${instance}`;
}

/** Where a resuming client's events come from. */
export type ResumePlan =
  | { kind: 'live' }
  | { kind: 'buffer'; events: StreamEvent[] }
  /** The id is not (or no longer) covered by the buffer: the store supplies events from `fromMs`, then the whole buffer follows. */
  | { kind: 'store'; fromMs: number; buffered: StreamEvent[] }
  | { kind: 'unknown'; buffered: StreamEvent[] };

export class ReplayBuffer {
  private readonly ring: StreamEvent[] = [];
  private head = 0;
  private seq = 0;
  private lastT = 0;

  constructor(
    readonly capacity: number,
    readonly instance: string,
  ) {}

  append(topic: string, key: string, data: string, nowMs: number): StreamEvent {
    // Ids must grow even if the wall clock steps back.
    this.lastT = Math.max(this.lastT, nowMs);
    this.seq++;
    const event: StreamEvent = { id: formatEventId(this.lastT, this.seq, this.instance), seq: this.seq, t: this.lastT, topic, key, data, frame: undefined };
    if (this.ring.length < this.capacity) this.ring.push(event);
    else {
      this.ring[this.head] = event;
      this.head = (this.head + 1) % this.capacity;
    }
    return event;
  }

  /**
   * Appends `count` events that share one receipt time (one publish): `make(i, seq, t)` builds the i-th with the sequence
   * number and time it gets, so a caller can give its events a representation of its own (the hub's share their batch's
   * frame bytes) while ids, order and eviction stay this buffer's.
   */
  appendEach<E extends StreamEvent>(count: number, nowMs: number, make: (i: number, seq: number, t: number) => E): E[] {
    this.lastT = Math.max(this.lastT, nowMs);
    const t = this.lastT;
    const out: E[] = new Array<E>(count);
    for (let i = 0; i < count; i++) {
      const event = make(i, ++this.seq, t);
      out[i] = event;
      if (this.ring.length < this.capacity) this.ring.push(event);
      else {
        this.ring[this.head] = event;
        this.head = (this.head + 1) % this.capacity;
      }
    }
    return out;
  }

  get size(): number {
    return this.ring.length;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Buffered events in order, oldest first. */
  all(): StreamEvent[] {
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  /** Events after sequence `seq`, oldest first (binary search over the ordered ring). */
  after(seq: number): StreamEvent[] {
    const all = this.all();
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return all.slice(lo);
  }

  plan(lastEventId: string | undefined): ResumePlan {
    if (lastEventId === undefined || lastEventId === '') return { kind: 'live' };
    const id = parseEventId(lastEventId);
    if (!id) return { kind: 'unknown', buffered: [] };
    const all = this.all();
    const oldest = all.length > 0 ? all[0].seq : this.seq + 1;
    if (id.instance === this.instance && id.seq <= this.seq && id.seq >= oldest - 1) return { kind: 'buffer', events: this.after(id.seq) };
    return { kind: 'store', fromMs: id.t, buffered: all };
  }
}
