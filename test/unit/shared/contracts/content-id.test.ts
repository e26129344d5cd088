import { describe, expect, it } from 'vitest';
import { CONTENT_WINDOW_MS, contentId, contentIdCandidates, contentIdentity, normalizedTitle, sameContent } from '../../../../shared/contracts/content-id.ts';

const T = Date.UTC(2026, 5, 1, 12);
const a = { source: 'wire', title: 'Qatar-mediated US–Iran talks resume!', publishedMs: T };

describe('content identity', () => {
  it('ignores case, punctuation, Unicode forms and spacing', () => {
    expect(normalizedTitle('  Qatar-mediated  US–Iran TALKS resume! ')).toBe('qatar mediated us iran talks resume');
    expect(normalizedTitle('ﬁnal Ｗord')).toBe('final word');
    expect(contentId({ ...a, title: 'qatar mediated us iran talks resume' })).toBe(contentId(a));
  });

  it('differs by source, by wording and by window', () => {
    expect(contentId({ ...a, source: 'other' })).not.toBe(contentId(a));
    expect(contentId({ ...a, title: 'Qatar-mediated US-Iran talks collapse' })).not.toBe(contentId(a));
    expect(contentId({ ...a, publishedMs: T + 3 * CONTENT_WINDOW_MS })).not.toBe(contentId(a));
  });

  it('finds an earlier copy across a bucket boundary through its candidates', () => {
    const boundary = Math.ceil(T / CONTENT_WINDOW_MS) * CONTENT_WINDOW_MS;
    const before = { ...a, publishedMs: boundary - 60_000 };
    const after = { ...a, publishedMs: boundary + 60_000 };
    expect(contentId(before)).not.toBe(contentId(after));
    expect(contentIdCandidates(after)).toContain(contentId(before));
    expect(sameContent(before, after)).toBe(true);
    expect(sameContent(before, { ...after, publishedMs: before.publishedMs + CONTENT_WINDOW_MS + 1 })).toBe(false);
  });

  it('gives a title with nothing to compare no content identity', () => {
    expect(contentId({ ...a, title: ' — !! ' })).toBeUndefined();
    expect(contentIdCandidates({ ...a, title: '' })).toEqual([]);
    expect(sameContent({ ...a, title: '!!' }, { ...a, title: '??' })).toBe(false);
  });

  it('gives the id and the candidates of one normalisation: the previous window, the own one, the next', () => {
    const previous = contentId({ ...a, publishedMs: T - CONTENT_WINDOW_MS });
    const next = contentId({ ...a, publishedMs: T + CONTENT_WINDOW_MS });
    expect(contentIdentity(a)).toEqual({ id: contentId(a), candidates: [previous, contentId(a), next] });
    expect(new Set([previous, contentId(a), next]).size).toBe(3);
    expect(contentIdCandidates(a)).toEqual([previous, contentId(a), next]);
    expect(contentIdentity({ ...a, title: '?!' })).toEqual({ id: undefined, candidates: [] });
    expect(contentIdentity({ ...a, publishedMs: Number.NaN })).toEqual({ id: undefined, candidates: [] });
  });
});
