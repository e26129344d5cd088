/**
 * Text hygiene and tokenization for the domain model. Everything here is bounded by
 * length up front, so a 10 MB title costs the same as a 2,000-character one.
 */

import WORDS from '../data/reading-words.json' with { type: 'json' };

/** Abbreviations written with a full stop ("Wall St.", "Corp.", "No. 2"): the stop after one does not end the sentence. */
const ABBREVIATION: ReadonlySet<string> = new Set(WORDS.abbreviation);

export const MAX_TITLE_CHARS = 2_000;
export const MAX_SUMMARY_CHARS = 4_000;
export const MAX_TOKENS = 600;

export const enum Kind {
  Word = 0,
  Num = 1,
  /** Sentence or clause end: . ! ? ; : */
  Stop = 2,
  Comma = 3,
  Open = 4,
  Close = 5,
  Symbol = 6,
}

export interface Tokens {
  /** Lower-cased token text (`'s` removed, curly quotes straightened). */
  low: string[];
  /** Token as written, for case-sensitive names (US, UN, Fed). */
  raw: string[];
  kind: Kind[];
  /** Numeric value for `Num` tokens, NaN otherwise. */
  num: number[];
  /** Count of letters in the input (any script), so "nothing readable" can be told apart from "neutral". */
  letters: number;
  question: boolean;
}

// C0/C1 controls except tab/newline, lone surrogates, BOM, zero-width and bidi controls.
const JUNK = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MAYBE_JUNK = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufffd\ud800-\udfff]/;
const NON_ASCII = /[^\x00-\x7f]/;
// "U.S.", and the spaced "U . S ." some wires print.
const ACRONYM = /\b([A-Z]) ?\. ?([A-Z]) ?\.(?: ?([A-Z]) ?\.)?/g;
const UNICODE_TOKEN = /\p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)?|\p{Nd}+(?:[.,]\p{Nd}+)*|[.!?;:…]+|[,()$€£%+]/gu;
const LETTER = /\p{L}/u;
const SPLIT_DECIMAL = /(\d) \.(\d)/g;

/** Cuts to `maxChars`, drops control and invisible characters, folds compatibility forms; never throws. */
export function sanitize(input: unknown, maxChars: number): string {
  if (typeof input !== 'string' || input.length === 0) return '';
  let s = input.length > maxChars ? input.slice(0, maxChars) : input;
  if (MAYBE_JUNK.test(s)) s = s.replace(JUNK, ' ');
  if (NON_ASCII.test(s)) {
    s = s.normalize('NFKC').replace(/[\u2018\u2019\u201b\u2032]/g, "'").replace(/[\u2010-\u2015\u2212]/g, '-');
  }
  return s;
}

const DIGIT = /^\p{Nd}$/u;

/**
 * The value of a decimal digit of any script. Fullwidth and mathematical digits fold to ASCII;
 * the others ("٣٥", "३५") do not, but Unicode keeps each script's ten digits in one ascending
 * run, so a digit's value is its distance from the start of its run.
 */
function digitValue(d: string): number {
  const folded = d.normalize('NFKD');
  const c = folded.charCodeAt(0);
  if (folded.length === 1 && c >= 48 && c <= 57) return c - 48;
  const cp = d.codePointAt(0) as number;
  let n = 0;
  while (n < 64 && DIGIT.test(String.fromCodePoint(cp - n - 1))) n++;
  return n % 10;
}

function parseNumber(text: string): number {
  // A comma before exactly three digits groups thousands; otherwise it is a decimal comma.
  const t = /,\d{3}(?!\d)/.test(text) ? text.replace(/,/g, '') : text.replace(',', '.');
  const lastDot = t.lastIndexOf('.');
  const cleaned = lastDot > -1 && t.indexOf('.') !== lastDot ? t.slice(0, lastDot).replace(/\./g, '') + t.slice(lastDot) : t;
  return Number(cleaned);
}

export function tokenize(text: string, maxTokens = MAX_TOKENS): Tokens {
  const out: Tokens = { low: [], raw: [], kind: [], num: [], letters: 0, question: false };
  if (text.length === 0) return out;
  const ascii = !NON_ASCII.test(text);
  // "EUR0 .07" (PhraseBank tokenisation) is one number, not a sentence end.
  const src = text.indexOf('.') >= 0 ? text.replace(ACRONYM, '$1$2$3').replace(SPLIT_DECIMAL, '$1.$2') : text;
  out.letters = ascii ? scanAscii(src, out, maxTokens) : countLetters(src, scanUnicode(src, out, maxTokens));
  if (!out.question && src.trimEnd().endsWith('?')) out.question = true;
  if (src.indexOf('.') >= 0) joinAbbreviations(out);
  return out;
}

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;
/** . ! ? ; : */
const isStopChar = (c: number): boolean => c === 46 || c === 33 || c === 63 || c === 59 || c === 58;

/**
 * The tokens of an ASCII text, as `/[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)*|[.!?;:]+|[,()$%+]/g` reads them (its
 * alternatives start with disjoint characters, each greedy with nothing to backtrack over), in one pass over the character
 * codes: no match array per token and no tests of a token's text for its kind. Letters of the words returned.
 */
