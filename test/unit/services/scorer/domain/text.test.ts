import { describe, expect, it } from 'vitest';
import { Kind, MAX_TOKENS, sanitize, tokenize } from '../../../../../services/scorer/domain/text.ts';

describe('sanitize', () => {
  it('cuts to the limit before doing anything else', () => {
    expect(sanitize('x'.repeat(10_000_000), 2000)).toHaveLength(2000);
  });
  it('drops control, bidi and zero-width characters and lone surrogates', () => {
    expect(sanitize('a\u0000b\u202ec\u200bd\ud800e', 100)).toBe('a b c d e');
  });
  it('returns an empty string for non-strings', () => {
    expect(sanitize(undefined, 10)).toBe('');
    expect(sanitize(42 as unknown as string, 10)).toBe('');
  });
  it('folds compatibility forms and curly quotes', () => {
    expect(sanitize('Ｏｉｌ’s', 100)).toBe("Oil's");
  });
});

describe('tokenize', () => {
  it('keeps numbers with decimals and thousands, units and punctuation apart', () => {
    const t = tokenize('Profit rose to EUR 13.1 mn from 1,200,000 (5 %).');
    expect(t.low).toEqual(['profit', 'rose', 'to', 'eur', '13.1', 'mn', 'from', '1,200,000', '(', '5', '%', ')', '.']);
    expect(t.num.filter((n) => !Number.isNaN(n))).toEqual([13.1, 1_200_000, 5]);
    expect(t.kind[12]).toBe(Kind.Stop);
  });
  it('joins dotted acronyms and strips possessives', () => {
    expect(tokenize("U.S. sanctions hit Iran's exports").low).toEqual(['us', 'sanctions', 'hit', 'iran', 'exports']);
    expect(tokenize('U.S. crude').raw[0]).toBe('US');
  });
  it('reads a decimal comma', () => {
    expect(tokenize('steigt 5,5 %').num[1]).toBe(5.5);
  });
  it('counts letters of any script and flags questions', () => {
    const rtl = tokenize('إيران تنفي');
    expect(rtl.letters).toBeGreaterThan(0);
    expect(tokenize('Will OPEC+ cut?').question).toBe(true);
    expect(tokenize('😀 🛢️ ###').letters).toBe(0);
  });
  it('bounds the token count', () => {
    expect(tokenize('oil '.repeat(5000)).low).toHaveLength(MAX_TOKENS);
  });
});

