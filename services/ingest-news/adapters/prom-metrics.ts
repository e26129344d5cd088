import { Counter, Gauge, type Registry } from 'prom-client';
import { notModifiedRatio, type FeedState } from '../domain/feed-state.ts';

/** A service restarted in the same process (tests, `run` after `stop`) reuses its metrics instead of failing to register them twice. */
function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter<string> {
  return (registry.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge<string> {
  return (registry.getSingleMetric(name) as Gauge<string> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

export class IngestMetrics {
  readonly items: Counter<string>;
  readonly issues: Counter<string>;
  readonly fetches: Counter<string>;
  readonly errors: Counter<string>;
  private readonly lastSuccess: Gauge<string>;
  private readonly lastStatus: Gauge<string>;
  private readonly ratio304: Gauge<string>;
  private readonly consecutive: Gauge<string>;
  private readonly nextPoll: Gauge<string>;
  private readonly lastItems: Gauge<string>;
  readonly seenIds: Gauge<string>;
  readonly gaps: Counter<string>;

  constructor(registry: Registry) {
    this.items = counter(registry, 'oilwire_ingest_news_items_total', 'Feed items by outcome: published, duplicate, or the reason they were dropped', ['feed', 'outcome']);
    this.issues = counter(registry, 'oilwire_ingest_news_issues_total', 'Problems repaired or tolerated (bad dates, markup in titles, DOCTYPE removed, charset fallback...)', ['feed', 'reason']);
    this.fetches = counter(registry, 'oilwire_ingest_news_fetches_total', 'Fetches by HTTP status (or error reason when there was no answer)', ['feed', 'status']);
    this.errors = counter(registry, 'oilwire_ingest_news_errors_total', 'Failed polls by reason', ['feed', 'reason']);
    this.lastSuccess = gauge(registry, 'oilwire_ingest_news_feed_last_success_seconds', 'Unix time of the last successful poll (200 or 304)', ['feed']);
    this.lastStatus = gauge(registry, 'oilwire_ingest_news_feed_last_status', 'HTTP status of the last poll; 0 when there was no answer', ['feed']);
    this.ratio304 = gauge(registry, 'oilwire_ingest_news_feed_not_modified_ratio', 'Share of fetches answered 304 Not Modified', ['feed']);
    this.consecutive = gauge(registry, 'oilwire_ingest_news_feed_consecutive_errors', 'Failed polls in a row', ['feed']);
    this.nextPoll = gauge(registry, 'oilwire_ingest_news_feed_next_poll_seconds', 'Unix time of the next scheduled poll', ['feed']);
    this.lastItems = gauge(registry, 'oilwire_ingest_news_feed_items', 'Items in the last feed body parsed', ['feed']);
    this.seenIds = gauge(registry, 'oilwire_ingest_news_seen_ids', 'Article ids remembered as already published', []);
    this.gaps = counter(
      registry,
      'oilwire_ingest_news_feed_gaps_total',
      'Answers of a feed already ingested in which no item was published before: the feed window may have moved past items between two polls (never fetched)',
      ['feed'],
    );
  }

  /** Gauges mirror the persisted state, so a restart shows the same picture as before it. */
  reflect(s: FeedState): void {
    const feed = s.name;
    if (s.lastSuccessAt !== undefined) this.lastSuccess.set({ feed }, s.lastSuccessAt / 1000);
    if (s.lastStatus !== undefined) this.lastStatus.set({ feed }, s.lastStatus);
    const r = notModifiedRatio(s);
    if (r !== undefined) this.ratio304.set({ feed }, r);
    this.consecutive.set({ feed }, s.consecutiveErrors);
    if (s.nextPollAt !== undefined) this.nextPoll.set({ feed }, s.nextPollAt / 1000);
    if (s.lastItems !== undefined) this.lastItems.set({ feed }, s.lastItems);
  }
}
