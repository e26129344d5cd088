/**
 * Makes decoded feed text safe and acceptable for the strict XML parser (xml2js over sax)
 * before it ever sees it, in one linear pass without recursion:
 *
 * - DOCTYPE and ENTITY declarations are removed. sax does not expand internal entities, so a
 *   "billion laughs" cannot blow up memory, but every reference to a declared entity is an
 *   error that fails the whole feed; the references are dropped instead.
 * - HTML named entities (`&eacute;`, `&rsquo;`), bare ampersands ("AT&T") and stray `<` are
 *   common in real feeds and fatal to a strict parser: they become character references.
 * - An item nested deeper than `maxDepth` (rss-parser recurses over the tree and overflows the
 *   stack) or bigger than `maxItemBytes` is cut out, so the rest of the feed still ingests.
 *   Nesting that deep outside any item refuses the feed.
 */
import { decodeHTMLStrict } from 'entities';
import { AppError } from '../../../shared/errors.ts';
import { cp1252, rewriteDeclaration } from './encoding.ts';

export interface SanitizeLimits {
  maxItemBytes: number;
  maxDepth: number;
  /**
   * Items kept; later ones are cut out here (`over_item_limit`), before the parser builds a
   * tree of them: a 200,000-item feed costs the parser no more than a 500-item one.
   */
  maxItems?: number;
}

export interface SanitizedXml {
  xml: string;
  /** Items cut out, by reason (`item_too_large`, `item_too_deep`). */
  dropped: Record<string, number>;
  /** Repairs made to the document, by kind (`doctype_removed`, `unknown_entity`, ...). */
  repairs: Record<string, number>;
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const ITEM_NAMES = new Set(['item', 'entry']);

function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

const ENTITY_RE = /&(?:#(\d{1,8});|#[xX]([0-9a-fA-F]{1,7});|([A-Za-z][A-Za-z0-9._-]{0,63});)?/g;

/** Any `&` that is not one of the five XML entities: only then is the slow path needed. */
const NEEDS_FIX = /&(?!(?:amp|lt|gt|quot|apos);)/;

function fixEntities(text: string, declared: Set<string>, repairs: Record<string, number>): string {
  if (text.indexOf('&') === -1 || !NEEDS_FIX.test(text)) return text;
  return text.replace(ENTITY_RE, (match, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (dec !== undefined || hex !== undefined) {
      let code = dec !== undefined ? parseInt(dec, 10) : parseInt(hex!, 16);
      // Publishers paste Windows text as numeric references: &#146; means U+2019, not a C1 control.
      code = cp1252(code);
      if (isXmlChar(code)) return `&#${code};`;
      bump(repairs, 'invalid_char_ref');
      return '';
    }
    if (name === undefined) {
      bump(repairs, 'bare_ampersand');
      return '&amp;';
    }
    if (XML_ENTITIES.has(name)) return match;
    if (declared.has(name)) {
      bump(repairs, 'entity_reference_removed');
      return '';
    }
    const decoded = decodeHTMLStrict(match);
    if (decoded !== match) {
      bump(repairs, 'html_entity');
      let out = '';
      for (const ch of decoded) out += `&#${ch.codePointAt(0)};`;
      return out;
    }
    bump(repairs, 'unknown_entity');
    return `&amp;${name};`;
  });
}

/** End of a `<!DOCTYPE ...>` that may hold an internal subset with quoted strings. */
function doctypeEnd(text: string, from: number): number {
  let bracket = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') bracket++;
    else if (c === ']') bracket = Math.max(0, bracket - 1);
    else if (c === '>' && bracket === 0) return i + 1;
  }
  return text.length;
}

/** End of a start or end tag, skipping `>` inside quoted attribute values; -1 when unterminated. */
function tagEnd(text: string, from: number): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (text[i] === quote) quote = '';
    } else if (c === 0x22 || c === 0x27) quote = text[i];
    else if (c === 0x3e) return i + 1;
    else if (c === 0x3c) return -1;
  }
  return -1;
}

function localName(tag: string, start: number): string {
  let end = start;
  while (end < tag.length) {
    const c = tag.charCodeAt(end);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2f || c === 0x3e) break;
    end++;
  }
  const qname = tag.slice(start, end);
  const colon = qname.indexOf(':');
  return (colon >= 0 ? qname.slice(colon + 1) : qname).toLowerCase();
}

