import { describe, expect, it } from 'vitest';
import { feedRows, feedsJson } from '../../../cli/commands/feeds.ts';
import type { FeedState } from '../../../services/ingest-news/index.ts';

const URL_WITH_KEY = 'https://reader:s3cretpw@news.example.com/rss?apikey=K3Y&topic=oil';
const state = (over: Partial<FeedState>): FeedState =>
  ({ url: URL_WITH_KEY, name: 'news.example.com/rss', lastOutcome: 'error', lastStatus: 0, lastError: `cannot fetch ${URL_WITH_KEY}: fetch failed`, consecutiveErrors: 1, fetches: 1, answered: 0, notModified: 0, errors: 1, itemsPublished: 0, itemsDuplicate: 0, itemsSkipped: 0, ...over }) as FeedState;

describe('oilwire feeds output', () => {
  it('masks passwords and keys of feed URLs in the table and in JSON, and keeps the rest', () => {
    const states = { [URL_WITH_KEY]: state({}), 'https://other.example/rss?token=T0K': state({ url: 'https://other.example/rss?token=T0K', name: 'other', lastError: undefined, location: 'https://moved.example/rss?access_token=AT' }) };
    const configured = [{ url: URL_WITH_KEY, name: 'news.example.com/rss', tags: ['oil'] }];
    const table = JSON.stringify(feedRows(configured, states, Date.now()));
    const json = JSON.stringify(feedsJson(configured, states));
    for (const out of [table, json]) {
      expect(out).not.toMatch(/s3cretpw|K3Y|T0K|AT"/);
    }
    expect(table).toContain('topic=oil');
    expect(json).toContain('https://reader:***@news.example.com/rss?apikey=***&topic=oil');
    expect(json).toContain('https://moved.example/rss?access_token=***');
  });
});
