import { describe, expect, it } from 'vitest';
import { ContentSeenSet } from '../../../../../services/ingest-news/domain/content-seen.ts';
import { refreshAfterMs, selectNewItems, shouldCompact, shouldRewriteOnLoad, type SelectionContext } from '../../../../../services/ingest-news/domain/item-selection.ts';
import type { FeedItem } from '../../../../../services/ingest-news/domain/normalize.ts';
import { SeenSet } from '../../../../../services/ingest-news/domain/seen-set.ts';

const FETCHED = Date.UTC(2026, 0, 10, 12);
const TTL = 1_000_000;
const REFRESH = TTL / 10;

const item = (n: number, over: Partial<FeedItem> = {}): FeedItem => ({
  guid: `g-${n}`,
  link: `https://example.com/news/${n}`,
  title: `Pipeline ${n} restarts after repairs number ${n}`,
  isoDate: new Date(Date.UTC(2026, 0, 10, 11, n)).toISOString(),
  ...over,
});

function context(over: Partial<SelectionContext> = {}): SelectionContext {
  return {
    feed: { name: 'wire', tags: ['energy'] },
    fetchedAt: FETCHED,
    maxItems: 100,
    seenTtlMs: TTL,
    seen: new SeenSet(TTL),
    content: new ContentSeenSet(TTL),
    ...over,
  };
}

