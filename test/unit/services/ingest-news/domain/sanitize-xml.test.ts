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

describe('feed XML sanitizing: the exact repairs', () => {
  const lim = { maxItemBytes: 1000, maxDepth: 3 };
  const run = (xml: string, l: Parameters<typeof sanitizeFeedXml>[1] = lim) => sanitizeFeedXml(xml, l);

  it('writes numeric references in decimal, maps Windows code points, and drops what XML cannot hold', () => {
    const refs = ['&#65;', '&#x41;', '&#X4a;', '&#146;', '&#x92;', '&#9;', '&#10;', '&#13;', '&#32;', '&#xD7FF;', '&#xE000;', '&#xFFFD;', '&#x10000;', '&#x10FFFF;'];
    expect(run(`<t>${refs.join(' ')}</t>`)).toEqual({
      xml: '<t>&#65; &#65; &#74; &#8217; &#8217; &#9; &#10; &#13; &#32; &#55295; &#57344; &#65533; &#65536; &#1114111;</t>',
      dropped: {},
      repairs: {},
    });
    const bad = ['&#0;', '&#8;', '&#11;', '&#x1F;', '&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#xFFFF;', '&#x110000;'];
    expect(run(`<t>${bad.join('|')}</t>`)).toEqual({ xml: '<t>||||||||</t>', dropped: {}, repairs: { invalid_char_ref: 9 } });
    // Too many digits is no reference: the ampersand is bare.
    expect(run('<t>&#123456789;</t>')).toEqual({ xml: '<t>&amp;#123456789;</t>', dropped: {}, repairs: { bare_ampersand: 1 } });
  });

  it('keeps the five XML entities, on the fast path and among repairs', () => {
    const ok = '<t>&amp; &lt; &gt; &quot; &apos;</t>';
    expect(run(ok)).toEqual({ xml: ok, dropped: {}, repairs: {} });
    expect(run('<t>&amp; &lt; & &gt; &quot; &apos;</t>')).toEqual({ xml: '<t>&amp; &lt; &amp; &gt; &quot; &apos;</t>', dropped: {}, repairs: { bare_ampersand: 1 } });
  });

  it('writes HTML entities as references to every code point they stand for, and escapes unknown names', () => {
    expect(run('<t>&eacute;&NotEqualTilde;&bogus;&a.b-c_1;</t>')).toEqual({
      xml: '<t>&#233;&#8770;&#824;&amp;bogus;&amp;a.b-c_1;</t>',
      dropped: {},
      repairs: { html_entity: 2, unknown_entity: 2 },
    });
    const long = `a${'b'.repeat(63)}`;
    expect(run(`<t>&${long};</t>`).xml).toBe(`<t>&amp;${long};</t>`);
    expect(run(`<t>&${long}b;</t>`)).toEqual({ xml: `<t>&amp;${long}b;</t>`, dropped: {}, repairs: { bare_ampersand: 1 } });
    // A name must start with a letter; an entity without its semicolon is bare text.
    expect(run('<t>&1a; &eacute</t>')).toEqual({ xml: '<t>&amp;1a; &amp;eacute</t>', dropped: {}, repairs: { bare_ampersand: 2 } });
  });

  it('repairs ampersands inside tags too, and leaves tags without one as they are', () => {
    expect(run('<a href="x?a=1&b=2" t=\'&eacute;\'>y</a>')).toEqual({ xml: '<a href="x?a=1&amp;b=2" t=\'&#233;\'>y</a>', dropped: {}, repairs: { bare_ampersand: 1, html_entity: 1 } });
    expect(run('<a href="x>y">z</a>').xml).toBe('<a href="x>y">z</a>');
  });

  it('passes CDATA and processing instructions through, drops comments, to the end when unterminated', () => {
    expect(run('<t><![CDATA[a & <b>]]>&x;</t>')).toEqual({ xml: '<t><![CDATA[a & <b>]]>&amp;x;</t>', dropped: {}, repairs: { unknown_entity: 1 } });
    expect(run('<t><![CDATA[open & <b>').xml).toBe('<t><![CDATA[open & <b>');
    expect(run('<t><!-- a <b> -->c</t>').xml).toBe('<t>c</t>');
    expect(run('<t><!-- open <b>').xml).toBe('<t>');
    expect(run('<?pi a <b> ?><t/>').xml).toBe('<?pi a <b> ?><t/>');
    expect(run('<t/><?pi open <b>').xml).toBe('<t/><?pi open <b>');
    expect(run('<t><![CDATA[]]></t>').xml).toBe('<t><![CDATA[]]></t>');
  });

  it('removes DOCTYPE with quoted > and nested brackets, ENTITY and parameter-entity declarations, counting each', () => {
    const doctype = `<!DOCTYPE rss [ <!ENTITY a "x>y"> <!ENTITY % pe 'p]>'> <!ELEMENT e [x]> ]>`;
    expect(run(`${doctype}<t>&a;&pe;&b;</t>`)).toEqual({
      xml: '<t>&amp;b;</t>',
      dropped: {},
      repairs: { doctype_removed: 1, entity_declarations: 2, entity_reference_removed: 2, unknown_entity: 1 },
    });
    expect(run('<t/><!ENTITY  z "1"><!ELEMENT q ANY><u>&z;</u>')).toEqual({ xml: '<t/><u></u>', dropped: {}, repairs: { entity_declarations: 1, entity_reference_removed: 1 } });
    expect(run('<!doctype html><t/>')).toEqual({ xml: '<t/>', dropped: {}, repairs: { doctype_removed: 1 } });
    expect(run('<t/><!DOCTYPE x [ <!ENTITY q "]"> ').xml).toBe('<t/>');
  });

  it('escapes every < that opens no tag', () => {
    expect(run('<t>a < b <1 </ c <</t>')).toEqual({ xml: '<t>a &lt; b &lt;1 &lt;/ c &lt;</t>', dropped: {}, repairs: { stray_lt: 4 } });
    expect(run('<t>x <a b</t>')).toEqual({ xml: '<t>x &lt;a b</t>', dropped: {}, repairs: { stray_lt: 1 } });
    expect(run('<t>x <a b')).toEqual({ xml: '<t>x &lt;a b', dropped: {}, repairs: { stray_lt: 1 } });
    expect(run('<t>x<')).toEqual({ xml: '<t>x&lt;', dropped: {}, repairs: { stray_lt: 1 } });
    expect(run('<_a/><:b/><é/>').repairs).toEqual({});
  });

  it('rewrites the declared encoding to UTF-8', () => {
    expect(run('<?xml version="1.0" encoding="ISO-8859-1"?><t/>').xml).toBe('<?xml version="1.0" encoding="UTF-8"?><t/>');
  });
});

