import WebSocket from 'ws';
import { AppError, wrapError } from '../../../shared/errors.ts';
import { parseDecimal, parseTime, type RawTick } from '../domain/parse-prices.ts';
import type { TickSource } from '../ports.ts';

export interface WebSocketFieldMap {
  /** Dot paths into each tick object. */
  ts: string;
  price: string;
  symbol?: string;
  size?: string;
  seq?: string;
}

export interface WebSocketSourceOptions {
  url: string;
  /** Symbol of ticks that do not name one. */
  symbol: string;
  /** Messages sent (as JSON) after every connect, e.g. a subscription request. */
  subscribe: unknown[];
  /** Where the tick objects sit in a message: '' for the message itself (an object or an array of them). */
  messagePath: string;
  fields: WebSocketFieldMap;
  headers?: Record<string, string>;
  batchSize: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Ticks waiting for the bus beyond this many are dropped (counted) rather than exhausting memory. */
  maxQueued: number;
  onError?: (err: AppError) => void;
  onConnect?: (attempt: number) => void;
}

export function pick(obj: unknown, path: string): unknown {
  if (!path) return obj;
  let node: unknown = obj;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The same strict reading as price files: `"0x50"`, `"1e3"`, `"Infinity"` and `""` are not numbers here. */
const toNumber = (v: unknown): number => parseDecimal(v);

/**
 * A generic JSON tick feed over WebSocket: each message is a tick object or an array of
 * them (optionally under `messagePath`); fields are found by configurable paths. Messages
 * without a price (heartbeats, acks) are counted and skipped. The connection is re-opened
 * with exponential backoff until the source is stopped; a tick the feed sends again after
 * a reconnect has the same identity (seq 0 unless the feed numbers its ticks) and is
 * dropped downstream as a duplicate.
 */
export class WebSocketTickSource implements TickSource {
  readonly name: string;
  readonly rejectedAtSource: Record<string, number> = {};
  onRejected?: (reason: string) => void;
  connects = 0;
  private line = 0;

  constructor(private readonly options: WebSocketSourceOptions) {
    this.name = `websocket:${options.url}`;
  }

  private count(reason: string, n = 1): void {
    this.rejectedAtSource[reason] = (this.rejectedAtSource[reason] ?? 0) + n;
    for (let i = 0; i < n; i++) this.onRejected?.(reason);
  }

  /** Ticks in one message (exported for tests of the mapping). */
  decode(data: string): RawTick[] {
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      this.count('bad_json');
      return [];
    }
    const body = pick(msg, this.options.messagePath);
    const items = Array.isArray(body) ? body : [body];
    const out: RawTick[] = [];
    const f = this.options.fields;
    for (const item of items) {
      const rawPrice = pick(item, f.price);
      if (rawPrice === undefined || rawPrice === null) {
        this.count('no_price');
        continue;
      }
      const rawTs = pick(item, f.ts);
      const ts = typeof rawTs === 'number' || typeof rawTs === 'string' ? parseTime(rawTs) : NaN;
      const sym = f.symbol ? pick(item, f.symbol) : undefined;
      const rawSize = f.size ? pick(item, f.size) : undefined;
      const rawSeq = f.seq ? pick(item, f.seq) : undefined;
      const seq = rawSeq === undefined || rawSeq === null ? 0 : toNumber(rawSeq);
      if (!Number.isInteger(seq) || seq < 0) {
        this.count('bad_seq');
        continue;
      }
      out.push({
        symbol: typeof sym === 'string' && sym ? sym : this.options.symbol,
        ts,
        price: toNumber(rawPrice),
        size: rawSize === undefined || rawSize === null ? null : toNumber(rawSize),
        seq,
        line: ++this.line,
      });
    }
    return out;
  }

  async *ticks(signal?: AbortSignal): AsyncIterable<RawTick[]> {
    const queue: RawTick[] = [];
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let stopped = false;
    let ws: WebSocket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let failures = 0;

    const connect = () => {
      if (stopped) return;
      const socket = new WebSocket(this.options.url, { headers: this.options.headers, handshakeTimeout: 10_000 });
      ws = socket;
      socket.on('open', () => {
        failures = 0;
        this.connects++;
        this.options.onConnect?.(this.connects);
        for (const m of this.options.subscribe) socket.send(typeof m === 'string' ? m : JSON.stringify(m));
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          this.count('binary_message');
          return;
        }
        const ticks = this.decode(data.toString());
        for (const t of ticks) queue.push(t);
        if (queue.length > this.options.maxQueued) {
          const drop = queue.length - this.options.maxQueued;
          queue.splice(0, drop);
          this.count('queue_overflow', drop);
        }
        if (ticks.length) notify();
      });
      socket.on('error', (err) => {
        this.count('connection_error');
        this.options.onError?.(wrapError('FEED_FETCH_FAILED', err, `websocket ${this.options.url}`));
      });
      socket.on('close', () => {
        if (stopped) return;
        failures++;
        const wait = Math.min(this.options.reconnectMaxMs, this.options.reconnectMinMs * 2 ** Math.min(failures - 1, 16));
        timer = setTimeout(connect, wait);
      });
    };

    const onAbort = () => {
      stopped = true;
      notify();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    connect();
    try {
      while (!stopped) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        yield queue.splice(0, this.options.batchSize);
      }
    } finally {
      stopped = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws?.terminate();
    }
  }
}

export function assertWebSocketUrl(url: string): void {
  if (!/^wss?:\/\//i.test(url)) throw new AppError('CONFIG_INVALID', `websocket source url must start with ws:// or wss://, got ${url}`);
}
