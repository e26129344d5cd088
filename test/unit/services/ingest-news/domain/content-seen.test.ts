import { describe, expect, it } from 'vitest';
import { ContentSeenSet } from '../../../../../services/ingest-news/domain/content-seen.ts';
import { SWEEP_MIN_MARKS } from '../../../../../services/ingest-news/domain/seen-set.ts';
import { CONTENT_WINDOW_MS, contentId } from '../../../../../shared/contracts/content-id.ts';

const H = 3_600_000;
const story = (title: string, publishedMs: number, source = 'wire') => ({ source, title, publishedMs });

describe('published content identities', () => {
  it('finds an earlier copy by source and normalised title within one window, as the store does', () => {
    const s = new ContentSeenSet(30 * 24 * H);
    const t = 10 * CONTENT_WINDOW_MS + 23 * H;
    s.mark(s.entryFor(story('OPEC+ agrees to cut output', t), t)!);
    // Case and punctuation do not make another story; the next bucket is searched too.
    expect(s.find(story('opec agrees to cut output!', t + 2 * H), t + 2 * H)).toEqual([contentId(story('OPEC+ agrees to cut output', t)), t, t]);
    expect(s.find(story('OPEC+ agrees to cut output', t - CONTENT_WINDOW_MS), t)).toBeDefined();
    expect(s.find(story('OPEC+ agrees to cut output', t + CONTENT_WINDOW_MS), t)).toBeDefined();
    // Just past one window, another source, another title: not the same story.
    expect(s.find(story('OPEC+ agrees to cut output', t + CONTENT_WINDOW_MS + 1), t)).toBeUndefined();
    expect(s.find(story('OPEC+ agrees to cut output', t - CONTENT_WINDOW_MS - 1), t)).toBeUndefined();
    expect(s.find(story('OPEC+ agrees to cut output', t, 'other'), t)).toBeUndefined();
    expect(s.find(story('OPEC+ agrees to raise output', t), t)).toBeUndefined();
  });

  it('has no identity for a title with nothing left to compare', () => {
    const s = new ContentSeenSet(1000);
    expect(s.entryFor(story(' !!! ', 0), 0)).toBeUndefined();
    expect(s.find(story(' !!! ', 0), 0)).toBeUndefined();
  });

  it('expires an entry ttl after its last sighting; a later sighting keeps it', () => {
    const s = new ContentSeenSet(1000);
    const e = s.entryFor(story('Tanker seized', 0), 0)!;
    s.mark(e);
    expect(s.find(story('Tanker seized', 0), 999)).toBeDefined();
    expect(s.find(story('Tanker seized', 0), 1000)).toBeUndefined();
    s.mark([e[0], e[1], 900]);
    s.mark([e[0], e[1], 100]);
    expect(s.size).toBe(1);
    expect(s.find(story('Tanker seized', 0), 1899)).toBeDefined();
    expect(s.prune(1899)).toBe(0);
    expect(s.prune(1900)).toBe(1);
    expect(s.size).toBe(0);
    expect(s.entries()).toEqual([]);
  });

  it('keeps a few publication times per identity (a feed without dates), newest sightings first', () => {
    const s = new ContentSeenSet(Infinity);
    const id = s.entryFor(story('Pipeline outage', 0), 0)![0];
    for (let i = 0; i < 10; i++) s.mark([id, i * 1000, i]);
    expect(s.size).toBe(8);
    expect(s.entries().map((e) => e[1])).toEqual([2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
  });

  it('drops the time sighted longest ago, not the one recorded first', () => {
    const s = new ContentSeenSet(Infinity);
    const id = s.entryFor(story('Pipeline outage', 0), 0)![0];
    // Recorded first but sighted last: it stays, and the stalest sighting goes.
    s.mark([id, 0, 100]);
    for (let i = 1; i <= 8; i++) s.mark([id, i * 1000, i]);
    expect(s.size).toBe(8);
    expect(s.entries().map((e) => e[1])).toEqual([0, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
  });

  it('keeps the copy just recorded when every sighting is as old (a log replayed at one instant)', () => {
    const s = new ContentSeenSet(Infinity);
    const id = s.entryFor(story('Pipeline outage', 0), 0)![0];
    for (let i = 0; i < 9; i++) s.mark([id, i * 1000, 5]);
    expect(s.entries().map((e) => e[1])).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
  });

  it('sweeps expired entries once more new ones came in than the last sweep left (at least the minimum), without waiting for a compaction', () => {
    const s = new ContentSeenSet(10, CONTENT_WINDOW_MS, 3);
    for (let i = 0; i < 3; i++) s.mark(s.entryFor(story(`story ${i}`, 0), i)!);
    // A later sighting of a known entry is no new entry.
    s.mark(s.entryFor(story('story 2', 0), 6)!);
    expect(s.size).toBe(3);
    // The fourth new entry sweeps with its time as now: stories 0 and 1 (seen at 0 and 1) are 10 or more behind 11, story 2 (seen at 6) is not.
    s.mark(s.entryFor(story('story 3', 0), 11)!);
    expect(s.entries()).toEqual([
      [contentId(story('story 2', 0)), 0, 6],
      [contentId(story('story 3', 0)), 0, 11],
    ]);
    expect(s.size).toBe(2);
    // Two left, under the minimum: the next sweep is at the fourth new entry after it (another time of a known story counts).
    for (let i = 4; i < 6; i++) s.mark(s.entryFor(story(`story ${i}`, 0), 40)!);
    s.mark(s.entryFor(story('story 5', 5), 40)!);
    expect(s.size).toBe(5);
    s.mark(s.entryFor(story('story 6', 0), 40)!);
    expect(s.size).toBe(4);
    expect(s.find(story('story 3', 0), 40)).toBeUndefined();
  });

  it('holds at most its live entries plus as many again (or the minimum) over a long run', () => {
    const s = new ContentSeenSet(100);
    let max = 0;
    for (let i = 0; i < 5_000; i++) {
      s.mark(s.entryFor(story(`headline number ${i}`, i), i)!);
      max = Math.max(max, s.size);
    }
    expect(max).toBeLessThanOrEqual(100 + SWEEP_MIN_MARKS + 1);
    expect(s.entries().length).toBe(s.size);
    expect(s.find(story('headline number 4999', 4_999), 4_999)).toBeDefined();
  });
});
