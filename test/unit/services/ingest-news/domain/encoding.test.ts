import { describe, expect, it } from 'vitest';
import { cp1252, declaredEncoding, decodeFeed, headerCharset, normalizeLabel, rewriteDeclaration } from '../../../../../services/ingest-news/domain/encoding.ts';

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

describe('feed decoding: each source of truth at its edges', () => {
  it('reads a charset parameter with or without quotes and spaces, and nothing half-quoted', () => {
    expect(headerCharset('text/xml;charset=UTF-8')).toBe('utf-8');
    expect(headerCharset('text/xml ;  Charset = KOI8-R ; q=1')).toBe('koi8-r');
    expect(headerCharset("text/xml; charset='x'")).toBe("'x'");
    expect(headerCharset('text/xml; charset="utf-8')).toBeUndefined();
    expect(headerCharset('text/xml charset=utf-8')).toBeUndefined();
    expect(headerCharset('text/xml; mycharset=utf-8')).toBeUndefined();
    expect(headerCharset(null)).toBeUndefined();
    expect(headerCharset('')).toBeUndefined();
  });

  it('reads the declaration only at the start, in the first 512 bytes, with either quote', () => {
    expect(declaredEncoding(utf8(`  \n<?xml version="1.0" encoding = 'KOI8-R' ?><rss/>`))).toBe('koi8-r');
    expect(declaredEncoding(utf8('<?xml encoding="x_y.z:1-2"?>'))).toBe('x_y.z:1-2');
    expect(declaredEncoding(utf8('<rss/><?xml version="1.0" encoding="koi8-r"?>'))).toBeUndefined();
    expect(declaredEncoding(utf8('<?xmlx version="1.0" encoding="koi8-r"?>'))).toBeUndefined();
    expect(declaredEncoding(utf8('<?xml version="1.0" myencoding="koi8-r"?>'))).toBeUndefined();
    expect(declaredEncoding(utf8('<?xml version="1.0" encoding="koi8-r\'?>'))).toBeUndefined();
    expect(declaredEncoding(utf8('<?xml version="1.0"?><t encoding="koi8-r"/>'))).toBeUndefined();
    // The closing quote as byte 512, then as byte 513.
    expect(declaredEncoding(utf8(`<?xml version="1.0"${' '.repeat(475)} encoding="koi8-r"?>`))).toBe('koi8-r');
    expect(declaredEncoding(utf8(`<?xml version="1.0"${' '.repeat(476)} encoding="koi8-r"?>`))).toBeUndefined();
  });

  it('maps windows-1252 0x80-0x9F and leaves every other code as it is', () => {
    expect(cp1252(0x80)).toBe(0x20ac);
    expect(cp1252(0x9f)).toBe(0x178);
    expect(cp1252(0x93)).toBe(0x201c);
    expect(cp1252(0x81)).toBe(0x81);
    expect(cp1252(0x7f)).toBe(0x7f);
    expect(cp1252(0xa0)).toBe(0xa0);
    expect(normalizeLabel('latin1')).toBe('windows-1252');
    expect(normalizeLabel('x-bogus')).toBeUndefined();
  });

  it('needs all three bytes of a UTF-8 BOM, and four bytes to sniff UTF-16', () => {
    const notBom = decodeFeed(Uint8Array.from([0xef, 0xbb, 0x41]));
    expect(notBom.source).not.toBe('bom');
    expect(decodeFeed(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ text: 'A', encoding: 'utf-8', source: 'bom', notes: [] });
    expect(decodeFeed(Uint8Array.from([0xff, 0xfe, 0x41, 0x00]))).toEqual({ text: 'A', encoding: 'utf-16le', source: 'bom', notes: [] });
    expect(decodeFeed(Uint8Array.from([0xfe, 0xff, 0x00, 0x41]))).toEqual({ text: 'A', encoding: 'utf-16be', source: 'bom', notes: [] });
    const be = Buffer.from('<rss/>', 'utf16le');
    be.swap16();
    expect(decodeFeed(be)).toEqual({ text: '<rss/>', encoding: 'utf-16be', source: 'sniffed', notes: [] });
    expect(decodeFeed(Uint8Array.from([0x3c, 0x00, 0x3f]))).toMatchObject({ encoding: 'utf-8', source: 'default' });
    // "<" then NUL then NUL is no UTF-16 text.
    expect(decodeFeed(Uint8Array.from([0x3c, 0x00, 0x00, 0x00])).source).not.toBe('sniffed');
    expect(decodeFeed(Uint8Array.from([0x00, 0x3c, 0x00, 0x00])).source).not.toBe('sniffed');
  });

  it('labels ASCII with what was declared, the header first, and UTF-16 labels never', () => {
    const ascii = utf8('<?xml version="1.0" encoding="koi8-r"?><t>x</t>');
    expect(decodeFeed(utf8('<t>x</t>'))).toEqual({ text: '<t>x</t>', encoding: 'utf-8', source: 'default', notes: [] });
    expect(decodeFeed(ascii)).toMatchObject({ encoding: 'koi8-r', source: 'declaration', notes: [] });
    expect(decodeFeed(ascii, 'text/xml; charset=windows-1251')).toMatchObject({ encoding: 'windows-1251', source: 'header', notes: ['charset_mismatch'] });
    expect(decodeFeed(ascii, 'text/xml; charset=utf-16')).toMatchObject({ encoding: 'koi8-r', source: 'declaration', notes: ['charset_mismatch'] });
    expect(decodeFeed(utf8('<t>x</t>'), 'text/xml; charset=utf-16')).toMatchObject({ encoding: 'utf-8', source: 'default' });
    expect(decodeFeed(ascii, 'text/xml; charset=KOI8-R')).toMatchObject({ encoding: 'koi8-r', source: 'header', notes: [] });
  });

  it('counts an unknown label once for each place it appears', () => {
    const bytes = utf8('<?xml version="1.0" encoding="x-nope"?><t>x</t>');
    expect(decodeFeed(bytes, 'text/xml; charset=x-bogus').notes).toEqual(['unknown_charset', 'unknown_charset']);
    expect(decodeFeed(bytes).notes).toEqual(['unknown_charset']);
  });

  it('decodes with a declared multi-byte or single-byte charset when UTF-8 does not fit or the charset is not single-byte', () => {
    // "Привет" in windows-1251: not valid UTF-8.
    const cp1251 = Uint8Array.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    expect(decodeFeed(cp1251, 'text/xml; charset=windows-1251')).toEqual({ text: 'Привет', encoding: 'windows-1251', source: 'header', notes: [] });
    // Valid UTF-8 under a single-byte label of each family is read as UTF-8.
    for (const label of ['windows-1250', 'iso-8859-15', 'koi8-u', 'ibm866', 'macintosh', 'x-mac-cyrillic']) {
      expect(decodeFeed(utf8('é'), `text/xml; charset=${label}`), label).toEqual({ text: 'é', encoding: 'utf-8', source: 'sniffed', notes: ['charset_mismatch'] });
    }
    // A multi-byte label is not second-guessed: "é" in UTF-8 is two Shift_JIS bytes.
    const sjis = decodeFeed(utf8('é'), 'text/xml; charset=shift_jis');
    expect(sjis).toMatchObject({ encoding: 'shift_jis', source: 'header', notes: [] });
    expect(sjis.text).not.toBe('é');
    expect(decodeFeed(utf8('é'), 'text/xml; charset=utf-8')).toEqual({ text: 'é', encoding: 'utf-8', source: 'header', notes: [] });
  });

  it('maps C1 bytes only under windows-1252', () => {
    const bytes = Uint8Array.from([0x93, 0x41, 0x94]);
    expect(decodeFeed(bytes).text).toBe('“A”');
    expect(decodeFeed(bytes, 'text/xml; charset=windows-1252').text).toBe('“A”');
    expect(decodeFeed(bytes, 'text/xml; charset=iso-8859-2').text).toBe('\u0093A\u0094');
  });

  it('rewrites a declaration with either quote, after white space, and leaves the rest alone', () => {
    expect(rewriteDeclaration(`  <?xml version='1.0' encoding = 'koi8-r'?><rss encoding="x"/>`)).toBe(`  <?xml version='1.0' encoding = 'UTF-8'?><rss encoding="x"/>`);
    expect(rewriteDeclaration('<rss/><?xml encoding="koi8-r"?>')).toBe('<rss/><?xml encoding="koi8-r"?>');
    expect(rewriteDeclaration('<?xml encoding=""?>')).toBe('<?xml encoding="UTF-8"?>');
    expect(rewriteDeclaration('x\ufeff')).toBe('x\ufeff');
  });
});

