import { describe, expect, it } from 'vitest';
import { articleId, canonicalUrl } from '../../../../shared/contracts/ids.ts';

describe('canonicalUrl', () => {
  it('treats http/https, www, tracking parameters, fragments and trailing slashes as the same link', () => {
    const a = canonicalUrl('https://www.example.com/world/iran-talks/?utm_source=rss&utm_medium=feed#top');
    expect(canonicalUrl('http://example.com/world/iran-talks')).toBe(a);
    expect(canonicalUrl('https://example.com/world/iran-talks?fbclid=abc')).toBe(a);
    expect(a).toBe('example.com/world/iran-talks');
  });

  it('keeps meaningful query parameters, in a stable order', () => {
    expect(canonicalUrl('https://example.com/a?b=2&a=1&utm_campaign=x')).toBe('example.com/a?a=1&b=2');
  });

  it('leaves what is not a URL as it is', () => {
    expect(canonicalUrl('  not a url ')).toBe('not a url');
  });
});

describe('articleId', () => {
  it('prefers the guid, then the link, then title and source', () => {
    const byGuid = articleId({ guid: 'abc-1', link: 'https://x.test/1', title: 'T', source: 'feed' });
    expect(byGuid).toBe(articleId({ guid: 'abc-1', link: 'https://x.test/other', title: 'Other', source: 'feed' }));
    const byLink = articleId({ link: 'https://x.test/1?utm_source=a', title: 'T', source: 'feed' });
    expect(byLink).toBe(articleId({ link: 'http://www.x.test/1', title: 'Different', source: 'other-feed' }));
    const byTitle = articleId({ title: '  Iran   Talks ', source: 'feed' });
    expect(byTitle).toBe(articleId({ title: 'iran talks', source: 'feed' }));
    expect(byTitle).not.toBe(articleId({ title: 'iran talks', source: 'another' }));
    expect(new Set([byGuid, byLink, byTitle]).size).toBe(3);
  });

  it('gives a URL guid the same id as the same link', () => {
    expect(articleId({ guid: 'https://x.test/story?utm_medium=rss', source: 'a' })).toBe(articleId({ link: 'http://x.test/story', source: 'b' }));
  });

  it('is a 32-character hex string', () => {
    expect(articleId({ title: 'x', source: 'y' })).toMatch(/^[0-9a-f]{32}$/);
  });
});
