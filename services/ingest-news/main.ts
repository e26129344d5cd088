import { resolve } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { HttpFeedFetcher } from './adapters/http-feed-fetcher.ts';
import { FileContentLog, FileSeenLog, JsonFeedStateStore } from './adapters/file-state-store.ts';
import { IngestMetrics } from './adapters/prom-metrics.ts';
import { RssParserFeedParser } from './adapters/rss-parser-feed-parser.ts';
import type { FeedConfig, IngestNewsConfig } from './config.ts';
import type { FeedState } from './domain/feed-state.ts';
import { FeedPoller, type PollResult, type ResolvedFeed } from './feed-poller.ts';
import { realScheduler, type ContentLog, type FeedFetcher, type FeedParser, type FeedStateStore, type Scheduler, type SeenLog } from './ports.ts';

export function feedName(feed: Pick<FeedConfig, 'url' | 'name'>): string {
  if (feed.name) return feed.name;
  try {
    const u = new URL(feed.url);
    return u.protocol === 'file:' ? u.pathname.split('/').pop() || feed.url : u.hostname + (u.pathname.length > 1 ? u.pathname : '');
  } catch {
    return feed.url.split('/').pop() || feed.url;
  }
}

/** Enabled feeds with unique URLs and unique names (names label metrics and go into article ids). */
export function resolveFeeds(config: IngestNewsConfig): { feeds: ResolvedFeed[]; warnings: string[] } {
  const warnings: string[] = [];
  const urls = new Set<string>();
  const names = new Set<string>();
  const feeds: ResolvedFeed[] = [];
  for (const f of config.feeds) {
    if (f.enabled === false) continue;
    if (urls.has(f.url)) {
      warnings.push(`feed ${f.url} is listed twice; the first entry is used`);
      continue;
    }
    urls.add(f.url);
    let name = feedName(f);
    if (names.has(name)) {
      let i = 2;
      while (names.has(`${name}#${i}`)) i++;
      warnings.push(`feed name ${name} is used twice; ${f.url} is called ${name}#${i}`);
      name = `${name}#${i}`;
    }
    names.add(name);
    feeds.push({ url: f.url, name, tags: f.tags, intervalSec: f.pollIntervalSec ?? config.pollIntervalSec });
  }
  return { feeds, warnings };
}

/** Test seams: everything with I/O or time can be replaced. */
export interface IngestNewsOverrides {
  fetcher?: FeedFetcher;
  parser?: FeedParser;
  scheduler?: Scheduler;
  random?: () => number;
  states?: FeedStateStore;
  seenLog?: SeenLog;
  contentLog?: ContentLog;
  onPoll?: (result: PollResult) => void;
}

export interface IngestNewsService extends RunningService {
  /** Per-feed state as it would be persisted. */
  feeds(): FeedState[];
}

export async function start(deps: ServiceDeps<IngestNewsConfig>, overrides: IngestNewsOverrides = {}): Promise<IngestNewsService> {
  const { bus, config, logger, clock } = deps;
  const log = logger.child({ service: 'ingest-news' });
  const { feeds, warnings } = resolveFeeds(config);
  for (const w of warnings) log.warn(w);
  const stateDir = resolve(config.stateDir ?? './data/ingest-news');
  // One-shot runs are replays: they neither read nor write what continuous polling remembers.
  const persist = !config.once;
  let ownFetcher: HttpFeedFetcher | undefined;
  try {
    ownFetcher = overrides.fetcher ? undefined : new HttpFeedFetcher(config.http);
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `ingestNews.http.allowPrivate: ${(err as Error).message}`);
  }
  const poller = new FeedPoller({
    bus,
    clock,
    logger: log,
    metrics: new IngestMetrics(deps.metrics),
    fetcher: overrides.fetcher ?? ownFetcher!,
    parser: overrides.parser ?? new RssParserFeedParser(),
    config,
    random: overrides.random ?? Math.random,
    states: overrides.states ?? (persist ? new JsonFeedStateStore(stateDir) : undefined),
    seenLog: overrides.seenLog ?? (persist ? new FileSeenLog(stateDir) : undefined),
    contentLog: overrides.contentLog ?? (persist ? new FileContentLog(stateDir) : undefined),
  });
  await poller.init();
  const scheduler = overrides.scheduler ?? realScheduler;
  const timers = new Map<string, unknown>();
  const inflight = new Set<Promise<unknown>>();
  let stopped = false;

  const run = async (feed: ResolvedFeed): Promise<PollResult> => {
    const p = poller.poll(feed);
    inflight.add(p);
    try {
      const result = await p;
      overrides.onPoll?.(result);
      return result;
    } finally {
      inflight.delete(p);
    }
  };

  // Resolvers of the first round, called early if the service stops before a feed's first poll.
  const pendingFirst = new Set<() => void>();

  const schedule = (feed: ResolvedFeed, delayMs: number, onDone?: () => void) => {
    if (stopped) return onDone?.();
    const handle = scheduler.set(() => {
      timers.delete(feed.url);
      void run(feed)
        .then(
          (r) => schedule(feed, r.delayMs),
          (err) => {
            // poll() handles its own failures; this is a bug, and the feed must keep a schedule anyway.
            log.error({ feed: feed.name, err }, 'feed poll crashed');
            schedule(feed, config.schedule.backoffMaxSec * 1000);
          },
        )
        .finally(() => onDone?.());
    }, delayMs, feed.name);
    timers.set(feed.url, handle);
  };

  let firstRound: Promise<unknown>;
  if (config.once) {
    firstRound = Promise.all(feeds.map((f) => run(f)));
  } else {
    // A restart keeps each feed's schedule: a Retry-After or a long <ttl> is still honoured.
    const now = clock.now();
    firstRound = Promise.all(
      feeds.map(
        (f) =>
          new Promise<void>((resolveFirst) => {
            const done = () => {
              pendingFirst.delete(done);
              resolveFirst();
            };
            pendingFirst.add(done);
            const due = poller.state(f).nextPollAt;
            const delay = due === undefined ? 0 : Math.max(0, Math.min(due - now, config.schedule.maxIntervalSec * 1000));
            schedule(f, delay, done);
          }),
      ),
    );
  }
  log.info({ feeds: feeds.length, once: config.once, stateDir: persist ? stateDir : null }, 'ingest-news started');

  return {
    name: 'ingest-news',
    feeds: () => poller.snapshot(),
    idle: async () => {
      await firstRound;
      await poller.flush();
    },
    stop: async () => {
      stopped = true;
      for (const h of timers.values()) scheduler.clear(h);
      timers.clear();
      for (const done of [...pendingFirst]) done();
      poller.abort();
      await Promise.allSettled([...inflight]);
      if (config.once) await firstRound;
      await poller.flush();
      await ownFetcher?.close();
    },
  };
}
