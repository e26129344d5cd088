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
