import { describe, expect, it } from 'vitest';
import { declaredEncoding, decodeFeed, headerCharset, rewriteDeclaration } from '../../../../../services/ingest-news/domain/encoding.ts';

const latin1 = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const TEXT = 'Café à Doha — “talks”';

describe('feed decoding', () => {
  it('reads the charset of a Content-Type and the encoding of an XML declaration', () => {
    expect(headerCharset('application/rss+xml; charset="ISO-8859-1"')).toBe('iso-8859-1');
    expect(headerCharset('text/xml')).toBeUndefined();
    expect(declaredEncoding(utf8(`<?xml version="1.0" encoding='Windows-1252'?><rss/>`))).toBe('windows-1252');
    expect(declaredEncoding(utf8('<rss/>'))).toBeUndefined();
  });

  it('decodes UTF-8 without any declaration', () => {
    const d = decodeFeed(utf8(`<rss><t>${TEXT}</t></rss>`));
    expect(d).toMatchObject({ encoding: 'utf-8', notes: [] });
    expect(d.text).toContain(TEXT);
  });

  it('decodes a Latin-1 feed without declaration through the windows-1252 fallback', () => {
    const d = decodeFeed(latin1('<rss><t>Not\u00edcias de S\u00e3o Paulo</t></rss>'));
    expect(d.encoding).toBe('windows-1252');
    expect(d.source).toBe('fallback');
    expect(d.notes).toEqual(['invalid_utf8_fallback']);
    expect(d.text).toContain('Notícias de São Paulo');
  });

  it('decodes windows-1252 bytes 0x80-0x9F as curly quotes and the euro sign', () => {
    const bytes = Uint8Array.from([...utf8('<?xml version="1.0" encoding="windows-1252"?><t>'), 0x93, 0x80, 0x35, 0x94, ...utf8('</t>')]);
    expect(decodeFeed(bytes).text).toContain('“€5”');
  });

  it('honours ISO-8859-1 from the declaration or the header', () => {
    const body = latin1('<?xml version="1.0" encoding="ISO-8859-1"?><t>caf\u00e9</t>');
    expect(decodeFeed(body)).toMatchObject({ encoding: 'windows-1252', source: 'declaration' });
    expect(decodeFeed(latin1('<t>caf\u00e9</t>'), 'text/xml; charset=iso-8859-1')).toMatchObject({ encoding: 'windows-1252', source: 'header' });
    expect(decodeFeed(body).text).toContain('café');
  });

  it('trusts valid multi-byte UTF-8 over a Latin-1 label (a common server misconfiguration)', () => {
    const d = decodeFeed(utf8(`<?xml version="1.0" encoding="ISO-8859-1"?><t>${TEXT}</t>`), 'text/xml; charset=ISO-8859-1');
    expect(d.encoding).toBe('utf-8');
    expect(d.notes).toContain('charset_mismatch');
    expect(d.text).toContain(TEXT);
  });

  it('falls back to windows-1252 when a UTF-8 label meets invalid bytes', () => {
    const d = decodeFeed(latin1('<?xml version="1.0" encoding="utf-8"?><t>caf\u00e9</t>'), 'application/xml; charset=utf-8');
    expect(d).toMatchObject({ encoding: 'windows-1252', notes: ['invalid_utf8_fallback'] });
    expect(d.text).toContain('café');
  });

  it('decodes UTF-16 with a BOM (LE and BE) and without one', () => {
    const xml = `<?xml version="1.0" encoding="UTF-16"?><rss><t>${TEXT}</t></rss>`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    expect(decodeFeed(le)).toMatchObject({ encoding: 'utf-16le', source: 'bom' });
    expect(decodeFeed(le).text).toContain(TEXT);
    expect(decodeFeed(be)).toMatchObject({ encoding: 'utf-16be', source: 'bom' });
    expect(decodeFeed(be).text).toContain(TEXT);
    const bare = Buffer.from(xml, 'utf16le');
    expect(decodeFeed(bare)).toMatchObject({ encoding: 'utf-16le', source: 'sniffed' });
  });

  it('drops a UTF-8 BOM and ignores an unknown charset label', () => {
    const d = decodeFeed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<t>é</t>')]), 'text/xml; charset=x-bogus');
    expect(d).toMatchObject({ encoding: 'utf-8', source: 'bom' });
    expect(d.text).toBe('<t>é</t>');
    expect(decodeFeed(utf8('<t>é</t>'), 'text/xml; charset=x-bogus').notes).toContain('unknown_charset');
  });

  it('rewrites the declaration to UTF-8 so the parser does not decode again', () => {
    expect(rewriteDeclaration(`\ufeff<?xml version="1.0" encoding="ISO-8859-1"?><rss/>`)).toBe('<?xml version="1.0" encoding="UTF-8"?><rss/>');
    expect(rewriteDeclaration('<?xml version="1.0"?><rss/>')).toBe('<?xml version="1.0"?><rss/>');
  });
});
