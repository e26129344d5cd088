import { describe, expect, it } from 'vitest';
import {
  MAX_ERROR_CHARS,
  initialFeedState,
  notModifiedRatio,
  recordAbort,
  recordAnswer,
  recordFailure,
  recordFetchStart,
  recordSuccess,
  type FeedState,
} from '../../../../../services/ingest-news/domain/feed-state.ts';

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

  it('counts a fetch when it starts and uncounts one a stop cancelled', () => {
    const s = initialFeedState('u', 'n');
    recordFetchStart(s, 1000);
    recordFetchStart(s, 2000);
    expect(s).toMatchObject({ fetches: 2, lastFetchAt: 2000 });
    recordAbort(s);
    expect(s).toMatchObject({ fetches: 1, lastFetchAt: 2000, errors: 0, consecutiveErrors: 0 });
  });

  it('counts every answer, and 304s among them', () => {
    const s = initialFeedState('u', 'n');
    recordAnswer(s, 200);
    recordAnswer(s, 304);
    recordAnswer(s, 503);
    expect(s).toMatchObject({ answered: 3, notModified: 1, lastStatus: 503 });
    const old = { ...initialFeedState('u', 'n'), answered: undefined } as unknown as FeedState;
    recordAnswer(old, 304);
    expect(old).toMatchObject({ answered: 1, notModified: 1, lastStatus: 304 });
  });

  it('a failure keeps the status of an answer, sets 0 without one, and bounds the message', () => {
    const s = initialFeedState('u', 'n');
    recordAnswer(s, 503);
    expect(recordFailure(s, { message: 'x'.repeat(MAX_ERROR_CHARS + 1), reason: 'http_503', answered: true })).toBe(1);
    expect(s).toMatchObject({ lastStatus: 503, errors: 1, consecutiveErrors: 1, lastErrorReason: 'http_503' });
    expect(s.lastError).toBe('x'.repeat(500));
    expect(recordFailure(s, { message: 'down', reason: 'network', answered: false })).toBe(2);
    expect(s).toMatchObject({ lastStatus: 0, errors: 2, consecutiveErrors: 2, lastError: 'down', lastErrorReason: 'network' });
    recordFailure(s, { message: 'y'.repeat(MAX_ERROR_CHARS), reason: 'timeout', answered: false });
    expect(s.lastError).toHaveLength(500);
  });

  it('a success ends the streak, clears the error and follows a move once', () => {
    const s = initialFeedState('https://a.example/rss', 'n');
    recordFailure(s, { message: 'down', reason: 'network', answered: false });
    recordFailure(s, { message: 'down', reason: 'network', answered: false });
    expect(recordSuccess(s, 5000, { maxAgeSec: 600, permanentRedirect: 'https://b.example/rss' })).toEqual({ recoveredAfter: 2, movedTo: 'https://b.example/rss' });
    expect(s).toMatchObject({ consecutiveErrors: 0, errors: 2, lastSuccessAt: 5000, maxAgeSec: 600, location: 'https://b.example/rss', lastError: undefined, lastErrorReason: undefined });
    // Already there: no move to report, and a healthy feed recovered from nothing.
    expect(recordSuccess(s, 6000, { permanentRedirect: 'https://b.example/rss' })).toEqual({ recoveredAfter: 0 });
    expect(s).toMatchObject({ lastSuccessAt: 6000, maxAgeSec: undefined, location: 'https://b.example/rss' });
    expect(recordSuccess(s, 7000, {})).toEqual({ recoveredAfter: 0 });
    expect(s.location).toBe('https://b.example/rss');
  });
});