function scanAscii(src: string, out: Tokens, maxTokens: number): number {
  const n = src.length;
  let letters = 0;
  let p = 0;
  while (p < n) {
    const c = src.charCodeAt(p);
    let end = p + 1;
    let kind: Kind;
    let num = NaN;
    if (isAsciiLetter(c)) {
      // [A-Za-z]+(?:'[A-Za-z]+)?
      while (end < n && isAsciiLetter(src.charCodeAt(end))) end++;
      let apostrophe = false;
      if (end + 1 < n && src.charCodeAt(end) === 39 && isAsciiLetter(src.charCodeAt(end + 1))) {
        apostrophe = true;
        end += 2;
        while (end < n && isAsciiLetter(src.charCodeAt(end))) end++;
      }
      const tok = src.slice(p, end);
      letters += end - p;
      let low = tok.toLowerCase();
      if (apostrophe && low.endsWith("'s")) low = low.slice(0, -2);
      pushToken(out, low, tok, Kind.Word, NaN);
    } else {
      if (isAsciiDigit(c)) {
        // \d+(?:[.,]\d+)*
        while (end < n && isAsciiDigit(src.charCodeAt(end))) end++;
        for (;;) {
          const sep = end < n ? src.charCodeAt(end) : 0;
          if ((sep !== 46 && sep !== 44) || end + 1 >= n || !isAsciiDigit(src.charCodeAt(end + 1))) break;
          end += 2;
          while (end < n && isAsciiDigit(src.charCodeAt(end))) end++;
        }
        kind = Kind.Num;
      } else if (isStopChar(c)) {
        // [.!?;:]+
        let question = c === 63;
        while (end < n && isStopChar(src.charCodeAt(end))) {
          if (src.charCodeAt(end) === 63) question = true;
          end++;
        }
        if (question) out.question = true;
        kind = Kind.Stop;
      } else if (c === 44) kind = Kind.Comma;
      else if (c === 40) kind = Kind.Open;
      else if (c === 41) kind = Kind.Close;
      else if (c === 36 || c === 37 || c === 43) kind = Kind.Symbol;
      else {
        p++;
        continue;
      }
      const tok = src.slice(p, end);
      if (kind === Kind.Num) num = parseNumber(tok);
      pushToken(out, tok, tok, kind, num);
    }
    p = end;
    if (out.low.length >= maxTokens) break;
  }
  return letters;
}

function pushToken(out: Tokens, low: string, raw: string, kind: Kind, num: number): void {
  out.low.push(low);
  out.raw.push(raw);
  out.kind.push(kind);
  out.num.push(num);
}

/** The tokens of a text with non-ASCII characters (UNICODE_TOKEN); letters of the words returned. */
function scanUnicode(src: string, out: Tokens, maxTokens: number): number {
  const re = UNICODE_TOKEN;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let letters = 0;
  while ((m = re.exec(src)) !== null) {
    const tok = m[0];
    const c = tok.charCodeAt(0);
    let kind: Kind;
    let low = tok;
    let num = NaN;
    if (c >= 48 && c <= 57) {
      kind = Kind.Num;
      num = parseNumber(tok);
    } else if (c > 127 && /^\p{Nd}/u.test(tok)) {
      kind = Kind.Num;
      num = parseNumber(tok.replace(/\p{Nd}/gu, (d) => String(digitValue(d))));
    } else if (tok === ',') kind = Kind.Comma;
    else if (tok === '(') kind = Kind.Open;
    else if (tok === ')') kind = Kind.Close;
    else if (c === 46 || c === 33 || c === 63 || c === 59 || c === 58 || c === 0x2026) {
      kind = Kind.Stop;
      if (tok.includes('?')) out.question = true;
    } else if (tok.length === 1 && (c === 36 || c === 37 || c === 43 || c === 0x20ac || c === 0xa3)) kind = Kind.Symbol;
    else {
      kind = Kind.Word;
      letters += tok.length;
      low = tok.toLowerCase();
      // A token holds at most one apostrophe (the token patterns), straight or curly.
      if (low.indexOf("'") > 0) {
        if (low.endsWith("'s")) low = low.slice(0, -2);
      } else if (low.indexOf('\u2019') > 0) {
        low = low.replace('\u2019', "'");
        if (low.endsWith("'s")) low = low.slice(0, -2);
      }
    }
    pushToken(out, low, tok, kind, num);
    if (out.low.length >= maxTokens) break;
  }
  return letters;
}

/** "Wall St. rises": a capitalised abbreviation's own stop, with more of the headline after it, is part of the word, not a sentence end. */
function joinAbbreviations(out: Tokens): void {
  let w = 0;
  const n = out.low.length;
  for (let i = 0; i < n; i++) {
    const own = i > 0 && i < n - 1 && out.raw[i] === '.' && out.kind[i - 1] === Kind.Word && isUpper(out.raw[i - 1].charCodeAt(0)) && ABBREVIATION.has(out.low[i - 1]);
    if (own) continue;
    if (w !== i) {
      out.low[w] = out.low[i];
      out.raw[w] = out.raw[i];
      out.kind[w] = out.kind[i];
      out.num[w] = out.num[i];
    }
    w++;
  }
  out.low.length = out.raw.length = out.kind.length = out.num.length = w;
}

const isUpper = (c: number): boolean => c >= 65 && c <= 90;

// Non-Latin letters count as readable even when no lexicon entry matches them.
function countLetters(src: string, fallback: number): number {
  if (fallback > 0) return fallback;
  for (const ch of src) if (LETTER.test(ch)) return 1;
  return 0;
}