describe('selectNewItems', () => {
  it('publishes every new item in feed order and marks each id at the fetch time', () => {
    const s = selectNewItems([item(1), item(2), item(3)], context());
    expect(s.fresh.map((a) => a.title)).toEqual(['Pipeline 1 restarts after repairs number 1', 'Pipeline 2 restarts after repairs number 2', 'Pipeline 3 restarts after repairs number 3']);
    expect(s.fresh.map((a) => a.source)).toEqual(['wire', 'wire', 'wire']);
    expect(s.seenMarks).toEqual(s.fresh.map((a) => [a.id, FETCHED]));
    expect(s.contentMarks).toHaveLength(3);
    expect(s.contentMarks.every((e) => e[2] === FETCHED)).toBe(true);
    expect(s).toMatchObject({ duplicates: 0, sameContent: 0, dropped: {}, issues: {} });
  });

  it('keeps the first maxItems items and counts the rest as over the limit', () => {
    const items = [1, 2, 3, 4, 5].map((n) => item(n));
    const capped = selectNewItems(items, context({ maxItems: 3 }));
    expect(capped.fresh.map((a) => a.url)).toEqual(['https://example.com/news/1', 'https://example.com/news/2', 'https://example.com/news/3']);
    expect(capped.dropped).toEqual({ over_item_limit: 2 });
    const exact = selectNewItems(items, context({ maxItems: 5 }));
    expect(exact.fresh).toHaveLength(5);
    expect(exact.dropped).toEqual({});
    expect(selectNewItems(items, context({ maxItems: 4 })).dropped).toEqual({ over_item_limit: 1 });
  });

  it('counts an id twice in one body, or already seen, as a duplicate', () => {
    const twice = selectNewItems([item(1), item(1), item(2)], context());
    expect(twice.fresh).toHaveLength(2);
    expect(twice).toMatchObject({ duplicates: 1, sameContent: 0 });
    expect(twice.seenMarks).toHaveLength(2);

    const first = selectNewItems([item(1)], context());
    const seen = new SeenSet(TTL);
    seen.mark(first.fresh[0]!.id, FETCHED - 1);
    const again = selectNewItems([item(1), item(2)], context({ seen }));
    expect(again.fresh.map((a) => a.url)).toEqual(['https://example.com/news/2']);
    expect(again.duplicates).toBe(1);
    // Seen a moment ago: no refresh due, so only the new id is marked.
    expect(again.seenMarks).toEqual([[again.fresh[0]!.id, FETCHED]]);
  });

  it('re-marks a known id once a tenth of the TTL is left before it would expire within the refresh window', () => {
    const id = selectNewItems([item(1)], context()).fresh[0]!.id;
    const at = (lastSeen: number) => {
      const seen = new SeenSet(TTL);
      seen.mark(id, lastSeen);
      return selectNewItems([item(1)], context({ seen }));
    };
    // Expires before fetchedAt + refresh: re-marked.
    expect(at(FETCHED - TTL + REFRESH).seenMarks).toEqual([[id, FETCHED]]);
    expect(at(FETCHED - TTL + 1).seenMarks).toEqual([[id, FETCHED]]);
    // Still live at fetchedAt + refresh: not re-marked.
    expect(at(FETCHED - TTL + REFRESH + 1).seenMarks).toEqual([]);
    expect(at(FETCHED - TTL + REFRESH + 1).duplicates).toBe(1);
    // Expired: a new article again.
    expect(at(FETCHED - TTL).fresh).toHaveLength(1);
  });

  it('keeps back a story already published under another id, refreshing its entry when due', () => {
    const original = selectNewItems([item(1)], context());
    const entry = original.contentMarks[0]!;
    const rotated = item(1, { guid: 'rotated-guid', link: 'https://example.com/news/1?utm=x' });
    const recent = new ContentSeenSet(TTL);
    recent.mark([entry[0], entry[1], FETCHED - REFRESH + 1]);
    const kept = selectNewItems([rotated], context({ content: recent }));
    expect(kept).toMatchObject({ fresh: [], duplicates: 1, sameContent: 1, contentMarks: [], seenMarks: [] });

    const due = new ContentSeenSet(TTL);
    due.mark([entry[0], entry[1], FETCHED - REFRESH]);
    expect(selectNewItems([rotated], context({ content: due })).contentMarks).toEqual([[entry[0], entry[1], FETCHED]]);
  });

  it('takes two ids of one story in one body as one article', () => {
    const s = selectNewItems([item(1), item(1, { guid: 'other', link: 'https://example.com/other' })], context());
    expect(s.fresh).toHaveLength(1);
    expect(s).toMatchObject({ duplicates: 1, sameContent: 1 });
    expect(s.contentMarks).toHaveLength(1);
  });

  it('publishes a story whose title leaves nothing to compare, with no content identity to record', () => {
    const s = selectNewItems([item(1, { title: '…!?', contentSnippet: 'Output was cut at the terminal.' }), item(2)], context());
    expect(s.fresh.map((a) => a.url)).toEqual(['https://example.com/news/1', 'https://example.com/news/2']);
    expect(s.seenMarks).toHaveLength(2);
    expect(s.contentMarks).toHaveLength(1);
    expect(s.contentMarks[0]).toEqual(selectNewItems([item(2)], context()).contentMarks[0]);
  });

  it('drops an article the news.raw/v1 schema refuses, marking nothing for it', () => {
    const s = selectNewItems([item(1), item(2)], context({ feed: { name: 'wire', tags: ['t'.repeat(101)] } }));
    expect(s).toMatchObject({ fresh: [], seenMarks: [], contentMarks: [], duplicates: 0, dropped: { schema_invalid: 2 } });
    expect(selectNewItems([item(1)], context({ feed: { name: 'wire', tags: ['t'.repeat(100)] } })).fresh).toHaveLength(1);
  });

  it('drops items normalisation refuses, by reason, and counts the notes of published ones', () => {
    const s = selectNewItems([{ guid: 'x' }, item(2, { guid: undefined }), { guid: 'y', title: '   ' }], context());
    expect(s.dropped).toEqual({ empty_item: 2 });
    expect(s.fresh).toHaveLength(1);
    expect(s.issues).toEqual({ no_guid: 1 });
  });
});

describe('refreshAfterMs', () => {
  it('is a tenth of the TTL', () => {
    expect(refreshAfterMs(30 * 86_400_000)).toBe(3 * 86_400_000);
  });
});

describe('log compaction', () => {
  it('rewrites once appends pass both 10,000 and the live set', () => {
    expect(shouldCompact(10_000, 0)).toBe(false);
    expect(shouldCompact(10_001, 0)).toBe(true);
    expect(shouldCompact(20_000, 20_000)).toBe(false);
    expect(shouldCompact(20_001, 20_000)).toBe(true);
  });

  it('rewrites at load a log past 1,000 lines and twice its live set', () => {
    expect(shouldRewriteOnLoad(1000, 0)).toBe(false);
    expect(shouldRewriteOnLoad(1001, 0)).toBe(true);
    expect(shouldRewriteOnLoad(2000, 1000)).toBe(false);
    expect(shouldRewriteOnLoad(2001, 1000)).toBe(true);
  });
});
