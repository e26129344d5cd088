import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { articleId, canonicalUrl, sha256Hex } from '../../../../shared/contracts/ids.ts';

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

describe('canonicalUrl: each rule on its own', () => {
  it('drops every tracking parameter, in any case, and only those exact names', () => {
    const tracking = ['utm_source', 'utm_medium', 'UTM_Campaign', 'fbclid', 'gclid', 'mc_cid', 'mc_eid', 'cmpid', 'ocid', 'ref', 'ref_src', 'src', 'smid', 'taid', 'guccounter', 'at_medium', 'at_campaign', 'CMP', 'cmp', 'ncid', 'ito', 'mod'];
    for (const p of tracking) expect(canonicalUrl(`https://x.test/a?${p}=1`), p).toBe('x.test/a');
    for (const p of ['utm_', 'utm_1', 'xref', 'refs', 'source', 'modx', 'id']) expect(canonicalUrl(`https://x.test/a?${p}=1`), p).toBe(`x.test/a?${p}=1`);
  });

  it('sorts the kept parameters by name, keeps repeats in order and encodes them again', () => {
    expect(canonicalUrl('https://x.test/a?b=2&a=2&a=1&c=x%20y')).toBe('x.test/a?a=2&a=1&b=2&c=x+y');
    expect(canonicalUrl('https://x.test/a?utm_source=rss&b=1&utm_medium=x')).toBe('x.test/a?b=1');
    expect(canonicalUrl('https://x.test/a?')).toBe('x.test/a');
  });

  it('lower-cases the host and drops a leading www. only', () => {
    expect(canonicalUrl('https://WWW.Example.COM/Path')).toBe('example.com/Path');
    expect(canonicalUrl('https://wwwx.test/a')).toBe('wwwx.test/a');
    expect(canonicalUrl('https://news.www.test/a')).toBe('news.www.test/a');
    expect(canonicalUrl('https://www.www.test/a')).toBe('www.test/a');
  });

  it('keeps a port other than 80 and 443, and drops trailing slashes but not the root', () => {
    expect(canonicalUrl('https://x.test:8443/a')).toBe('x.test:8443/a');
    expect(canonicalUrl('http://x.test:443/a')).toBe('x.test/a');
    expect(canonicalUrl('https://x.test:80/a')).toBe('x.test/a');
    expect(canonicalUrl('http://x.test:8080/a')).toBe('x.test:8080/a');
    expect(canonicalUrl('https://x.test/a///')).toBe('x.test/a');
    expect(canonicalUrl('https://x.test/a/b/')).toBe('x.test/a/b');
    expect(canonicalUrl('https://x.test/')).toBe('x.test/');
    expect(canonicalUrl('https://x.test')).toBe('x.test/');
    expect(canonicalUrl('https://x.test//')).toBe('x.test/');
  });

  it('trims the input, and gives other schemes back as the URL parser writes them', () => {
    expect(canonicalUrl('  https://x.test/a  ')).toBe('x.test/a');
    expect(canonicalUrl('ftp://WWW.x.test/a/?utm_source=1#f')).toBe('ftp://www.x.test/a/?utm_source=1#f');
    expect(canonicalUrl('mailto:Desk@x.test')).toBe('mailto:Desk@x.test');
    expect(canonicalUrl('https://x.test/a#frag')).toBe('x.test/a');
  });
});

describe('sha256Hex and articleId: the exact bases', () => {
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');

  it('sha256Hex is the lower-case hex digest', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes guid:source:guid, url:canonical link or title:source:title, 32 hex digits of it', () => {
    expect(articleId({ guid: ' abc-1 ', source: 'feed' })).toBe(hash('guid:feed:abc-1').slice(0, 32));
    expect(articleId({ guid: 'HTTP://WWW.x.test/s/', source: 'feed' })).toBe(hash('url:x.test/s').slice(0, 32));
    expect(articleId({ guid: 'https://x.test/s', source: 'feed' })).toBe(hash('url:x.test/s').slice(0, 32));
    // A guid that only mentions a URL, or a URL without the scheme, is a plain guid.
    expect(articleId({ guid: 'id https://x.test/s', source: 'feed' })).toBe(hash('guid:feed:id https://x.test/s').slice(0, 32));
    expect(articleId({ guid: 'x.test/s', source: 'feed' })).toBe(hash('guid:feed:x.test/s').slice(0, 32));
    expect(articleId({ guid: '   ', link: ' https://x.test/s?utm_source=a ', source: 'feed' })).toBe(hash('url:x.test/s').slice(0, 32));
    expect(articleId({ guid: null, link: '  ', title: '  Oil  \n Rises ', source: 'feed' })).toBe(hash('title:feed:oil rises').slice(0, 32));
    expect(articleId({ link: null, title: null, source: 'feed' })).toBe(hash('title:feed:').slice(0, 32));
    expect(articleId({ source: 'feed' })).toBe(hash('title:feed:').slice(0, 32));
  });
});