describe('sanitize, character by character', () => {
  it('keeps a text at the limit whole, and empty stays empty', () => {
    expect(sanitize('abc', 3)).toBe('abc');
    expect(sanitize('abcd', 3)).toBe('abc');
    expect(sanitize('', 3)).toBe('');
  });

  it('blanks each kind of junk and keeps tabs, newlines and emoji', () => {
    for (const junk of ['\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\u007f', '\u0085', '\u009f', '\ufeff', '\u200b', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\ufffd', '\udc00', '\ud800'])
      expect(sanitize(`a${junk}b`, 10), JSON.stringify(junk)).toBe('a b');
    expect(sanitize('a\tb\nc\rd', 10)).toBe('a\tb\nc\rd');
    expect(sanitize('oil 😀 up', 20)).toBe('oil 😀 up');
    expect(sanitize('a\u2010b\u2015c\u2212d\u2011e', 20)).toBe('a-b-c-d-e');
    expect(sanitize('\u2018a\u2019 \u201bb \u2032c', 20)).toBe("'a' 'b 'c");
  });

  it('leaves ASCII text as it is and folds only non-ASCII text', () => {
    expect(sanitize('Brent at $80 - steady', 100)).toBe('Brent at $80 - steady');
    expect(sanitize('ﬁrms ①', 100)).toBe('firms 1');
  });
});

describe('tokenize, token by token', () => {
  it('answers nothing for an empty text', () => {
    expect(tokenize('')).toEqual({ low: [], raw: [], kind: [], num: [], letters: 0, question: false });
  });

  it('gives each punctuation mark its kind', () => {
    const t = tokenize('a, ( b ) ! c ? d ; e : f ... $ % +');
    expect(t.low).toEqual(['a', ',', '(', 'b', ')', '!', 'c', '?', 'd', ';', 'e', ':', 'f', '...', '$', '%', '+']);
    expect(t.kind).toEqual([Kind.Word, Kind.Comma, Kind.Open, Kind.Word, Kind.Close, Kind.Stop, Kind.Word, Kind.Stop, Kind.Word, Kind.Stop, Kind.Word, Kind.Stop, Kind.Word, Kind.Stop, Kind.Symbol, Kind.Symbol, Kind.Symbol]);
    expect(t.question).toBe(true);
    expect(t.letters).toBe(6);
    const u = tokenize('Öl steigt … € £ $');
    expect(u.kind).toEqual([Kind.Word, Kind.Word, Kind.Stop, Kind.Symbol, Kind.Symbol, Kind.Symbol]);
    expect(u.question).toBe(false);
  });

  it('reads thousands, decimal commas and repeated dots as one number each', () => {
    const t = tokenize('1.234.567,89 1,5000 2.5.1 1,500 7');
    expect(t.num).toEqual([1234567.89, 1.5, 25.1, 1500, 7]);
    expect(t.kind).toEqual([Kind.Num, Kind.Num, Kind.Num, Kind.Num, Kind.Num]);
    expect(t.num[0]).not.toBeNaN();
    expect(tokenize('EUR0 .07').num).toEqual([NaN, 0.07]);
    expect(tokenize('Öl １２,５').num).toEqual([NaN, 12.5]);
  });

  it('joins spaced and three-letter dotted acronyms', () => {
    expect(tokenize('U . S . crude').low).toEqual(['us', 'crude']);
    expect(tokenize('U.S.A. crude').low).toEqual(['usa', 'crude']);
    expect(tokenize('U.K crude').low).toEqual(['u', '.', 'k', 'crude']);
  });

  it("drops the stop of a capitalised abbreviation inside a headline, and keeps a sentence's own end", () => {
    expect(tokenize('Wall St. falls').low).toEqual(['wall', 'st', 'falls']);
    expect(tokenize('Wall St . falls').low).toEqual(['wall', 'st', 'falls']);
    expect(tokenize('Huawei is world No. 2').low).toEqual(['huawei', 'is', 'world', 'no', '2']);
    // At the end, lower case, or not an abbreviation: a stop.
    expect(tokenize('Shares fall on Wall St.').low).toEqual(['shares', 'fall', 'on', 'wall', 'st', '.']);
    expect(tokenize('He says no. Talks end').low).toEqual(['he', 'says', 'no', '.', 'talks', 'end']);
    expect(tokenize('Oil rises. Stocks fall').low).toEqual(['oil', 'rises', '.', 'stocks', 'fall']);
    expect(tokenize('Wall St.  ').low).toEqual(['wall', 'st', '.']);
  });

  it('keeps a word as written beside its lower case, straightens curly apostrophes and drops possessives', () => {
    const t = tokenize("OPEC's don't");
    expect(t.raw).toEqual(["OPEC's", "don't"]);
    expect(t.low).toEqual(['opec', "don't"]);
    expect(tokenize('Iran’s don’t Öl').low).toEqual(['iran', "don't", 'öl']);
  });

  it('flags a question mark cut off by the token bound, and stops at the bound', () => {
    const t = tokenize('Will OPEC cut?', 2);
    expect(t.low).toEqual(['will', 'opec']);
    expect(t.question).toBe(true);
    expect(tokenize('Will OPEC cut', 2).question).toBe(false);
    expect(tokenize('Will OPEC cut ?  ').question).toBe(true);
  });

  it('counts letters of words only, in ASCII and in other scripts', () => {
    expect(tokenize('Oil 80 $').letters).toBe(3);
    expect(tokenize('Öl 80').letters).toBe(2);
    expect(tokenize('石油').letters).toBe(2);
    expect(tokenize('٣٥ !').letters).toBe(0);
  });
});

describe('digits of other scripts', () => {
  it('reads Arabic-Indic, Persian, Devanagari and fullwidth digits at their value', () => {
    expect(tokenize('النفط ٣٥ دولار').num[1]).toBe(35);
    expect(tokenize('نفت ۸۰ دلار').num[1]).toBe(80);
    expect(tokenize('तेल ३५').num[1]).toBe(35);
    expect(tokenize('Öl ３５').num[1]).toBe(35);
    expect(tokenize('النفط ٠١٢٣٤٥٦٧٨٩').num[1]).toBe(123456789);
  });
});

describe('text: the cases between the rules', () => {
  it('blanks a text made of junk only', () => {
    expect(sanitize('\u200b\u0001', 10)).toBe('  ');
    expect(sanitize('\ufeff', 10)).toBe(' ');
  });

  it("keeps a name with an apostrophe whole (O'Neill), in ASCII and in other scripts", () => {
    expect(tokenize("O'Neill said").low).toEqual(["o'neill", 'said']);
    expect(tokenize("Öl: O'Neill sagt").low).toEqual(['öl', ':', "o'neill", 'sagt']);
  });

  it('reads a number of several fraction digits and a run of stops as one token each outside ASCII', () => {
    const t = tokenize('Öl 12,50 steigt... weiter!?');
    expect(t.low).toEqual(['öl', '12,50', 'steigt', '...', 'weiter', '!?']);
    expect(t.num[1]).toBe(12.5);
    expect(t.kind).toEqual([Kind.Word, Kind.Num, Kind.Word, Kind.Stop, Kind.Word, Kind.Stop]);
  });

  it('joins a dotted acronym also in a text that starts with a stop', () => {
    expect(tokenize('...U.S. crude').low).toEqual(['...', 'us', 'crude']);
  });

  it('reads a number that starts with 9 as a number', () => {
    const t = tokenize('95 barrels');
    expect(t.kind).toEqual([Kind.Num, Kind.Word]);
    expect(t.num[0]).toBe(95);
    expect(t.letters).toBe(7);
  });

  it('flags a question cut off by the token bound also with white space after the mark', () => {
    expect(tokenize('Will OPEC cut? ', 2).question).toBe(true);
    expect(tokenize('Will OPEC cut?\n', 2).question).toBe(true);
  });

  it('counts letters of another script that the token bound cut off', () => {
    expect(tokenize('٣٥ نفط', 1).letters).toBe(1);
    expect(tokenize('٣٥ ٣٥', 1).letters).toBe(0);
  });
});

describe('tokenize: the ASCII scanner against the token pattern it replaces', () => {
  // The reading before the scanner: ASCII_TOKEN's matches, each given its kind by its text.
  const ASCII_TOKEN = /[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)*|[.!?;:]+|[,()$%+]/g;
  const reference = (src: string) => {
    const low: string[] = [];
    const kind: Kind[] = [];
    let letters = 0;
    let question = false;
    for (const tok of src.match(ASCII_TOKEN) ?? []) {
      const c = tok.charCodeAt(0);
      if (c >= 48 && c <= 57) kind.push(Kind.Num);
      else if (tok === ',') kind.push(Kind.Comma);
      else if (tok === '(') kind.push(Kind.Open);
      else if (tok === ')') kind.push(Kind.Close);
      else if ('.!?;:'.includes(tok[0])) {
        kind.push(Kind.Stop);
        if (tok.includes('?')) question = true;
      } else if ('$%+'.includes(tok)) kind.push(Kind.Symbol);
      else {
        kind.push(Kind.Word);
        letters += tok.length;
        const l = tok.toLowerCase();
        low.push(l.indexOf("'") > 0 && l.endsWith("'s") ? l.slice(0, -2) : l);
        continue;
      }
      low.push(tok);
    }
    return { low, kind, letters, question: question || src.trimEnd().endsWith('?') };
  };

  it('reads every token, kind, lower case, letter count and question as the pattern did, on 5,000 seeded texts', () => {
    // Lower case only, so the acronym and split-decimal rewrites before the scan leave the text as it is.
    const alphabet = "abz09'.,!?;:()$%+-&# \t";
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let apostrophes = 0;
    const got: unknown[] = [];
    const want: unknown[] = [];
    for (let round = 0; round < 5000; round++) {
      let s = '';
      const len = next() % 24;
      for (let i = 0; i < len; i++) s += alphabet[next() % alphabet.length];
      if (/(\d) \.(\d)/.test(s)) continue;
      const t = tokenize(s);
      // One comparison for all texts (an expect per text took seconds); the text is in each entry.
      got.push({ s, low: t.low, kind: t.kind, letters: t.letters, question: t.question, raw: t.raw.join(''), num: t.num.every((v, i) => Number.isNaN(v) === (t.kind[i] !== Kind.Num)) });
      want.push({ s, ...reference(s), raw: (s.match(ASCII_TOKEN) ?? []).join(''), num: true });
      if (t.low.some((w) => w.includes("'"))) apostrophes++;
    }
    expect(got).toEqual(want);
    expect(apostrophes).toBeGreaterThan(50);
  });

  it("ends a word at an apostrophe with no letter after it, and a number at a separator with no digit after it", () => {
    expect(tokenize("rock' n").raw).toEqual(['rock', 'n']);
    expect(tokenize("Iran's").low).toEqual(['iran']);
    expect(tokenize("it's'x").raw).toEqual(["it's", 'x']);
    expect(tokenize('5, 6.').raw).toEqual(['5', ',', '6', '.']);
    expect(tokenize('1.2.3,4').num).toEqual([123.4]);
    expect(tokenize('?!.').kind).toEqual([Kind.Stop]);
  });
});