describe('feed XML sanitizing: item limits at their edges', () => {
  const wrap = (items: string) => `<rss><channel>${items}</channel></rss>`;
  const nested = (n: number) => `${'<d>'.repeat(n)}${'</d>'.repeat(n)}`;

  it('keeps an item nested exactly maxDepth below itself and cuts one nested deeper, counting in the item only', () => {
    const l = { maxItemBytes: 10_000, maxDepth: 3 };
    expect(sanitizeFeedXml(wrap(`<item>${nested(3)}</item>`), l)).toEqual({ xml: wrap(`<item>${nested(3)}</item>`), dropped: {}, repairs: {} });
    expect(sanitizeFeedXml(wrap(`<item>${nested(4)}</item><item>b</item>`), l)).toEqual({ xml: wrap('<item>b</item>'), dropped: { item_too_deep: 1 }, repairs: {} });
  });

  it('refuses nesting past maxDepth outside any item, and not at maxDepth', () => {
    expect(sanitizeFeedXml('<a><b><c></c></b></a>', { maxItemBytes: 100, maxDepth: 3 }).xml).toBe('<a><b><c></c></b></a>');
    expect(() => sanitizeFeedXml('<a><b><c><d></d></c></b></a>', { maxItemBytes: 100, maxDepth: 3 })).toThrow('feed nests elements deeper than 3 outside any item');
    // Extra end tags do not buy depth.
    expect(() => sanitizeFeedXml('</x></x><a><b><c><d>', { maxItemBytes: 100, maxDepth: 3 })).toThrow(/deeper than 3/);
  });

  it('keeps an item of exactly maxItemBytes and cuts one byte more', () => {
    const body = (n: number) => `<item>${'x'.repeat(n - 13)}</item>`;
    expect(body(40)).toHaveLength(40);
    expect(sanitizeFeedXml(wrap(body(40)), { maxItemBytes: 40, maxDepth: 5 })).toMatchObject({ xml: wrap(body(40)), dropped: {} });
    expect(sanitizeFeedXml(wrap(body(41) + body(40)), { maxItemBytes: 40, maxDepth: 5 })).toMatchObject({ xml: wrap(body(40)), dropped: { item_too_large: 1 } });
  });

  it('keeps maxItems items and cuts the later ones; cut items do not count', () => {
    const l = { maxItemBytes: 30, maxDepth: 5, maxItems: 2 };
    const big = `<item>${'x'.repeat(40)}</item>`;
    const out = sanitizeFeedXml(wrap(`<item>1</item>${big}<item>2</item><item>3</item><item>4</item>`), l);
    expect(out).toEqual({ xml: wrap('<item>1</item><item>2</item>'), dropped: { item_too_large: 1, over_item_limit: 2 }, repairs: {} });
    expect(sanitizeFeedXml(wrap('<item>1</item><item>2</item>'), { maxItemBytes: 30, maxDepth: 5, maxItems: 0 })).toMatchObject({ xml: wrap(''), dropped: { over_item_limit: 2 } });
  });

  it('knows items by local name in any case, ignores self-closing ones, and ends an item only at its own depth', () => {
    const l = { maxItemBytes: 10_000, maxDepth: 2 };
    expect(sanitizeFeedXml(wrap(`<atom:ENTRY x="1">${nested(3)}</atom:ENTRY><Item>k</Item>`), l)).toMatchObject({ xml: wrap('<Item>k</Item>'), dropped: { item_too_deep: 1 } });
    expect(sanitizeFeedXml(wrap('<item/><item>k</item>'), l)).toMatchObject({ xml: wrap('<item/><item>k</item>'), dropped: {} });
    // The inner </item> is not the outer item's end: the whole outer item is judged, and it is too deep.
    expect(sanitizeFeedXml(wrap(`<item><item></item>${nested(3)}</item><item>k</item>`), l)).toMatchObject({ xml: wrap('<item>k</item>'), dropped: { item_too_deep: 1 } });
    expect(sanitizeFeedXml(wrap('<item\tx="1"><itemx>a</itemx></item>'), l)).toMatchObject({ dropped: {} });
  });

  it('cuts an item left open at the end only when it is too large or too deep', () => {
    expect(sanitizeFeedXml('<rss><item>open', { maxItemBytes: 100, maxDepth: 3 })).toEqual({ xml: '<rss><item>open', dropped: {}, repairs: {} });
    expect(sanitizeFeedXml(`<rss><item>${'x'.repeat(100)}`, { maxItemBytes: 100, maxDepth: 3 })).toEqual({ xml: '<rss>', dropped: { item_too_large: 1 }, repairs: {} });
    expect(sanitizeFeedXml(`<rss><item>${'x'.repeat(89)}`, { maxItemBytes: 100, maxDepth: 3 }).dropped).toEqual({});
    expect(sanitizeFeedXml(`<rss><item>${'<d>'.repeat(4)}`, { maxItemBytes: 100, maxDepth: 3 })).toEqual({ xml: '<rss>', dropped: { item_too_deep: 1 }, repairs: {} });
    expect(sanitizeFeedXml(`<rss><item>${'<d>'.repeat(3)}`, { maxItemBytes: 100, maxDepth: 3 }).dropped).toEqual({});
  });
});

