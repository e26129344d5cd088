/**
 * One poll of one feed, from conditional GET to acknowledged publish, and everything it must
 * remember: validators, schedule, counters, and the seen-set. Validators and seen ids are
 * committed only after the bus acknowledged the new items, so a failed publish is simply
 * retried by the next poll (which then cannot be answered 304). That acknowledgement is
 * durable on every bus (acks=all on Kafka, an fsync'd journal in-process), which is what makes
 * marking ids seen and keeping the ETag safe: a kill right after it loses nothing
 * (test/e2e/cli/start-faults.test.ts). Content identities (a feed that rotates guids) follow the
 * same rule: recorded after the ack, so a copy is kept back only once an earlier one is durable.
 */
import { ExponentialBackoff, bulkhead, handleWhen, retry, type BulkheadPolicy, type RetryPolicy } from 'cockatiel';
import type { Bus } from '../../shared/bus/port.ts';
import { publishEvents } from '../../shared/bus/typed.ts';
import { TOPICS, messageKey, newsRawV1, type NewsRaw } from '../../shared/contracts/events.ts';
import { AppError, isAppError, isRetryable } from '../../shared/errors.ts';
import type { Clock } from '../../shared/runtime/clock.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import type { IngestMetrics } from './adapters/prom-metrics.ts';
import type { IngestNewsConfig } from './config.ts';
import { initialFeedState, type FeedState } from './domain/feed-state.ts';
import { normalizeItem } from './domain/normalize.ts';
import { freshnessSec, nextPoll, parseRetryAfter, ttlSec, type PollOutcomeKind, type ScheduleDecision } from './domain/schedule.ts';
import { ContentSeenSet, type ContentEntry } from './domain/content-seen.ts';
import { SeenSet } from './domain/seen-set.ts';
import type { ContentLog, FeedFetcher, FeedParser, FeedStateStore, FetchResponse, SeenLog } from './ports.ts';

export interface ResolvedFeed {
  url: string;
  name: string;
  tags: string[];
  intervalSec: number;
}

export interface PollResult {
  feed: string;
  /** `deferred`: not fetched, its host asked everyone to wait (429 with Retry-After on another feed). */
  outcome: PollOutcomeKind | 'deferred';
  status: number;
  published: number;
  /** Items not published because they were published before: by article id, or by content (`sameContent`). */
  duplicates: number;
  /** Of `duplicates`: new ids whose story went out already under another id (a feed that rotates guids). */
  sameContent: number;
  /** Items not published, by reason. */
  dropped: Record<string, number>;
  /** Tolerated or repaired problems, by reason. */
  issues: Record<string, number>;
  delayMs: number;
  basis: ScheduleDecision['basis'];
  error?: AppError;
}

export interface PollerDeps {
  bus: Bus;
  clock: Clock;
  logger: Logger;
  metrics: IngestMetrics;
  fetcher: FeedFetcher;
  parser: FeedParser;
  config: IngestNewsConfig;
  random: () => number;
  /** Absent in `once` mode: nothing is remembered. */
  states?: FeedStateStore;
  seenLog?: SeenLog;
  contentLog?: ContentLog;
}

function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

function hostKey(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : `${u.protocol}${u.pathname}`;
  } catch {
    return `path:${url}`;
  }
}

function errorReason(err: unknown): string {
  if (isAppError(err)) return String(err.details?.reason ?? err.code.toLowerCase());
  return 'internal';
}

