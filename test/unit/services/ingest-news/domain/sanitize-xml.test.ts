import { describe, expect, it } from 'vitest';
import { sanitizeFeedXml } from '../../../../../services/ingest-news/domain/sanitize-xml.ts';
import { RssParserFeedParser } from '../../../../../services/ingest-news/adapters/rss-parser-feed-parser.ts';

const limits = { maxItemBytes: 10_000, maxDepth: 32 };
const rss = (items: string, prolog = '') => `<?xml version="1.0" encoding="UTF-8"?>${prolog}<rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
const item = (guid: string, title: string, extra = '') => `<item><guid>${guid}</guid><title>${title}</title>${extra}</item>`;
const parser = new RssParserFeedParser();

describe('feed XML sanitizing', () => {
  it('passes a clean feed through unchanged apart from comments', async () => {
    const xml = rss(item('1', 'Oil &amp; gas') + '<!-- hi -->' + item('2', '<![CDATA[a & b < c]]>'));
    const out = sanitizeFeedXml(xml, limits);
    expect(out.repairs).toEqual({});
    expect(out.dropped).toEqual({});
    expect(out.xml).toBe(xml.replace('<!-- hi -->', ''));
    const feed = await parser.parse(out.xml);
    expect(feed.items.map((i) => i.title)).toEqual(['Oil & gas', 'a & b < c']);
  });

  it('removes a billion-laughs DOCTYPE and the references to its entities; the feed still parses', async () => {
    const bomb = `<!DOCTYPE rss [
      <!ENTITY lol "lol">
      <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
      <!ENTITY ext SYSTEM "file:///etc/passwd">
    ]>`;
    const out = sanitizeFeedXml(rss(item('1', 'A &lol2; B') + item('2', 'fine &ext;'), bomb), limits);
    expect(out.xml).not.toMatch(/DOCTYPE|ENTITY/);
    expect(out.repairs).toMatchObject({ doctype_removed: 1, entity_declarations: 4, entity_reference_removed: 2 });
    const feed = await parser.parse(out.xml);
    expect(feed.items.map((i) => i.title)).toEqual(['A  B', 'fine ']);
  });

  it('turns HTML entities, bare ampersands, stray < and bad character references into valid XML', async () => {
    const out = sanitizeFeedXml(rss(item('1', 'Caf&eacute; &rsquo;AT&T&rsquo; &#146;s &#0; 3 < 4 &bogus;')), limits);
    expect(out.repairs).toMatchObject({ html_entity: 3, bare_ampersand: 1, stray_lt: 1, invalid_char_ref: 1, unknown_entity: 1 });
    const feed = await parser.parse(out.xml);
    expect(feed.items[0].title).toBe('Café ’AT&T’ ’s  3 < 4 &bogus;');
  });

  it('cuts out an item nested too deep and keeps the others', async () => {
    const deep = '<div>'.repeat(20_000) + 'x' + '</div>'.repeat(20_000);
    const out = sanitizeFeedXml(rss(item('1', 'before') + item('2', 'deep', `<description>${deep}</description>`) + item('3', 'after')), limits);
    expect(out.dropped).toEqual({ item_too_deep: 1 });
    const feed = await parser.parse(out.xml);
    expect(feed.items.map((i) => i.guid)).toEqual(['1', '3']);
  });

  it('refuses a document nested too deep outside any item', () => {
    const xml = rss('<x>'.repeat(100) + '</x>'.repeat(100));
    expect(() => sanitizeFeedXml(xml, limits)).toThrow(expect.objectContaining({ code: 'FEED_PARSE_FAILED', details: { reason: 'too_deep' } }));
  });

  it('cuts out a giant item and keeps the others', async () => {
    const giant = item('2', 'giant', `<description>${'x'.repeat(20_000)}</description>`);
    const out = sanitizeFeedXml(rss(item('1', 'a') + giant + item('3', 'b')), limits);
    expect(out.dropped).toEqual({ item_too_large: 1 });
    expect((await parser.parse(out.xml)).items.map((i) => i.guid)).toEqual(['1', '3']);
  });

  it('does not mistake </item> inside CDATA or attributes for the end of an item', async () => {
    const tricky = item('1', '<![CDATA[</item><item>]]>', '<link href="a>b"/>');
    const out = sanitizeFeedXml(rss(tricky + item('2', 'x')), limits);
    expect((await parser.parse(out.xml)).items.map((i) => i.guid)).toEqual(['1', '2']);
  });

  it('handles Atom entries the same way', async () => {
    const deep = '<div>'.repeat(100) + '</div>'.repeat(100);
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>a</id><title>A</title></entry><entry><id>b</id><title>B</title><content type="xhtml">${deep}</content></entry></feed>`;
    const out = sanitizeFeedXml(atom, limits);
    expect(out.dropped).toEqual({ item_too_deep: 1 });
    expect((await parser.parse(out.xml)).items.map((i) => (i as { id?: string }).id)).toEqual(['a']);
  });
});