describe('feed XML sanitizing: what each scanner step keeps apart', () => {
  const wrap = (items: string) => `<rss><channel>${items}</channel></rss>`;
  const nested = (n: number) => `${'<d>'.repeat(n)}${'</d>'.repeat(n)}`;

  it('reads a quoted ">" as part of an attribute: a self-closing element with one adds no depth', () => {
    const l = { maxItemBytes: 1000, maxDepth: 0 };
    for (const link of ['<link href="a>b"/>', "<link href='a>b'/>"]) {
      const xml = `<item>${link}</item><item>k</item>`;
      expect(sanitizeFeedXml(xml, l), link).toEqual({ xml, dropped: {}, repairs: {} });
    }
  });

  it('takes self-closing elements as no nesting, inside an item or outside', () => {
    expect(sanitizeFeedXml('<item/><item>k</item>', { maxItemBytes: 1000, maxDepth: 0 })).toEqual({ xml: '<item/><item>k</item>', dropped: {}, repairs: {} });
    expect(sanitizeFeedXml('<a/><a/><a/><a/>', { maxItemBytes: 100, maxDepth: 1 }).xml).toBe('<a/><a/><a/><a/>');
  });

  it('ends an element name at a line break, a carriage return or a slash, and after an empty prefix', () => {
    const l = { maxItemBytes: 10_000, maxDepth: 2 };
    for (const open of ['<item\nx="1">', '<item\rx="1">', '<item/ x="1">', '<:item>']) {
      const close = open === '<:item>' ? '</:item>' : '</item>';
      expect(sanitizeFeedXml(wrap(`${open}${nested(3)}${close}<item>k</item>`), l), JSON.stringify(open)).toMatchObject({ xml: wrap('<item>k</item>'), dropped: { item_too_deep: 1 } });
    }
  });

  it('finds the end of a CDATA section, a comment and a processing instruction after its own start, not in the text before it', () => {
    const lim = { maxItemBytes: 1000, maxDepth: 3 };
    expect(sanitizeFeedXml('<t>]]><![CDATA[x]]></t>', lim).xml).toBe('<t>]]><![CDATA[x]]></t>');
    expect(sanitizeFeedXml('<t>--><!-- c -->x</t>', lim).xml).toBe('<t>-->x</t>');
    expect(sanitizeFeedXml('<t>?><?pi a?></t>', lim).xml).toBe('<t>?><?pi a?></t>');
    // A processing instruction is passed on whole: its "&" and "<" are not repaired as text would be.
    expect(sanitizeFeedXml('<?pi a & b < c?><t/>', lim)).toEqual({ xml: '<?pi a & b < c?><t/>', dropped: {}, repairs: {} });
  });

  it('escapes a "<" that opens no name even when a ">" follows', () => {
    expect(sanitizeFeedXml('<t>3 < 4 > 2</t>', { maxItemBytes: 1000, maxDepth: 3 })).toEqual({ xml: '<t>3 &lt; 4 > 2</t>', dropped: {}, repairs: { stray_lt: 1 } });
  });

  it('reads a parameter entity after any white space, and counts a DOCTYPE only where a declaration starts with one', () => {
    const lim = { maxItemBytes: 1000, maxDepth: 3 };
    expect(sanitizeFeedXml('<!DOCTYPE r [ <!ENTITY %  pe "x"> ]><t>&pe;</t>', lim)).toEqual({
      xml: '<t></t>',
      dropped: {},
      repairs: { doctype_removed: 1, entity_declarations: 1, entity_reference_removed: 1 },
    });
    expect(sanitizeFeedXml('<t/><!ENTITY q "<!DOCTYPE x">', lim).repairs).toEqual({ entity_declarations: 1 });
  });

  it('keeps an item left open at the end at exactly maxItemBytes, and names a too large one too large at exactly maxDepth', () => {
    const l = { maxItemBytes: 100, maxDepth: 3 };
    // "<item>" and 94 characters: 100 from the item's start to the end.
    expect(sanitizeFeedXml(`<rss><item>${'x'.repeat(94)}`, l).dropped).toEqual({});
    expect(sanitizeFeedXml(`<rss><item>${'x'.repeat(95)}`, l).dropped).toEqual({ item_too_large: 1 });
    expect(sanitizeFeedXml(`<rss><item>${'<d>'.repeat(3)}${'x'.repeat(100)}`, l)).toEqual({ xml: '<rss>', dropped: { item_too_large: 1 }, repairs: {} });
  });
});
