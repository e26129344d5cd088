import { describe, expect, it } from 'vitest';
import { MIN_ITEMS_FOR_GAP, windowOverrun } from '../../../../../services/ingest-news/domain/feed-gap.ts';

describe('windowOverrun', () => {
  it('flags an answer of an ingested feed in which no item was published before', () => {
    expect(windowOverrun({ fresh: 300, duplicates: 0, publishedBefore: 1200 })).toBe(true);
    expect(windowOverrun({ fresh: MIN_ITEMS_FOR_GAP, duplicates: 0, publishedBefore: 1 })).toBe(true);
  });

  it('does not flag an answer that reaches back to one item already published', () => {
    expect(windowOverrun({ fresh: 299, duplicates: 1, publishedBefore: 1200 })).toBe(false);
  });

  it('does not flag the first answer of a feed (nothing before it to overrun)', () => {
    expect(windowOverrun({ fresh: 300, duplicates: 0, publishedBefore: 0 })).toBe(false);
  });

  it('does not flag a feed of one item replacing it (every new item would look like a gap)', () => {
    expect(MIN_ITEMS_FOR_GAP).toBe(2);
    expect(windowOverrun({ fresh: 1, duplicates: 0, publishedBefore: 50 })).toBe(false);
  });

  it('does not flag a quiet answer (nothing new, nothing known: every item dropped)', () => {
    expect(windowOverrun({ fresh: 0, duplicates: 0, publishedBefore: 50 })).toBe(false);
  });
});
