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
import { TOPICS, messageKey } from '../../shared/contracts/events.ts';
import { AppError, isAppError, isRetryable } from '../../shared/errors.ts';
import type { Clock } from '../../shared/runtime/clock.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import { streakLevel } from '../../shared/runtime/log-level.ts';
import type { IngestMetrics } from './adapters/prom-metrics.ts';
import type { IngestNewsConfig } from './config.ts';
import { initialFeedState, recordAbort, recordAnswer, recordFailure, recordFetchStart, recordSuccess, type FeedState } from './domain/feed-state.ts';
import { selectNewItems, shouldCompact, shouldRewriteOnLoad } from './domain/item-selection.ts';
import { windowOverrun } from './domain/feed-gap.ts';
import { droppedTotal as countDropped, pollReport } from './domain/poll-report.ts';
import { deferral, hostKey, planNextPoll, readAnswer } from './domain/poll-schedule.ts';
import { ttlSec, type PollOutcomeKind, type ScheduleDecision } from './domain/schedule.ts';
import { ContentSeenSet, type ContentEntry } from './domain/content-seen.ts';
import { SeenSet } from './domain/seen-set.ts';
import type { ContentLog, FeedFetcher, FeedParser, FeedStateStore, FetchResponse, SeenLog } from './ports.ts';
import { DAY_MS } from '../../shared/contracts/time.ts';

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
  /** Nothing in the answer was published before from a feed that had published: items between the polls may have left its window unfetched (domain/feed-gap.ts). */
  windowOverrun?: true;
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
    this.seen = new SeenSet(deps.config.seenTtlDays * DAY_MS);
    this.content = new ContentSeenSet(deps.config.seenTtlDays * DAY_MS);
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
      if (shouldRewriteOnLoad(entries.length, this.seen.size)) await seenLog.rewrite(this.seen.entries());
      this.log.info({ seen: this.seen.size, expired, lines: entries.length }, 'seen-set loaded');
    }
    if (contentLog) {
      const entries = await contentLog.load();
      for (const e of entries) this.content.mark(e);
      const expired = this.content.prune(clock.now());
      if (shouldRewriteOnLoad(entries.length, this.content.size)) await contentLog.rewrite(this.content.entries());
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
      const deferred = deferral(this.hostBlockedUntil.get(host), clock);
      if (deferred) {
        state.nextPollAt = deferred.at;
        state.nextPollBasis = deferred.basis;
        this.commitState(state);
        return { feed: feed.name, outcome: 'deferred', status: 0, published: 0, duplicates: 0, sameContent: 0, dropped: {}, issues: {}, delayMs: deferred.delayMs, basis: deferred.basis } satisfies PollResult;
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
    recordFetchStart(state, clock.now());
    let retryAfterSec: number | undefined;
    let maxAgeSec: number | undefined;
    try {
      const res = await this.deps.fetcher.fetch({ url: target, etag: state.etag, lastModified: state.lastModified, signal: this.stopping.signal });
      result.status = res.status;
      recordAnswer(state, res.status);
      metrics.fetches.inc({ feed: feed.name, status: String(res.status) });
      const verdict = readAnswer(res.status, res.headers, { etag: state.etag, lastModified: state.lastModified }, config.schedule, clock);
      if (verdict.outcome === 'not-modified') {
        result.outcome = 'not-modified';
        state.etag = verdict.validators.etag;
        state.lastModified = verdict.validators.lastModified;
        maxAgeSec = verdict.maxAgeSec;
      } else if (verdict.outcome === 'ok') {
        await this.ingestBody(feed, state, res, result);
        result.outcome = 'ok';
        // Stored only now, exactly as received: the items behind these validators are acked on the bus.
        state.etag = verdict.validators.etag;
        state.lastModified = verdict.validators.lastModified;
        maxAgeSec = verdict.maxAgeSec;
      } else if (verdict.outcome === 'rate-limited') {
        result.outcome = 'rate-limited';
        retryAfterSec = verdict.retryAfterSec;
        if (verdict.hostBlockedUntil !== undefined) this.hostBlockedUntil.set(host, verdict.hostBlockedUntil);
        throw new AppError('FEED_RATE_LIMITED', `feed ${feed.name} answered HTTP ${res.status}${retryAfterSec !== undefined ? ` (Retry-After ${retryAfterSec}s)` : ''}`, {
          details: { reason: verdict.reason },
        });
      } else {
        throw new AppError('FEED_FETCH_FAILED', `feed ${feed.name} answered HTTP ${res.status}`, { details: { reason: verdict.reason }, retryable: verdict.retryable });
      }
      const change = recordSuccess(state, clock.now(), { maxAgeSec, permanentRedirect: res.permanentRedirect });
      if (change.movedTo) this.log.info({ feed: feed.name, from: target, to: change.movedTo }, 'feed moved permanently; polling the new address');
      if (change.recoveredAfter > 0) this.log.info({ feed: feed.name, after: change.recoveredAfter }, 'feed recovered');
    } catch (err) {
      const error = isAppError(err) ? err : new AppError('INTERNAL', `feed ${feed.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      const reason = errorReason(error);
      if (reason === 'aborted') {
        // Stopped mid-fetch: not the feed's fault, and its schedule stays as it was.
        recordAbort(state);
        result.error = error;
        return result;
      }
      if (result.status === 0) metrics.fetches.inc({ feed: feed.name, status: reason });
      if (result.outcome !== 'rate-limited') result.outcome = 'error';
      result.error = error;
      const consecutive = recordFailure(state, { message: error.message, reason, answered: result.status !== 0 });
      metrics.errors.inc({ feed: feed.name, reason });
      this.log[streakLevel(consecutive)]({ feed: feed.name, reason, consecutive, err: error.message }, 'feed poll failed');
    }
    state.lastOutcome = result.outcome as FeedState['lastOutcome'];
    const planned = planNextPoll(
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
      clock,
    );
    result.delayMs = planned.delayMs;
    result.basis = planned.basis;
    state.nextPollAt = planned.at;
    state.nextPollBasis = planned.basis;
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
    state.encoding = parsed.encoding;
    for (const note of parsed.notes) bump(result.issues, note);
    for (const [k, v] of Object.entries(parsed.repairs)) bump(result.issues, k, v);
    for (const [k, v] of Object.entries(parsed.dropped)) bump(result.dropped, k, v);
    state.ttlSec = ttlSec(parsed.ttl);
    state.lastItems = parsed.items.length;
    const fetchedAt = clock.now();
    const picked = selectNewItems(parsed.items, {
      feed: { name: feed.name, tags: feed.tags },
      fetchedAt,
      maxItems: config.maxItemsPerFeed,
      seenTtlMs: config.seenTtlDays * DAY_MS,
      seen: this.seen,
      content: this.content,
    });
    const fresh = picked.fresh;
    result.duplicates += picked.duplicates;
    result.sameContent += picked.sameContent;
    for (const [k, v] of Object.entries(picked.dropped)) bump(result.dropped, k, v);
    for (const [k, v] of Object.entries(picked.issues)) bump(result.issues, k, v);
    if (fresh.length > 0) {
      await this.publishPolicy.execute(() => publishEvents(this.deps.bus, TOPICS.newsRaw, fresh, messageKey.newsRaw));
    }
    // Acked: only now do these ids count as published.
    for (const [id, at] of picked.seenMarks) this.seen.mark(id, at);
    this.persistSeen(picked.seenMarks);
    for (const e of picked.contentMarks) this.content.mark(e);
    this.persistContent(picked.contentMarks);
    metrics.seenIds.set(this.seen.size);

    result.published = fresh.length;
    if (windowOverrun({ fresh: fresh.length, duplicates: picked.duplicates, publishedBefore: state.itemsPublished })) {
      result.windowOverrun = true;
      metrics.gaps.inc({ feed: feed.name });
      // Those items never reached oilwire: no later stage can count them missing, so this line is the only trace.
      this.log.warn(
        { feed: feed.name, items: fresh.length, sinceLastSuccessSec: state.lastSuccessAt === undefined ? undefined : Math.round((fetchedAt - state.lastSuccessAt) / 1000) },
        'feed window overrun: no item of this answer was published before, so items published between the two polls may have left the feed unfetched (poll it more often, or check why polls were late)',
      );
    }
    state.itemsPublished += fresh.length;
    state.itemsDuplicate += result.duplicates;
    state.itemsSkipped += countDropped(result.dropped);
    metrics.items.inc({ feed: feed.name, outcome: 'published' }, fresh.length);
    if (result.duplicates - result.sameContent) metrics.items.inc({ feed: feed.name, outcome: 'duplicate' }, result.duplicates - result.sameContent);
    if (result.sameContent) metrics.items.inc({ feed: feed.name, outcome: 'same_content' }, result.sameContent);
    for (const [reason, n] of Object.entries(result.dropped)) metrics.items.inc({ feed: feed.name, outcome: reason }, n);
    for (const [reason, n] of Object.entries(result.issues)) metrics.issues.inc({ feed: feed.name, reason }, n);
    const hasIssues = Object.keys(result.issues).length > 0;
    const report = pollReport(fresh.length, result.dropped, result.issues);
    if (report.warn) {
      this.log.warn({ feed: feed.name, dropped: result.dropped, issues: result.issues, encoding: parsed.encoding }, 'feed items dropped or repaired');
    }
    this.log[report.level](
      { feed: feed.name, published: fresh.length, duplicates: result.duplicates, ...(result.sameContent ? { sameContent: result.sameContent } : {}), items: parsed.items.length, ...(hasIssues ? { issues: result.issues } : {}) },
      'feed polled',
    );
  }

  private persistSeen(entries: [string, number][]): void {
    const log = this.deps.seenLog;
    if (!log || entries.length === 0) return;
    this.seenAppends += entries.length;
    const compact = shouldCompact(this.seenAppends, this.seen.size);
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
    const compact = shouldCompact(this.contentAppends, this.content.size);
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
