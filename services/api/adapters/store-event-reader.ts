/**
 * Reads stored news, impact and alert rows back as the events the bus carried, for stream
 * clients resuming from before what the replay buffer holds. Rows come ordered by the time
 * they were produced (scored_at, computed_at, fired_at), the closest stored stand-in for the
 * time the API received them.
 *
 * A resume from an old id can cover a lot: the rows are read in pages (keyset on each table's
 * order, so a page never re-reads or skips one), each page sized to about `pageBytes`, and the
 * next page is read only when the caller asks for more. A caller that writes to a slow socket
 * and waits for it to drain therefore holds one page per table in memory, not the whole
 * replay, and one that stops asking (its client went away) stops the reads.
 */
import type { NewsImpact, NewsScored } from '../../../shared/contracts/events.ts';
import type { Store } from '../../../shared/store/port.ts';
import { NEWS_TIME_COLUMNS, scoredFromNewsRow } from '../../../shared/store/news-rows.ts';
import { alertStreamPayload, streamKey } from '../stream/hub.ts';
import { toIso } from '../../../shared/contracts/time.ts';

export interface StoredEvent {
  t: number;
  topic: 'news.scored' | 'news.impact' | 'alert';
  /** The payload's identity, as the live stream keys it. */
  key: string;
  event: NewsScored | NewsImpact | Record<string, unknown>;
  /** `event` as JSON, the SSE `data:` line. */
  data: string;
}

export interface ReplayOptions {
  /** Events in all (the replay stops there). */
  maxEvents: number;
  /** Target size of one page of one table, in bytes of event JSON (default 512 KB). */
  pageBytes?: number;
  /** Rows of one page at most (default 1000), and of the first page of each table (default 100). */
  maxPageRows?: number;
  firstPageRows?: number;
  signal?: AbortSignal;
}

const iso = (ms: number | string) => toIso(Number(ms));
const num = (x: unknown) => Math.round(Number(x) * 1e6) / 1e6;
const nullableNum = (x: unknown) => (x === null || x === undefined ? null : num(x));
/** `{ [key]: value }` when the stored column has a value, `{}` when it is NULL (or absent, before migration 012). */
const optionalNum = <K extends string>(key: K, x: unknown): Partial<Record<K, number>> =>
  x === null || x === undefined ? {} : ({ [key]: num(x) } as Record<K, number>);

type Row = Record<string, unknown>;

/** One table read in time order: its keyset, its query, and how a row becomes an event. */
interface Source {
  topic: StoredEvent['topic'];
  /** The WHERE/ORDER BY of a page after the cursor row (or from `from` for the first page). */
  page(store: Store, fromMs: number, after: Row | undefined, limit: number, signal?: AbortSignal): Promise<Row[]>;
  toEvent(r: Row): Omit<StoredEvent, 'data'>;
}

const newsSource: Source = {
  topic: 'news.scored',
  page: (store, fromMs, after, limit, signal) =>
    store.query<Row>(
      `SELECT *, ${NEWS_TIME_COLUMNS}
       FROM ${store.table('news')} WHERE scored_at >= fromUnixTimestamp64Milli({from:Int64})
       ${after ? 'AND (scored_at, id) > (fromUnixTimestamp64Milli({t:Int64}), {id:String})' : ''}
       ORDER BY scored_at, id LIMIT {limit:UInt32}`,
      { params: { from: fromMs, limit, ...(after ? { t: Number(after.s_ms), id: String(after.id) } : {}) }, signal },
    ),
  toEvent: (r) => {
    const event = scoredFromNewsRow(r);
    return { t: Number(r.s_ms), topic: 'news.scored', key: streamKey.scored(event), event };
  },
};

const impactSource: Source = {
  topic: 'news.impact',
  page: (store, fromMs, after, limit, signal) =>
    store.query<Row>(
      `SELECT *, toUnixTimestamp64Milli(published_at) AS p_ms, toUnixTimestamp64Milli(event_ts) AS e_ms, toUnixTimestamp64Milli(pre_ts) AS pre_ms,
              toUnixTimestamp64Milli(post_ts) AS post_ms, toUnixTimestamp64Milli(computed_at) AS c_ms
       FROM ${store.table('impact')} WHERE computed_at >= fromUnixTimestamp64Milli({from:Int64})
       ${after ? 'AND (computed_at, article_id, symbol, horizon_seconds, version) > (fromUnixTimestamp64Milli({t:Int64}), {a:String}, {s:String}, {h:UInt32}, {v:UInt32})' : ''}
       ORDER BY computed_at, article_id, symbol, horizon_seconds, version LIMIT {limit:UInt32}`,
      {
        params: {
          from: fromMs,
          limit,
          ...(after ? { t: Number(after.c_ms), a: String(after.article_id), s: String(after.symbol), h: Number(after.horizon_seconds), v: Number(after.version) } : {}),
        },
        signal,
      },
    ),
  toEvent: (r) => {
    const event: NewsImpact = {
      schema: 'news.impact/v1',
      article_id: String(r.article_id),
      symbol: String(r.symbol),
      horizon: r.horizon as NewsImpact['horizon'],
      horizon_seconds: Number(r.horizon_seconds),
      published_at: iso(r.p_ms as string),
      event_ts: iso(r.e_ms as string),
      pre_ts: iso(r.pre_ms as string),
      pre_price: num(r.pre_price),
      post_ts: iso(r.post_ms as string),
      post_price: num(r.post_price),
      return_bps: num(r.return_bps),
      abnormal_bps: nullableNum(r.abnormal_bps),
      z: nullableNum(r.z),
      pre_vol_bps: nullableNum(r.pre_vol_bps),
      title: String(r.title),
      source: String(r.source),
      topics: (r.topics as NewsImpact['topics']) ?? [],
      oil_direction: r.oil_direction as NewsImpact['oil_direction'],
      relevance: num(r.relevance),
      computed_at: iso(r.c_ms as string),
      version: Number(r.version),
      // Intraday event-study context (migration 012): optional on the live event, NULL in the store when absent.
      ...optionalNum('tod_z', r.tod_z),
      ...optionalNum('pre_event_bps', r.pre_event_bps),
      // Event-study inputs (migration 013): NULL / [] for rows stored before it.
      ...optionalNum('estimation_windows', r.estimation_windows),
      ...optionalNum('sar', r.sar),
      ...(Array.isArray(r.estimation_ar_bps) && r.estimation_ar_bps.length ? { estimation_ar_bps: r.estimation_ar_bps.map(num) } : {}),
    };
    return { t: Number(r.c_ms), topic: 'news.impact', key: streamKey.impact(event), event };
  },
};

