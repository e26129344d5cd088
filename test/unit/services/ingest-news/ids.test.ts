import { describe, expect, it } from 'vitest';
import { articleId, canonicalUrl } from '../../../../shared/contracts/ids.ts';

describe('article ids', () => {
  it('are the same across http/https, www, tracking parameters, fragments and trailing slashes', () => {
    const variants = [
      'https://www.example.com/world/oil-talks/',
      'http://example.com/world/oil-talks?utm_source=rss&utm_medium=feed',
      'https://EXAMPLE.com/world/oil-talks#comments',
      'https://example.com:443/world/oil-talks?fbclid=abc&guccounter=1',
    ];
    expect(new Set(variants.map((u) => canonicalUrl(u))).size).toBe(1);
    expect(new Set(variants.map((link) => articleId({ link, source: 'a' }))).size).toBe(1);
    // The link is the identity whatever feed carried it.
    expect(articleId({ link: variants[0], source: 'a' })).toBe(articleId({ link: variants[1], source: 'b' }));
  });

  it('keep meaningful query parameters apart and order-independent', () => {
    expect(canonicalUrl('https://x.example/a?id=1&b=2')).toBe(canonicalUrl('https://x.example/a?b=2&id=1'));
    expect(canonicalUrl('https://x.example/a?id=1')).not.toBe(canonicalUrl('https://x.example/a?id=2'));
  });

  it('prefer the guid, and treat a URL guid like a link', () => {
    expect(articleId({ guid: 'abc', link: 'https://x.example/1', source: 's' })).toBe(articleId({ guid: 'abc', link: 'https://x.example/2', source: 's' }));
    expect(articleId({ guid: 'https://x.example/1?utm_campaign=z', source: 's' })).toBe(articleId({ link: 'http://x.example/1', source: 't' }));
    expect(articleId({ title: 'T', source: 's' })).toMatch(/^[0-9a-f]{32}$/);
  });
});
