import { describe, expect, it } from 'vitest';
import { normalizeItem, publicationTime, toPlainText } from '../../../../../services/ingest-news/domain/normalize.ts';
import { newsRawV1 } from '../../../../../shared/contracts/events.ts';

const feed = { name: 'wire', tags: ['energy'] };
const NOW = Date.UTC(2026, 5, 1, 12);

describe('item normalization', () => {
  it('strips scripts, tags and entities from titles (escaped or not) and notes it', () => {
    expect(toPlainText('<script>alert(1)</script><b>Oil</b> &amp; gas &rsquo;s', 100)).toBe('Oil & gas ’s');
    expect(toPlainText('&lt;script&gt;alert(1)&lt;/script&gt;Brent &lt;i&gt;up&lt;/i&gt;', 100)).toBe('Brent up');
    expect(toPlainText('<img src=x onerror=alert(1)>Hormuz<!-- c -->', 100)).toBe('Hormuz');
    expect(toPlainText('oil < $80 and > $70', 100)).toBe('oil < $80 and > $70');
    expect(toPlainText('a<SCRIPT type="x">evil()</Script >b<style>p{}</style>c<scripts>d', 100)).toBe('a b c d');
    expect(toPlainText('kept<script>never closed', 100)).toBe('kept');
  });

  it('passes no tag of a corpus of hostile titles, closed or not, encoded or not', () => {
    const corpus: [string, string][] = [
      ['<img src=x onerror=alert(1)', ''],
      ['Oil rises <img src=x onerror=alert(1)', 'Oil rises'],
      ['Brent <svg/onload=alert(1)', 'Brent'],
      ['Hormuz <b', 'Hormuz'],
      ['<img src="x', ''],
      ["<img src='a>b' onerror=x>OPEC", 'OPEC'],
      ['<a href="x>y">Saudi</a> output', 'Saudi output'],
      ['&lt;img src=x onerror=alert(1)', ''],
      ['&lt;img src=x onerror=alert(1)&gt;Iran', 'Iran'],
      ['&#60;script&#62;alert(1)&#60;/script&#62;Iraq', 'Iraq'],
      ['&#x3c;img src=x onerror=alert(1)', ''],
      ['&amp;lt;img src=x onerror=alert(1)&amp;gt;', '&lt;img src=x onerror=alert(1)&gt;'],
      ['<\u0000img src=x onerror=alert(1)>Qatar', 'Qatar'],
      // "scr<script" is one (unknown) tag name to an HTML tokenizer: what follows is text, with no tag in it.
      ['<scr<script>ipt>alert(1)</script>Kuwait', 'ipt>alert(1)Kuwait'],
      ['<svg><script>alert(1)</script></svg>Oman', 'Oman'],
      ['<math><mi xlink:href="javascript:alert(1)">x</mi></math>UAE', 'UAE'],
      ['<![CDATA[<img src=x onerror=alert(1)>]]>Libya', 'Libya'],
      ['<?xml-stylesheet href="x"?>Nigeria', 'Nigeria'],
      ['<!--<img src=x onerror=alert(1)>-->Angola', 'Angola'],
      ['Norway <!-- never closed <img src=x>', 'Norway'],
      ['<textarea><img src=x onerror=alert(1)></textarea>Texas', 'Texas'],
      ['<title><img src=x></title>Alaska', 'Alaska'],
      ['<noscript><p title="</noscript><img src=x onerror=alert(1)>">', ''],
      ['<iframe srcdoc="<img src=x onerror=alert(1)>"></iframe>WTI', 'WTI'],
      ['</b onmouseover=alert(1)>Brent', 'Brent'],
      ['oil < $80 and > $70', 'oil < $80 and > $70'],
      ['1<2 and 3>2', '1<2 and 3>2'],
      ['< img src=x onerror=alert(1)>', '< img src=x onerror=alert(1)>'],
    ];
    for (const [input, expected] of corpus) {
      const out = toPlainText(input, 200);
      expect(out, input).not.toMatch(/<[A-Za-z!/?]/);
      expect(out, input).toBe(expected);
    }
  });

  it('strips pathological markup in linear time (no regex backtracking on hostile titles)', () => {
    expect(toPlainText('<script>'.repeat(20_000), 4000)).toBe('');
    // A tag never closed is still a tag: nothing of it is passed on.
    expect(toPlainText('<a'.repeat(40_000) + ' text', 4000)).toBe('');
    expect(toPlainText('<!--'.repeat(20_000) + 'x', 4000)).toBe('');
    const r = normalizeItem({ guid: 'g', title: '<script>x()</script>OPEC <em>cuts</em>' }, feed, NOW);
    expect(r).toMatchObject({ ok: true, notes: expect.arrayContaining(['markup_stripped']), article: { title: 'OPEC cuts' } });
  });

  it('bounds dates: future, invalid, missing and ancient dates fall back to the fetch time, which is kept', () => {
    expect(publicationTime({ pubDate: new Date(NOW + 86_400_000).toUTCString() }, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_future' });
    expect(publicationTime({ pubDate: 'yesterday-ish' }, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_invalid' });
    expect(publicationTime({}, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_missing' });
    expect(publicationTime({ pubDate: 'Mon, 01 Jan 1900 00:00:00 GMT' }, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_too_old' });
    expect(publicationTime({ isoDate: '2026-05-31' }, NOW)).toEqual({ ts: Date.UTC(2026, 4, 31), precision: 'date' });
    expect(publicationTime({ pubDate: 'Seg, 24 Set 2018 19:42:40 -0300' }, NOW).ts).toBe(Date.UTC(2018, 8, 24, 22, 42, 40));
    const r = normalizeItem({ guid: 'g', title: 't', pubDate: 'Fri, 01 Jan 2100 00:00:00 GMT' }, feed, NOW);
    expect(r).toMatchObject({ ok: true, notes: ['date_future'], article: { published_at: new Date(NOW).toISOString(), fetched_at: new Date(NOW).toISOString() } });
  });

  it('identifies an item by guid, else link, else title and source, and drops one with none', () => {
    const byGuid = normalizeItem({ guid: 'g1', title: 'a', link: 'https://x.example/1' }, feed, NOW);
    const byLink = normalizeItem({ title: 'a', link: 'https://x.example/1?utm_source=rss' }, feed, NOW);
    const byLinkHttp = normalizeItem({ title: 'b', link: 'http://www.x.example/1' }, feed, NOW);
    const byTitle = normalizeItem({ title: 'A  headline' }, feed, NOW);
    expect(byGuid.ok && byLink.ok && byLinkHttp.ok && byTitle.ok).toBe(true);
    if (!byGuid.ok || !byLink.ok || !byLinkHttp.ok || !byTitle.ok) return;
    expect(byLink.article.id).toBe(byLinkHttp.article.id);
    expect(byLink.notes).toEqual(['no_guid', 'date_missing']);
    expect(byTitle.notes).toEqual(['no_guid_link', 'date_missing']);
    expect(byTitle.article.id).toBe((normalizeItem({ title: 'a headline' }, feed, NOW) as { article: { id: string } }).article.id);
    expect(normalizeItem({ summary: 'only a summary' }, feed, NOW)).toEqual({ ok: false, reason: 'no_identity' });
    expect(normalizeItem({ guid: 'g' }, feed, NOW)).toEqual({ ok: false, reason: 'empty_item' });
  });

  it('uses an Atom id as the guid and ignores fields that are not strings', () => {
    const atom = normalizeItem({ id: 'urn:x:1', title: 't' }, feed, NOW);
    const rss = normalizeItem({ guid: 'urn:x:1', title: 'other' }, feed, NOW);
    expect(atom.ok && rss.ok && atom.article.id === rss.article.id).toBe(true);
    const odd = normalizeItem({ guid: { x: ['1'] }, title: { _: 'x' }, link: 'https://x.example/2', summary: 'text' }, feed, NOW);
    expect(odd).toMatchObject({ ok: true, notes: ['no_guid', 'date_missing'], article: { title: 'text', url: 'https://x.example/2' } });
  });

  it('bounds giant titles and summaries and produces valid news.raw events', () => {
    const r = normalizeItem({ guid: 'g', title: 'x'.repeat(100_000), summary: '<p>' + 'word '.repeat(100_000) + '</p>', link: 'javascript:alert(1)' }, feed, NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.article.title.length).toBe(1000);
    expect(r.article.summary.length).toBeLessThanOrEqual(4000);
    expect(r.article.url).toBeNull();
    expect(newsRawV1.safeParse(r.article).success).toBe(true);
  });
});