const alertSource: Source = {
  topic: 'alert',
  page: (store, fromMs, after, limit, signal) =>
    store.query<Row>(
      `SELECT alert_id, rule_id, kind, symbol, title, data, toUnixTimestamp64Milli(event_ts) AS e_ms, toUnixTimestamp64Milli(fired_at) AS f_ms
       FROM ${store.table('alerts')} WHERE fired_at >= fromUnixTimestamp64Milli({from:Int64})
       ${after ? 'AND (fired_at, alert_id) > (fromUnixTimestamp64Milli({t:Int64}), {id:String})' : ''}
       ORDER BY fired_at, alert_id LIMIT {limit:UInt32}`,
      { params: { from: fromMs, limit, ...(after ? { t: Number(after.f_ms), id: String(after.alert_id) } : {}) }, signal },
    ),
  toEvent: (r) => {
    const event = alertStreamPayload({
      alertId: String(r.alert_id),
      ruleId: String(r.rule_id),
      // As stored, which is what the live stream carried: the rule's kind from alert-kinds/registry.ts when it fired. Read
      // through no list of kinds here, so a kind added to the registry replays as itself, and a row of a kind since removed
      // keeps its own name rather than being relabelled as one a reader would act on.
      kind: String(r.kind),
      symbol: String(r.symbol),
      title: String(r.title),
      eventTs: Number(r.e_ms),
      firedAt: Number(r.f_ms),
      data: JSON.parse(String(r.data ?? '{}')) as Record<string, unknown>,
    });
    return { t: Number(r.f_ms), topic: 'alert', key: streamKey.alert(event), event };
  },
};

const SOURCES: Source[] = [newsSource, impactSource, alertSource];

/** One table's read position: the page in hand and where the next one starts. */
class Cursor {
  private buffered: StoredEvent[] = [];
  private last: Row | undefined;
  private done = false;
  private rows: number;
  private bytesPerRow = 0;

  constructor(
    private readonly source: Source,
    private readonly store: Store,
    private readonly fromMs: number,
    private readonly options: Required<Omit<ReplayOptions, 'signal'>> & { signal?: AbortSignal },
  ) {
    this.rows = options.firstPageRows;
  }

  /** The next event of this table, reading a page when the one in hand is used up; undefined at the end. */
  async peek(): Promise<StoredEvent | undefined> {
    if (this.buffered.length === 0 && !this.done) await this.fill();
    return this.buffered[0];
  }

  take(): StoredEvent {
    return this.buffered.shift()!;
  }

  private async fill(): Promise<void> {
    const limit = this.rows;
    const rows = await this.source.page(this.store, this.fromMs, this.last, limit, this.options.signal);
    if (rows.length < limit) this.done = true;
    if (rows.length === 0) return;
    this.last = rows[rows.length - 1];
    let bytes = 0;
    for (const r of rows) {
      const e = this.source.toEvent(r);
      const data = JSON.stringify(e.event);
      bytes += data.length;
      this.buffered.push({ ...e, data });
    }
    // The next page holds about pageBytes of events, whatever one row weighs in this table.
    this.bytesPerRow = bytes / rows.length;
    this.rows = Math.max(1, Math.min(this.options.maxPageRows, Math.floor(this.options.pageBytes / Math.max(1, this.bytesPerRow))));
  }
}

/**
 * Stored events from `fromMs` on, in time order over the chosen topics, at most `maxEvents`.
 * Pages are read as the caller pulls: stop pulling (or abort `signal`) and no further query runs.
 */
export async function* replayStoredEvents(store: Store, fromMs: number, topics: Set<string>, options: ReplayOptions): AsyncGenerator<StoredEvent> {
  const opts = { pageBytes: 512 * 1024, maxPageRows: 1000, firstPageRows: 100, ...options };
  const cursors = SOURCES.filter((s) => topics.has(s.topic)).map((s) => new Cursor(s, store, fromMs, opts));
  for (let n = 0; n < opts.maxEvents; n++) {
    if (opts.signal?.aborted) return;
    let best: Cursor | undefined;
    let bestT = Infinity;
    // Ties go to the table listed first (news, impact, alert), as the live stream would order them.
    for (const c of cursors) {
      const head = await c.peek();
      if (head && head.t < bestT) {
        best = c;
        bestT = head.t;
      }
    }
    if (!best) return;
    yield best.take();
  }
}

/** The whole replay at once (tests, small reads); the stream route pulls `replayStoredEvents` instead. */
export async function readStoredEvents(store: Store, fromMs: number, topics: Set<string>, limit: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of replayStoredEvents(store, fromMs, topics, { maxEvents: limit })) out.push(e);
  return out;
}