describe('feed decoding: what each byte test looks at', () => {
  it('takes a BOM only when every one of its bytes is there, at the start, and nothing but the first BOM', () => {
    // "a¿" in UTF-8 ends in 0xBF, as a UTF-8 BOM does; "A»¿" in windows-1252 carries 0xBB 0xBF.
    expect(decodeFeed(utf8('a¿'))).toEqual({ text: 'a¿', encoding: 'utf-8', source: 'default', notes: [] });
    expect(decodeFeed(Uint8Array.from([0x41, 0xbb, 0xbf]))).toEqual({ text: 'A»¿', encoding: 'windows-1252', source: 'fallback', notes: ['invalid_utf8_fallback'] });
    expect(decodeFeed(Uint8Array.from([0xef, 0x41, 0xbf])).source).toBe('fallback');
    // A BOM alone is a document with no text; the bytes after it are decoded as they are, a second BOM included.
    expect(decodeFeed(Uint8Array.from([0xef, 0xbb, 0xbf]))).toEqual({ text: '', encoding: 'utf-8', source: 'bom', notes: [] });
    expect(decodeFeed(Uint8Array.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x41])).text).toBe('\ufeffA');
    expect(decodeFeed(Uint8Array.from([0xff, 0xfe, 0xff, 0xfe, 0x41, 0x00])).text).toBe('\ufeffA');
    expect(decodeFeed(Uint8Array.from([0xff, 0xfe]))).toEqual({ text: '', encoding: 'utf-16le', source: 'bom', notes: [] });
    expect(decodeFeed(Uint8Array.from([0xfe, 0xff]))).toEqual({ text: '', encoding: 'utf-16be', source: 'bom', notes: [] });
    // Half a UTF-16 BOM, either byte, next to another byte: windows-1252 text, no BOM.
    for (const bytes of [[0x41, 0xfe], [0xff, 0x41], [0x41, 0xff], [0xfe, 0x41]]) {
      const d = decodeFeed(Uint8Array.from(bytes));
      expect(d, String(bytes)).toMatchObject({ encoding: 'windows-1252', source: 'fallback' });
      expect(d.text, String(bytes)).toHaveLength(2);
    }
  });

  it('sniffs UTF-16 only from "<" and a NUL in the right order, in four bytes or more', () => {
    expect(decodeFeed(Uint8Array.from([0x3c, 0x00, 0x3f, 0x00]))).toEqual({ text: '<?', encoding: 'utf-16le', source: 'sniffed', notes: [] });
    expect(decodeFeed(Uint8Array.from([0x00, 0x3c, 0x00, 0x3f]))).toEqual({ text: '<?', encoding: 'utf-16be', source: 'sniffed', notes: [] });
    // Three bytes are not enough, even where the fourth would be missing as a NUL.
    expect(decodeFeed(Uint8Array.from([0x00, 0x3c, 0x00]))).toEqual({ text: '\u0000<\u0000', encoding: 'utf-8', source: 'default', notes: [] });
    // NULs in ASCII text that does not start with "<" in UTF-16, or does not have the NULs where UTF-16 puts them.
    for (const bytes of [
      [0x41, 0x00, 0x41, 0x00],
      [0x41, 0x42, 0x43, 0x00],
      [0x3c, 0x41, 0x42, 0x00],
      [0x3c, 0x00, 0x41, 0x42],
      [0x00, 0x41, 0x00, 0x42],
      [0x41, 0x42, 0x00, 0x43],
      [0x00, 0x3c, 0x41, 0x42],
      [0x41, 0x3c, 0x00, 0x42],
    ]) {
      expect(decodeFeed(Uint8Array.from(bytes)), String(bytes)).toEqual({ text: String.fromCharCode(...bytes), encoding: 'utf-8', source: 'default', notes: [] });
    }
  });

  it('counts DEL (0x7F) as ASCII: a single-byte label on it is kept', () => {
    const d = decodeFeed(utf8('<?xml version="1.0" encoding="koi8-r"?><t>\u007f</t>'));
    expect(d).toEqual({ text: '<?xml version="1.0" encoding="koi8-r"?><t>\u007f</t>', encoding: 'koi8-r', source: 'declaration', notes: [] });
  });

  it('says the UTF-8 of a feed with no label was the default', () => {
    expect(decodeFeed(utf8('<t>é</t>'))).toEqual({ text: '<t>é</t>', encoding: 'utf-8', source: 'default', notes: [] });
  });

  it('reads valid UTF-8 as UTF-8 under every single-byte label, windows-874 and iso-8859-8-i included', () => {
    for (const label of ['windows-874', 'iso-8859-8-i', 'iso-8859-8', 'windows-1258', 'koi8-r']) {
      expect(decodeFeed(utf8('é'), `text/xml; charset=${label}`), label).toEqual({ text: 'é', encoding: 'utf-8', source: 'sniffed', notes: ['charset_mismatch'] });
    }
    // Bytes that are not UTF-8 under those labels are read with them.
    expect(decodeFeed(Uint8Array.from([0xa1]), 'text/xml; charset=windows-874').text).toBe('\u0e01');
    expect(decodeFeed(Uint8Array.from([0xe0]), 'text/xml; charset=iso-8859-8-i').text).toBe('\u05d0');
  });
});