const NAME_START = /[A-Za-z_:\u00c0-\uffff]/;

export function sanitizeFeedXml(input: string, limits: SanitizeLimits): SanitizedXml {
  const text = rewriteDeclaration(input);
  const dropped: Record<string, number> = {};
  const repairs: Record<string, number> = {};
  const declared = new Set<string>();
  const out: string[] = [];
  let depth = 0;
  // The outermost open item: where its output starts, its input offset, its depth, and whether it is already condemned.
  let item: { outIndex: number; inStart: number; depth: number; maxDepth: number } | undefined;
  let kept = 0;
  const maxItems = limits.maxItems ?? Infinity;
  let pos = 0;

  const emitText = (s: string) => {
    if (s) out.push(fixEntities(s, declared, repairs));
  };

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) {
      emitText(text.slice(pos));
      break;
    }
    emitText(text.slice(pos, lt));
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      const stop = end === -1 ? text.length : end + 3;
      out.push(text.slice(lt, stop));
      pos = stop;
      continue;
    }
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      pos = end === -1 ? text.length : end + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      const stop = end === -1 ? text.length : end + 2;
      out.push(text.slice(lt, stop));
      pos = stop;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      // DOCTYPE (with its internal subset) or a stray ENTITY/ELEMENT declaration: never passed on.
      const end = doctypeEnd(text, lt + 2);
      const decl = text.slice(lt, end);
      for (const m of decl.matchAll(/<!ENTITY\s+(?:%\s+)?([^\s"'>]+)/gi)) declared.add(m[1]);
      if (/^<!DOCTYPE/i.test(decl)) bump(repairs, 'doctype_removed');
      const entities = (decl.match(/<!ENTITY/gi) ?? []).length;
      if (entities) bump(repairs, 'entity_declarations', entities);
      pos = end;
      continue;
    }
    const isEnd = text[lt + 1] === '/';
    const nameStart = isEnd ? lt + 2 : lt + 1;
    if (!NAME_START.test(text[nameStart] ?? '')) {
      // "a < b" in text: a strict parser would reject the whole feed.
      bump(repairs, 'stray_lt');
      out.push('&lt;');
      pos = lt + 1;
      continue;
    }
    const end = tagEnd(text, nameStart);
    if (end === -1) {
      bump(repairs, 'stray_lt');
      out.push('&lt;');
      pos = lt + 1;
      continue;
    }
    const tag = text.slice(lt, end);
    const name = localName(text, nameStart);
    const selfClosing = !isEnd && text.charCodeAt(end - 2) === 0x2f;
    out.push(tag.indexOf('&') === -1 ? tag : fixEntities(tag, declared, repairs));
    pos = end;
    if (isEnd) {
      if (item && depth === item.depth && ITEM_NAMES.has(name)) {
        const size = end - item.inStart;
        const reason =
          item.maxDepth - item.depth > limits.maxDepth ? 'item_too_deep' : size > limits.maxItemBytes ? 'item_too_large' : kept >= maxItems ? 'over_item_limit' : undefined;
        if (!reason) kept++;
        if (reason) {
          out.length = item.outIndex;
          bump(dropped, reason);
        }
        item = undefined;
      }
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (selfClosing) continue;
    depth++;
    if (!item && ITEM_NAMES.has(name)) item = { outIndex: out.length - 1, inStart: lt, depth, maxDepth: depth };
    else if (item) item.maxDepth = Math.max(item.maxDepth, depth);
    else if (depth > limits.maxDepth) {
      throw new AppError('FEED_PARSE_FAILED', `feed nests elements deeper than ${limits.maxDepth} outside any item`, { details: { reason: 'too_deep' } });
    }
  }
  if (item) {
    // A truncated document: the open item cannot be salvaged, and the parser will say the feed is incomplete.
    const size = text.length - item.inStart;
    if (item.maxDepth - item.depth > limits.maxDepth || size > limits.maxItemBytes) {
      out.length = item.outIndex;
      bump(dropped, item.maxDepth - item.depth > limits.maxDepth ? 'item_too_deep' : 'item_too_large');
    }
  }
  return { xml: out.join(''), dropped, repairs };
}
