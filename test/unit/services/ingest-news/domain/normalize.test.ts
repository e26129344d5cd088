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

describe('item normalization: the edges of each rule', () => {
  it('keeps a date from 1990-01-01 and up to five minutes ahead, the latter as the fetch time', () => {
    expect(publicationTime({ isoDate: '1990-01-01T00:00:00Z' }, NOW)).toEqual({ ts: Date.UTC(1990, 0, 1), precision: 'time' });
    expect(publicationTime({ isoDate: '1989-12-31T23:59:59.999Z' }, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_too_old' });
    expect(publicationTime({ isoDate: new Date(NOW + 300_000).toISOString() }, NOW)).toEqual({ ts: NOW, precision: 'time' });
    expect(publicationTime({ isoDate: new Date(NOW + 300_001).toISOString() }, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_future' });
    expect(publicationTime({ isoDate: new Date(NOW - 1).toISOString() }, NOW)).toEqual({ ts: NOW - 1, precision: 'time' });
  });

  it('prefers isoDate to pubDate, reads numbers and trims, and takes blanks as missing', () => {
    expect(publicationTime({ isoDate: '2026-05-01T00:00:00Z', pubDate: 'Fri, 01 May 2026 10:00:00 GMT' }, NOW).ts).toBe(Date.UTC(2026, 4, 1));
    expect(publicationTime({ isoDate: 2026, pubDate: 'Fri, 01 May 2026 10:00:00 GMT' }, NOW)).toEqual({ ts: Date.UTC(2026, 0, 1), precision: 'time' });
    expect(publicationTime({ isoDate: { x: 1 }, pubDate: 'Fri, 01 May 2026 10:00:00 GMT' }, NOW).ts).toBe(Date.UTC(2026, 4, 1, 10));
    expect(publicationTime({ pubDate: '  2026-05-31  ' }, NOW)).toEqual({ ts: Date.UTC(2026, 4, 31), precision: 'date' });
    expect(publicationTime({ pubDate: '   ' }, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_missing' });
    expect(publicationTime({ pubDate: '' }, NOW)).toEqual({ ts: NOW, precision: 'time', note: 'date_missing' });
  });

  it('reads RFC 822 dates with localized month names, with or without weekday, seconds and zone', () => {
    const t = (pubDate: string) => publicationTime({ pubDate }, NOW).ts;
    expect(t('Seg, 24 Set 2018 19:42:40 -0300')).toBe(Date.UTC(2018, 8, 24, 22, 42, 40));
    expect(t('24 Dez 2018 19:42 +0000')).toBe(Date.UTC(2018, 11, 24, 19, 42));
    expect(t('Mo., 3 Mär. 2025 10:00:00 +0100')).toBe(Date.UTC(2025, 2, 3, 9));
    expect(t('lun., 5 janv. 2025 08:00:00')).toBe(Date.UTC(2025, 0, 5, 8));
    expect(t('5 févr 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 1, 5, 8));
    expect(t('5 août 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 7, 5, 8));
    expect(t('5 Juil 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 6, 5, 8));
    expect(t('5 Giu 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 5, 5, 8));
    expect(t('5 Ene 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 0, 5, 8));
    expect(t('5 Okt 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 9, 5, 8));
    // A longer name whose first three letters are a month (German "Dezember", "Oktober").
    expect(t('5 Dezember 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 11, 5, 8));
    expect(t('5 Oktober 2025 08:00:00 GMT')).toBe(Date.UTC(2025, 9, 5, 8));
    expect(publicationTime({ pubDate: '5 Xyz 2025 08:00:00 GMT' }, NOW).note).toBe('date_invalid');
    expect(publicationTime({ pubDate: '5 ÿÿ 2025 08:00:00 GMT' }, NOW).note).toBe('date_invalid');
    expect(publicationTime({ pubDate: '1 2 Set 2025 08:00:00 GMT' }, NOW).note).toBe('date_invalid');
    expect(publicationTime({ pubDate: '5 Set 2025 08:00:00 GMT trailing' }, NOW).note).toBe('date_invalid');
  });

  it('cuts plain text to its length without leaving half a surrogate pair, after dropping control characters', () => {
    expect(toPlainText('ab😀cd', 3)).toBe('ab');
    expect(toPlainText('ab😀cd', 4)).toBe('ab😀');
    expect(toPlainText('a\u0000b\u0008c\u000bd\u000ce\u001ff\u007fg\ufffeh\uffffi\tj\nk\rl', 100)).toBe('abcdefghi j k l');
    expect(toPlainText('<\u0000img src=x onerror=alert(1)>ok', 100)).toBe('ok');
    expect(toPlainText('  a \n\t b  ', 100)).toBe('a b');
    // A field 20 times the length is cut before parsing: markup past that point never counts.
    expect(toPlainText('a'.repeat(40) + '<b>x</b>', 2)).toBe('aa');
  });

  it('runs the parser on entities only in the first pass and drops whatever still opens a tag after three', () => {
    expect(toPlainText('AT&amp;T', 100)).toBe('AT&T');
    expect(toPlainText('AT&amp;amp;T', 100)).toBe('AT&amp;T');
    // Entities are decoded again only while the text still holds markup: what is left is text, not a tag.
    expect(toPlainText('&amp;lt;b&amp;gt;x', 100)).toBe('&lt;b&gt;x');
    expect(toPlainText('&lt;b&gt;x', 100)).toBe('x');
    expect(toPlainText('<i>&lt;i&gt;&amp;lt;b&amp;gt;x</i>', 100)).toBe('x');
    expect(toPlainText('&lt;&lt;b&gt;x', 100)).toBe('< x');
    expect(toPlainText('<p>&lt;p&gt;&amp;lt;p&amp;gt;&amp;amp;lt;b&amp;amp;gt;x', 100)).toBe('b>x');
  });

  it('notes markup in the title, written or escaped, and not a comparison', () => {
    const notes = (title: string) => (normalizeItem({ guid: 'g', title }, feed, NOW) as { notes: string[] }).notes;
    expect(notes('a <b>c</b>')).toContain('markup_stripped');
    expect(notes('a </b>')).toContain('markup_stripped');
    expect(notes('a <!-- x -->b')).toContain('markup_stripped');
    expect(notes('a &LT;b&gt; c')).toContain('markup_stripped');
    expect(notes('a &lt;/b&gt; c')).toContain('markup_stripped');
    expect(notes('a < b')).not.toContain('markup_stripped');
    expect(notes('a &lt; b')).not.toContain('markup_stripped');
  });

  it('takes the summary from the snippet, else the summary, else the content, and a title from the summary when it has none', () => {
    const summary = (item: object) => (normalizeItem({ guid: 'g', title: 't', ...item }, feed, NOW) as { article: { summary: string } }).article.summary;
    expect(summary({ contentSnippet: 's1', summary: 's2', content: 's3' })).toBe('s1');
    expect(summary({ summary: 's2', content: 's3' })).toBe('s2');
    expect(summary({ content: '<p>s3</p>' })).toBe('s3');
    expect(summary({})).toBe('');
    const r = normalizeItem({ guid: 'g', summary: 'w'.repeat(500) }, feed, NOW);
    expect(r.ok && r.article.title).toBe('w'.repeat(300));
  });

  it('keeps only http(s) links up to 4096 characters, trimmed', () => {
    const url = (link: unknown) => (normalizeItem({ guid: 'g', title: 't', link }, feed, NOW) as { article: { url: string | null } }).article.url;
    expect(url('  HTTPS://x.example/a  ')).toBe('HTTPS://x.example/a');
    expect(url('http://x.example/a')).toBe('http://x.example/a');
    expect(url('ftp://x.example/a')).toBeNull();
    expect(url('x https://x.example/a')).toBeNull();
    expect(url('   ')).toBeNull();
    const base = 'https://x.example/';
    expect(url(base + 'a'.repeat(4096 - base.length))).toHaveLength(4096);
    expect(url(base + 'a'.repeat(4097 - base.length))).toBeNull();
  });

  it('trims the guid and keeps 2000 characters of it, bounds source and tags, and stamps the fetch time', () => {
    const long = 'g'.repeat(2500);
    const a = normalizeItem({ guid: `  ${long}  `, title: 't' }, feed, NOW);
    const b = normalizeItem({ guid: long.slice(0, 2000), title: 'other' }, feed, NOW);
    expect(a.ok && b.ok && a.article.id === b.article.id).toBe(true);
    expect(a.ok && a.notes).toEqual(['date_missing']);
    const blank = normalizeItem({ guid: '   ', title: 't' }, feed, NOW);
    expect(blank.ok && blank.notes).toEqual(['no_guid_link', 'date_missing']);
    const big = normalizeItem({ guid: 'g', title: 't', isoDate: '2026-05-31' }, { name: 'n'.repeat(300), tags: Array.from({ length: 60 }, (_, i) => `t${i}`) }, NOW);
    expect(big).toMatchObject({
      ok: true,
      article: { schema: 'news.raw/v1', source: 'n'.repeat(200), published_at: '2026-05-31T00:00:00.000Z', published_precision: 'date', fetched_at: new Date(NOW).toISOString() },
    });
    expect(big.ok && big.article.tags).toEqual(Array.from({ length: 50 }, (_, i) => `t${i}`));
  });
});

describe('item normalization: each word list entry and each separator', () => {
  const NOW2 = Date.UTC(2026, 5, 1, 12);
  const ts = (pubDate: string) => publicationTime({ pubDate }, NOW2);

  it('reads every localized month name the table lists as its month', () => {
    const months: [string, number][] = [
      ['fev', 1], ['abr', 3], ['mai', 4], ['ago', 7], ['set', 8], ['out', 9], ['dez', 11],
      ['ene', 0], ['dic', 11], ['mrz', 2], ['mär', 2], ['okt', 9],
      ['févr', 1], ['fevr', 1], ['avr', 3], ['juin', 5], ['juil', 6], ['août', 7], ['aout', 7], ['déc', 11],
      ['gen', 0], ['mag', 4], ['giu', 5], ['lug', 6], ['ott', 9],
      // Read by Date.parse itself before the table is consulted.
      ['janv', 0], ['mars', 2], ['sept', 8],
    ];
    for (const [name, month] of months) {
      const title = name[0].toUpperCase() + name.slice(1);
      expect(ts(`5 ${title} 2025 08:00:00 GMT`), name).toEqual({ ts: Date.UTC(2025, month, 5, 8), precision: 'time' });
    }
  });

  it('takes any run of white space between the parts, a weekday without its comma, and a zone with or without a space', () => {
    expect(ts('Lun 5 Ene 2025 08:00:00 GMT').ts).toBe(Date.UTC(2025, 0, 5, 8));
    expect(ts('Seg,  24 Set 2018 19:42:40 -0300').ts).toBe(Date.UTC(2018, 8, 24, 22, 42, 40));
    expect(ts('5  Ene 2025 08:00:00 GMT').ts).toBe(Date.UTC(2025, 0, 5, 8));
    expect(ts('5 Ene  2025 08:00:00 GMT').ts).toBe(Date.UTC(2025, 0, 5, 8));
    expect(ts('5 Ene 2025  08:00:00 GMT').ts).toBe(Date.UTC(2025, 0, 5, 8));
    expect(ts('5 Ene 2025 08:00:00+0100').ts).toBe(Date.UTC(2025, 0, 5, 7));
    // No zone: UTC.
    expect(ts('5 Ene 2025 08:00')).toEqual({ ts: Date.UTC(2025, 0, 5, 8), precision: 'time' });
  });

  it('takes a number only when it is finite', () => {
    for (const isoDate of [NaN, Infinity, -Infinity]) {
      expect(publicationTime({ isoDate, pubDate: 'Fri, 01 May 2026 10:00:00 GMT' }, NOW2), String(isoDate)).toEqual({ ts: Date.UTC(2026, 4, 1, 10), precision: 'time' });
    }
    expect(normalizeItem({ guid: NaN, title: 't', link: 'https://x.example/n' }, feed, NOW2)).toMatchObject({ ok: true, notes: ['no_guid', 'date_missing'] });
  });

  it('drops the content of every element whose content is never text, and keeps what follows it', () => {
    for (const name of ['script', 'style', 'iframe', 'noscript', 'template', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext', 'svg', 'math', 'object']) {
      expect(toPlainText(`a<${name}>hidden</${name}>b`, 100), name).toBe('a b');
    }
    expect(toPlainText('a<span>shown</span>b', 100)).toBe('a shown b');
  });

  it('separates the words on either side of a closing tag', () => {
    expect(toPlainText('Brent<b>up</b>today', 100)).toBe('Brent up today');
    expect(toPlainText('<p>OPEC</p>cuts', 100)).toBe('OPEC cuts');
  });

  it('never reads past 20 times the length: a script the cut leaves open hides the rest', () => {
    const field = `<script>${'x'.repeat(40)}</script>ok`;
    expect(field.length).toBeGreaterThan(40);
    expect(toPlainText(field, 2)).toBe('');
    // The same field under a length that lets it all be read.
    expect(toPlainText(field, 3)).toBe('ok');
  });
});
