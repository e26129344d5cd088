import { Counter } from 'prom-client';
import { TOPICS, messageKey, type NewsRaw } from '../../shared/contracts/events.ts';
import { publishEvents } from '../../shared/bus/typed.ts';
import type { RunningService, ServiceDeps } from '../../shared/runtime/service.ts';
import { normalizeItem } from './domain/normalize.ts';
import { RssParserReader } from './adapters/rss-parser-reader.ts';
import type { FeedConfig, IngestNewsConfig } from './config.ts';
import type { FeedReader } from './ports.ts';

function feedName(feed: FeedConfig): string {
  if (feed.name) return feed.name;
  try {
    const u = new URL(feed.url);
    return u.protocol === 'file:' ? u.pathname.split('/').pop() || feed.url : u.hostname;
  } catch {
    return feed.url.split('/').pop() || feed.url;
  }
}

export async function start(deps: ServiceDeps<IngestNewsConfig>, reader: FeedReader = new RssParserReader()): Promise<RunningService> {
  const { bus, config, logger, clock, metrics } = deps;
  const log = logger.child({ service: 'ingest-news' });
  const items = new Counter({ name: 'oilwire_ingest_news_items_total', help: 'Feed items by outcome', labelNames: ['feed', 'outcome'], registers: [metrics] });
  const seen = new Set<string>();
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();

  async function poll(feed: FeedConfig): Promise<void> {
    const name = feedName(feed);
    try {
      const fetched = await reader.read(feed.url);
      const fetchedAt = clock.now();
      const fresh: NewsRaw[] = [];
      for (const item of fetched.items.slice(0, config.maxItemsPerFeed)) {
        const result = normalizeItem(item, { name, tags: feed.tags }, fetchedAt);
        if (!result.ok) {
          items.inc({ feed: name, outcome: result.reason });
          log.warn({ feed: name, reason: result.reason }, 'feed item skipped');
          continue;
        }
        if (seen.has(result.article.id)) {
          items.inc({ feed: name, outcome: 'duplicate' });
          continue;
        }
        fresh.push(result.article);
      }
      await publishEvents(bus, TOPICS.newsRaw, fresh, messageKey.newsRaw);
      // Marked seen only after the bus accepted them: a failed publish is retried on the next poll.
      for (const a of fresh) seen.add(a.id);
      items.inc({ feed: name, outcome: 'published' }, fresh.length);
      log.info({ feed: name, published: fresh.length, items: fetched.items.length }, 'feed polled');
    } catch (err) {
      items.inc({ feed: name, outcome: 'error' });
      log.error({ feed: name, err }, 'feed poll failed');
    }
  }

  const firstRound = Promise.all(config.feeds.map((f) => poll(f)));
  if (!config.once) {
    for (const feed of config.feeds) {
      const every = (feed.pollIntervalSec ?? config.pollIntervalSec) * 1000;
      const loop = () => {
        if (stopped) return;
        const t = setTimeout(async () => {
          timers.delete(t);
          await poll(feed);
          loop();
        }, every);
        timers.add(t);
      };
      void firstRound.then(loop);
    }
  }

  return {
    name: 'ingest-news',
    idle: async () => {
      await firstRound;
    },
    stop: async () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await firstRound;
    },
  };
}
