import { describe, expect, it } from 'vitest';
import { initialFeedState, notModifiedRatio } from '../../../../../services/ingest-news/domain/feed-state.ts';

describe('feed state', () => {
  it('starts a feed as never fetched, with every counter at zero', () => {
    expect(initialFeedState('https://example.org/rss', 'example')).toEqual({
      url: 'https://example.org/rss',
      name: 'example',
      lastOutcome: 'never',
      consecutiveErrors: 0,
      fetches: 0,
      answered: 0,
      notModified: 0,
      errors: 0,
      itemsPublished: 0,
      itemsDuplicate: 0,
      itemsSkipped: 0,
    });
  });

  it('the not-modified ratio is 304s over answered fetches, and none before any answer', () => {
    expect(notModifiedRatio({ answered: 4, notModified: 3 })).toBe(0.75);
    expect(notModifiedRatio({ answered: 1, notModified: 0 })).toBe(0);
    expect(notModifiedRatio({ answered: 0, notModified: 0 })).toBeUndefined();
  });
});