export class FeedPoller {
  private states: Record<string, FeedState> = {};
  private readonly seen: SeenSet;
  private readonly content: ContentSeenSet;
  private contentAppends = 0;
  private readonly log: Logger;
  private readonly slots: BulkheadPolicy;
  private readonly publishPolicy: RetryPolicy;
  private readonly hostGates = new Map<string, Promise<void>>();
  private readonly hostBlockedUntil = new Map<string, number>();
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;
  private seenAppends = 0;
  private seenChain: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: PollerDeps) {
    this.seen = new SeenSet(deps.config.seenTtlDays * 86_400_000);
    this.content = new ContentSeenSet(deps.config.seenTtlDays * 86_400_000);
    this.log = deps.logger;
    this.slots = bulkhead(deps.config.http.concurrency, 100_000);
    // Publishing gets a couple of quick retries; beyond that the feed's own backoff takes over.
    this.publishPolicy = retry(
      handleWhen((err) => isRetryable(err)),
      { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 2000 }) },
    );
  }

  async init(): Promise<void> {
    const { states, seenLog, contentLog, clock } = this.deps;
    if (states) this.states = await states.load();
    if (seenLog) {
      const entries = await seenLog.load();
      for (const [id, at] of entries) this.seen.mark(id, at);
      const expired = this.seen.prune(clock.now());
      // Rewrite when the log carries much more than the live set: re-sightings and expired ids.
      if (entries.length > 1000 && entries.length > 2 * this.seen.size) await seenLog.rewrite(this.seen.entries());
      this.log.info({ seen: this.seen.size, expired, lines: entries.length }, 'seen-set loaded');
    }
    if (contentLog) {
      const entries = await contentLog.load();
      for (const e of entries) this.content.mark(e);
      const expired = this.content.prune(clock.now());
      if (entries.length > 1000 && entries.length > 2 * this.content.size) await contentLog.rewrite(this.content.entries());
      this.log.info({ contents: this.content.size, expired, lines: entries.length }, 'published content identities loaded');
    }
    this.deps.metrics.seenIds.set(this.seen.size);
    for (const s of Object.values(this.states)) this.deps.metrics.reflect(s);
  }

  state(feed: Pick<ResolvedFeed, 'url' | 'name'>): FeedState {
    let s = this.states[feed.url];
    if (!s) {
      s = initialFeedState(feed.url, feed.name);
      this.states[feed.url] = s;
    }
    // States written by an older version lack newer counters.
    s.answered ??= s.fetches;
    s.name = feed.name;
    return s;
  }

  snapshot(): FeedState[] {
    return Object.values(this.states).map((s) => ({ ...s }));
  }

  /** Cancels fetches in flight and refuses new ones: a stop must not wait out a slow server. */
  abort(): void {
    this.stopping.abort();
  }

  /** Persisted writes still in flight (state file, seen log). */
  async flush(): Promise<void> {
    await this.seenChain;
    await this.saving;
  }

  async poll(feed: ResolvedFeed): Promise<PollResult> {
    const { clock } = this.deps;
    const state = this.state(feed);
    const target = state.location ?? feed.url;
    const host = hostKey(target);
    return this.withHost(host, async () => {
      // Checked inside the gate: a poll queued behind the one that got the 429 must wait too.
      const blocked = this.hostBlockedUntil.get(host);
      if (blocked !== undefined && blocked > clock.now()) {
        const delayMs = blocked - clock.now();
        state.nextPollAt = blocked;
        state.nextPollBasis = 'retry-after';
        this.commitState(state);
        return { feed: feed.name, outcome: 'deferred', status: 0, published: 0, duplicates: 0, sameContent: 0, dropped: {}, issues: {}, delayMs, basis: 'retry-after' } satisfies PollResult;
      }
      return this.slots.execute(() => this.pollNow(feed, state, target, host));
    });
  }

  private async withHost<T>(host: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.hostGates.get(host) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.hostGates.set(host, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.hostGates.get(host) === tail) this.hostGates.delete(host);
    }
  }

  private async pollNow(feed: ResolvedFeed, state: FeedState, target: string, host: string): Promise<PollResult> {
    const { clock, metrics, config } = this.deps;
    const result: PollResult = { feed: feed.name, outcome: 'error', status: 0, published: 0, duplicates: 0, sameContent: 0, dropped: {}, issues: {}, delayMs: 0, basis: 'interval' };
    state.fetches++;
    state.lastFetchAt = clock.now();
    let retryAfterSec: number | undefined;
    let maxAgeSec: number | undefined;
    try {
      const res = await this.deps.fetcher.fetch({ url: target, etag: state.etag, lastModified: state.lastModified, signal: this.stopping.signal });
      result.status = res.status;
      state.lastStatus = res.status;
      state.answered = (state.answered ?? 0) + 1;
      metrics.fetches.inc({ feed: feed.name, status: String(res.status) });
      if (res.status === 304) {
        result.outcome = 'not-modified';
        state.notModified++;
        // A 304 may carry fresher validators (RFC 9110 15.4.5); otherwise the ones we sent still hold.
        if (res.headers.etag !== undefined) state.etag = res.headers.etag;
        if (res.headers.lastModified !== undefined) state.lastModified = res.headers.lastModified;
        maxAgeSec = freshnessSec(res.headers, clock.now());
      } else if (res.status >= 200 && res.status < 300) {
        await this.ingestBody(feed, state, res, result);
        result.outcome = 'ok';
        // Stored only now, exactly as received: the items behind these validators are acked on the bus.
        state.etag = res.headers.etag;
        state.lastModified = res.headers.lastModified;
        maxAgeSec = freshnessSec(res.headers, clock.now());
      } else if (res.status === 429 || res.status === 503) {
        result.outcome = 'rate-limited';
        retryAfterSec = parseRetryAfter(res.headers.retryAfter, clock.now(), res.headers.date);
        if (res.status === 429 && retryAfterSec !== undefined) this.hostBlockedUntil.set(host, clock.now() + Math.min(retryAfterSec, config.schedule.maxIntervalSec) * 1000);
        throw new AppError('FEED_RATE_LIMITED', `feed ${feed.name} answered HTTP ${res.status}${retryAfterSec !== undefined ? ` (Retry-After ${retryAfterSec}s)` : ''}`, {
          details: { reason: `http_${res.status}` },
        });
      } else {
        throw new AppError('FEED_FETCH_FAILED', `feed ${feed.name} answered HTTP ${res.status}`, { details: { reason: `http_${res.status}` }, retryable: res.status >= 500 || res.status === 408 });
      }
      if (res.permanentRedirect && res.permanentRedirect !== state.location) {
        this.log.info({ feed: feed.name, from: target, to: res.permanentRedirect }, 'feed moved permanently; polling the new address');
        state.location = res.permanentRedirect;
      }
      if (state.consecutiveErrors > 0) this.log.info({ feed: feed.name, after: state.consecutiveErrors }, 'feed recovered');
      state.consecutiveErrors = 0;
      state.lastSuccessAt = clock.now();
      state.lastError = undefined;
      state.lastErrorReason = undefined;
      state.maxAgeSec = maxAgeSec;
    } catch (err) {
      const error = isAppError(err) ? err : new AppError('INTERNAL', `feed ${feed.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      const reason = errorReason(error);
      if (reason === 'aborted') {
        // Stopped mid-fetch: not the feed's fault, and its schedule stays as it was.
        state.fetches--;
        result.error = error;
        return result;
      }
      if (result.status === 0) {
        state.lastStatus = 0;
        metrics.fetches.inc({ feed: feed.name, status: reason });
      }
      if (result.outcome !== 'rate-limited') result.outcome = 'error';
      result.error = error;
      state.errors++;
      state.consecutiveErrors++;
      state.lastError = error.message.slice(0, 500);
      state.lastErrorReason = reason;
      metrics.errors.inc({ feed: feed.name, reason });
      // One line when a feed starts failing, then only at 2, 4, 8... failures in a row: an offline machine must not flood the log.
      const n = state.consecutiveErrors;
      const level = (n & (n - 1)) === 0 ? 'warn' : 'debug';
      this.log[level]({ feed: feed.name, reason, consecutive: n, err: error.message }, 'feed poll failed');
    }
    state.lastOutcome = result.outcome as FeedState['lastOutcome'];
    const decision = nextPoll(
      {
        outcome: result.outcome as PollOutcomeKind,
        intervalSec: feed.intervalSec,
        ttlSec: state.ttlSec,
        maxAgeSec,
        retryAfterSec,
        consecutiveErrors: state.consecutiveErrors,
      },
      config.schedule,
      this.deps.random,
    );
    result.delayMs = decision.delayMs;
    result.basis = decision.basis;
    state.nextPollAt = clock.now() + decision.delayMs;
    state.nextPollBasis = decision.basis;
    this.commitState(state);
    return result;
  }

  private async ingestBody(feed: ResolvedFeed, state: FeedState, res: FetchResponse, result: PollResult): Promise<void> {
    const { clock, config, metrics } = this.deps;
    // Decoding, sanitizing and parsing happen in the parser (off the event loop: a legal 7 MB feed takes seconds), items past the cap cut out before parsing.
    const parsed = await this.deps.parser.parseBody(res.body ?? new Uint8Array(0), {
      contentType: res.headers.contentType,
      maxItemBytes: config.maxItemBytes,
      maxDepth: config.maxDepth,
      maxItems: config.maxItemsPerFeed,
    });
    const decoded = { encoding: parsed.encoding };
    state.encoding = parsed.encoding;
    for (const note of parsed.notes) bump(result.issues, note);
    for (const [k, v] of Object.entries(parsed.repairs)) bump(result.issues, k, v);
    for (const [k, v] of Object.entries(parsed.dropped)) bump(result.dropped, k, v);
    state.ttlSec = ttlSec(parsed.ttl);
    state.lastItems = parsed.items.length;
    const fetchedAt = clock.now();
    let items = parsed.items;
    if (items.length > config.maxItemsPerFeed) {
      bump(result.dropped, 'over_item_limit', items.length - config.maxItemsPerFeed);
      items = items.slice(0, config.maxItemsPerFeed);
    }
    const fresh: NewsRaw[] = [];
    const freshIds = new Set<string>();
    const resighted: string[] = [];
    // Stories of this body already taken: two ids of one story in one body are one article too.
    const freshContent = new ContentSeenSet(Infinity);
    const contentMarks: ContentEntry[] = [];
    const refreshMs = (config.seenTtlDays * 86_400_000) / 10;
    for (const item of items) {
      const r = normalizeItem(item, { name: feed.name, tags: feed.tags }, fetchedAt);
      if (!r.ok) {
        bump(result.dropped, r.reason);
        continue;
      }
      const id = r.article.id;
      if (freshIds.has(id) || this.seen.has(id, fetchedAt)) {
        result.duplicates++;
        if (this.seen.has(id, fetchedAt) && !this.seen.has(id, fetchedAt + refreshMs)) resighted.push(id);
        continue;
      }
      if (!newsRawV1.safeParse(r.article).success) {
        bump(result.dropped, 'schema_invalid');
        continue;
      }
      const story = { source: r.article.source, title: r.article.title, publishedMs: Date.parse(r.article.published_at) };
      const earlier = this.content.find(story, fetchedAt);
      if (earlier || freshContent.find(story, fetchedAt)) {
        result.duplicates++;
        result.sameContent++;
        // Refreshed like a re-sighted id, so a story a feed keeps re-issuing does not expire while it is there.
        if (earlier && fetchedAt - earlier[2] >= refreshMs) contentMarks.push([earlier[0], earlier[1], fetchedAt]);
        continue;
      }
      for (const note of r.notes) bump(result.issues, note);
      fresh.push(r.article);
      freshIds.add(id);
      const entry = this.content.entryFor(story, fetchedAt);
      if (entry) {
        freshContent.mark(entry);
        contentMarks.push(entry);
      }
    }
    if (fresh.length > 0) {
      await this.publishPolicy.execute(() => publishEvents(this.deps.bus, TOPICS.newsRaw, fresh, messageKey.newsRaw));
    }
    // Acked: only now do these ids count as published.
    const marks: [string, number][] = [...fresh.map((a) => [a.id, fetchedAt] as [string, number]), ...resighted.map((id) => [id, fetchedAt] as [string, number])];
    for (const [id, at] of marks) this.seen.mark(id, at);
    this.persistSeen(marks);
    for (const e of contentMarks) this.content.mark(e);
    this.persistContent(contentMarks);
    metrics.seenIds.set(this.seen.size);

    result.published = fresh.length;
    state.itemsPublished += fresh.length;
    state.itemsDuplicate += result.duplicates;
    const droppedTotal = Object.values(result.dropped).reduce((a, b) => a + b, 0);
    state.itemsSkipped += droppedTotal;
    metrics.items.inc({ feed: feed.name, outcome: 'published' }, fresh.length);
    if (result.duplicates - result.sameContent) metrics.items.inc({ feed: feed.name, outcome: 'duplicate' }, result.duplicates - result.sameContent);
    if (result.sameContent) metrics.items.inc({ feed: feed.name, outcome: 'same_content' }, result.sameContent);
    for (const [reason, n] of Object.entries(result.dropped)) metrics.items.inc({ feed: feed.name, outcome: reason }, n);
    for (const [reason, n] of Object.entries(result.issues)) metrics.issues.inc({ feed: feed.name, reason }, n);
    const hasIssues = Object.keys(result.issues).length > 0;
    // Lost items and hostile markup deserve a warning; benign repairs (a missing guid, an HTML entity) ride on the poll's own line.
    if (droppedTotal > 0 || result.issues.doctype_removed || result.issues.entity_declarations) {
      this.log.warn({ feed: feed.name, dropped: result.dropped, issues: result.issues, encoding: decoded.encoding }, 'feed items dropped or repaired');
    }
    this.log[fresh.length > 0 || hasIssues ? 'info' : 'debug'](
      { feed: feed.name, published: fresh.length, duplicates: result.duplicates, ...(result.sameContent ? { sameContent: result.sameContent } : {}), items: parsed.items.length, ...(hasIssues ? { issues: result.issues } : {}) },
      'feed polled',
    );
  }

  private persistSeen(entries: [string, number][]): void {
    const log = this.deps.seenLog;
    if (!log || entries.length === 0) return;
    this.seenAppends += entries.length;
    const compact = this.seenAppends > Math.max(10_000, this.seen.size);
    if (compact) this.seenAppends = 0;
    this.seenChain = this.seenChain
      .then(async () => {
        if (compact) {
          this.seen.prune(this.deps.clock.now());
          await log.rewrite(this.seen.entries());
        } else await log.append(entries);
      })
      .catch((err) => this.log.error({ err }, 'cannot persist the seen-set; a restart may publish these items again'));
  }

  private persistContent(entries: ContentEntry[]): void {
    const log = this.deps.contentLog;
    if (!log || entries.length === 0) return;
    this.contentAppends += entries.length;
    const compact = this.contentAppends > Math.max(10_000, this.content.size);
    if (compact) this.contentAppends = 0;
    // On the seen log's chain: one flush waits for both.
    this.seenChain = this.seenChain
      .then(async () => {
        if (compact) {
          this.content.prune(this.deps.clock.now());
          await log.rewrite(this.content.entries());
        } else await log.append(entries);
      })
      .catch((err) => this.log.error({ err }, 'cannot persist published content identities; a restart may publish a rotated copy again (the store still dedupes it)'));
  }

  private commitState(state: FeedState): void {
    this.deps.metrics.reflect(state);
    const store = this.deps.states;
    if (!store || this.saveQueued) return;
    this.saveQueued = true;
    // Coalesced: many feeds finishing together cost one write of the latest state.
    this.saving = this.saving.then(async () => {
      this.saveQueued = false;
      try {
        await store.save(this.states);
      } catch (err) {
        this.log.error({ err }, 'cannot save feed state');
      }
    });
  }
}
