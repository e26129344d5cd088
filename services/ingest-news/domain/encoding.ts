/**
 * Turns feed bytes into text. Sources of truth, strongest first: a byte-order mark, the bytes
 * themselves (valid multi-byte UTF-8 is almost never an accident), the HTTP charset, the XML
 * declaration. Servers and publishers often lie about the charset; the bytes do not.
 */

export interface DecodedFeed {
  text: string;
  /** WHATWG name of the encoding used (`utf-8`, `windows-1252`, `utf-16le`...). */
  encoding: string;
  /** How it was chosen: bom, header, declaration, sniffed, default or fallback. */
  source: 'bom' | 'header' | 'declaration' | 'sniffed' | 'default' | 'fallback';
  /** Disagreements worth counting (`charset_mismatch`, `invalid_utf8_fallback`, `unknown_charset`). */
  notes: string[];
}

/** charset parameter of a Content-Type header, lower-cased, without quotes. */
export function headerCharset(contentType: string | undefined | null): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return m ? m[2].toLowerCase() : undefined;
}

/** `encoding` of the XML declaration, read from the first bytes as ASCII. */
export function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = asciiHead(bytes, 512);
  const m = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*(["'])([A-Za-z0-9._:-]+)\1/.exec(head);
  return m ? m[2].toLowerCase() : undefined;
}

function asciiHead(bytes: Uint8Array, n: number): string {
  let s = '';
  const end = Math.min(bytes.length, n);
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function bomEncoding(b: Uint8Array): { encoding: string; length: number } | undefined {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** `<?` or `<r` as UTF-16 without a BOM (XML spec, appendix F). */
function sniffUtf16(b: Uint8Array): string | undefined {
  if (b.length < 4) return undefined;
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] !== 0x00 && b[3] === 0x00) return 'utf-16le';
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] !== 0x00) return 'utf-16be';
  return undefined;
}

/** Canonical WHATWG name for a label, or undefined when the platform has no decoder for it. */
export function normalizeLabel(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] > 0x7f) return false;
  return true;
}

const looseUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function tryUtf8(b: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(b);
  } catch {
    return undefined;
  }
}

const SINGLE_BYTE_FALLBACK = 'windows-1252';

/** windows-1252 at 0x80-0x9F (WHATWG); the five unassigned bytes keep their C1 code points. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Code point of a windows-1252 byte (or of a C1 code point a publisher meant as one). */
export function cp1252(code: number): number {
  return code >= 0x80 && code <= 0x9f ? CP1252_HIGH[code - 0x80] : code;
}

const C1 = /[\u0080-\u009f]/g;

/**
 * Node's decoder for the windows-1252 label (and so for iso-8859-1 and us-ascii, which WHATWG
 * maps to it) yields Latin-1, leaving 0x80-0x9F as C1 controls: curly quotes and the euro sign
 * would vanish. Those bytes are mapped here.
 */
function decodeWith(encoding: string, bytes: Uint8Array): string {
  const text = new TextDecoder(encoding).decode(bytes);
  return encoding === 'windows-1252' ? text.replace(C1, (c) => String.fromCharCode(cp1252(c.charCodeAt(0)))) : text;
}

export function decodeFeed(bytes: Uint8Array, contentType?: string | null): DecodedFeed {
  const notes: string[] = [];
  const bom = bomEncoding(bytes);
  if (bom) {
    return { text: new TextDecoder(bom.encoding, { ignoreBOM: true }).decode(bytes.subarray(bom.length)), encoding: bom.encoding, source: 'bom', notes };
  }
  const utf16 = sniffUtf16(bytes);
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16, source: 'sniffed', notes };

  const fromHeader = headerCharset(contentType);
  const fromDecl = declaredEncoding(bytes);
  const headerEnc = fromHeader ? normalizeLabel(fromHeader) : undefined;
  const declEnc = fromDecl ? normalizeLabel(fromDecl) : undefined;
  if (fromHeader && !headerEnc) notes.push('unknown_charset');
  if (fromDecl && !declEnc) notes.push('unknown_charset');
  if (headerEnc && declEnc && headerEnc !== declEnc) notes.push('charset_mismatch');
  // The HTTP charset outranks the declaration (RFC 7303), except a UTF-16 label on bytes that are not UTF-16, which is plainly wrong.
  const declared = [headerEnc, declEnc].find((e) => e !== undefined && !e.startsWith('utf-16'));
  const declaredSource = declared === undefined ? undefined : declared === headerEnc ? 'header' : 'declaration';

  if (isAscii(bytes)) {
    // Every ASCII-compatible encoding reads ASCII alike.
    return { text: looseUtf8.decode(bytes), encoding: declared ?? 'utf-8', source: declaredSource ?? 'default', notes };
  }
  const utf8 = tryUtf8(bytes);
  if (declared === undefined || declared === 'utf-8') {
    if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8', source: declaredSource ?? 'default', notes };
    notes.push('invalid_utf8_fallback');
    return { text: decodeWith(SINGLE_BYTE_FALLBACK, bytes), encoding: SINGLE_BYTE_FALLBACK, source: 'fallback', notes };
  }
  if (utf8 !== undefined && isSingleByte(declared)) {
    // A Latin-1 label on valid multi-byte UTF-8 would turn "é" into "Ã©".
    notes.push('charset_mismatch');
    return { text: utf8, encoding: 'utf-8', source: 'sniffed', notes };
  }
  return { text: decodeWith(declared, bytes), encoding: declared, source: declaredSource!, notes };
}

/** Every single-byte encoding the WHATWG names (Thai windows-874 and Hebrew iso-8859-8-i too). */
function isSingleByte(encoding: string): boolean {
  return /^(windows-125\d|windows-874|iso-8859-\d+|iso-8859-8-i|koi8-[ru]|ibm866|macintosh|x-mac-cyrillic)$/.test(encoding);
}

/**
 * The text is already decoded: the XML parser must not act on an `encoding` it finds in the
 * declaration, so it is rewritten to UTF-8 (and a leading BOM character is dropped).
 */
export function rewriteDeclaration(text: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.replace(/^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');
}
