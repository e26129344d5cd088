import { describe, expect, it } from 'vitest';
import { ingestNewsConfigSchema } from '../../../../services/ingest-news/config.ts';
import { resolveFeeds } from '../../../../services/ingest-news/main.ts';
import { TOPIC_NAMES } from '../../../../shared/contracts/events.ts';

describe('ingest-news configuration', () => {
  it('defaults to a list of real public feeds with unique names, https URLs and tags', () => {
    const config = ingestNewsConfigSchema.parse({});
    const { feeds, warnings } = resolveFeeds(config);
    expect(warnings).toEqual([]);
    expect(feeds.length).toBeGreaterThanOrEqual(20);
    for (const f of feeds) {
      expect(new URL(f.url).protocol).toBe('https:');
      expect(f.tags.length).toBeGreaterThan(0);
      expect(f.intervalSec).toBeGreaterThanOrEqual(config.schedule.minIntervalSec);
    }
    const search = feeds.filter((f) => f.url.startsWith('https://news.google.com/rss/search?q='));
    expect(search.map((f) => new URL(f.url).searchParams.get('q'))).toEqual(expect.arrayContaining(['Qatar mediation', 'Iran talks', 'OPEC']));
    // Tags that name a scorer topic use its exact spelling.
    const topical = new Set(feeds.flatMap((f) => f.tags).filter((t) => !['world', 'middle-east', 'energy', 'markets', 'search'].includes(t)));
    for (const t of topical) expect(TOPIC_NAMES).toContain(t);
    // Unset here: the composition root puts it beside the store's data (cli/config.ts ingestNewsStateDir).
    expect(config.stateDir).toBeUndefined();
  });

  it('skips disabled and repeated feeds and makes names unique', () => {
    const config = ingestNewsConfigSchema.parse({
      feeds: [
        { url: 'https://a.example/rss', name: 'a' },
        { url: 'https://a.example/rss', name: 'again' },
        { url: 'https://b.example/rss', name: 'a', pollIntervalSec: 900 },
        { url: 'https://c.example/rss', enabled: false },
        { url: 'file:///srv/feeds/wire.xml' },
      ],
    });
    const { feeds, warnings } = resolveFeeds(config);
    expect(feeds.map((f) => [f.name, f.intervalSec])).toEqual([
      ['a', 300],
      ['a#2', 900],
      ['wire.xml', 300],
    ]);
    expect(warnings).toHaveLength(2);
  });
});
