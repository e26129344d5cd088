import { describe, expect, it } from 'vitest';
import { compareFigures, titleFigures } from '../../../../../services/scorer/domain/read-figures.ts';
import { buildItems } from '../../../../../services/scorer/domain/read-items.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

const compare = (text: string) => {
  const t = tokenize(text);
  return compareFigures(buildItems(t), t, 0)?.d;
};

describe('reading phase 4: figures', () => {
  it('reads the direction of a quantity from its figures, with units and a reference of the opposite kind', () => {
    expect(compare('Operating profit EUR 9.8 mn compared with EUR 11.7 mn')).toBe(-1);
    expect(compare('EPS EUR 0.25 ( EUR 0.20 )')).toBe(1);
    expect(compare('Net profit EUR 1.2 bn compared with EUR 900 mn')).toBe(1);
    expect(compare('Operating profit EUR 2 mn compared to a loss of EUR 3 mn')).toBe(1);
    expect(compare('Net sales EUR 5 mn compared with EUR 5 mn')).toBe(0);
  });

  it('takes a bracket in another currency as a conversion, and a quantity without a comparison as nothing', () => {
    expect(compare('Net sales EUR 12 mn ( USD 17.7 mn )')).toBeUndefined();
    expect(compare('Net sales were EUR 12 mn')).toBeUndefined();
  });

  it('lists at most four title figures and leaves years out', () => {
    expect(titleFigures(tokenize('OPEC+ to raise output by 411,000 bpd in 2025'))).toEqual([411000]);
    expect(titleFigures(tokenize('1 2 3 4 5'))).toEqual([1, 2, 3, 4]);
  });
});

describe('reading phase 4: how far a comparison of figures reaches', () => {
  const full = (text: string) => {
    const t = tokenize(text);
    return compareFigures(buildItems(t), t, 0);
  };

  it('finds the figure up to eight items after the quantity, the comparison six after it, the reference five after that', () => {
    expect(compare('Net profit a b c d e f g 5 ( 4 )')).toBe(1);
    expect(compare('Net profit a b c d e f g h 5 ( 4 )')).toBeUndefined();
    expect(compare('Net profit 5 a b c d e ( 4 )')).toBe(1);
    expect(compare('Net profit 5 a b c d e f ( 4 )')).toBeUndefined();
    expect(compare('Net profit 5 ( a b c d 4 )')).toBe(1);
    expect(compare('Net profit 5 ( a b c d e 4 )')).toBeUndefined();
    expect(compare('Net profit 5 ( x )')).toBeUndefined();
  });

  it('stops at a sentence end, a predicate or another quantity', () => {
    expect(compare('Net profit . 5 compared with 4')).toBeUndefined();
    expect(compare('Net profit 5 . compared with 4')).toBeUndefined();
    expect(compare('Net profit 5 ( . 4 )')).toBeUndefined();
    expect(compare('Net profit rose 5 compared with 4')).toBeUndefined();
    expect(compare('Net profit 5 rose ( 4 )')).toBeUndefined();
    expect(compare('Net profit sales 5 ( 4 )')).toBeUndefined();
  });

  it('reads only quantities, and only the item it is given', () => {
    expect(compare('Oil 5 compared with 4')).toBeUndefined();
    const t = tokenize('Net profit 3 ( 4 )');
    expect(compareFigures(buildItems(t), t, 1)).toBeUndefined();
  });

  it('scales each figure by the unit after it', () => {
    expect(compare('Net profit 5 mn ( 4 bn )')).toBe(-1);
    expect(compare('Net profit 5 ( 4 mn )')).toBe(-1);
    expect(compare('Net profit 5 ( 5000 thousand )')).toBe(-1);
    expect(compare('Net profit 5 bn ( 4000 mn )')).toBe(1);
  });

  it('counts a reference of the opposite kind as negative, whether the comparison or a word in the bracket names it', () => {
    expect(compare('Net profit 3 compared with 4')).toBe(-1);
    expect(compare('Net profit 3 compared with a loss of 4')).toBe(1);
    expect(compare('Net profit 3 ( profit 4 )')).toBe(-1);
    expect(full('Net profit 3 ( loss 4 )')).toEqual({ d: 1, consumed: [3] });
    expect(full('Net profit 5 ( loss profit 4 )')).toEqual({ d: 1, consumed: [3, 4] });
  });

  it('takes a currency written before or one or two words after a figure, and reads two different ones as a conversion', () => {
    expect(compare('Net profit 5 mn euro ( 4 mn usd )')).toBeUndefined();
    expect(compare('Net profit 5 euro ( usd 4 )')).toBeUndefined();
    expect(compare('Net profit usd 5 ( 4 usd )')).toBe(1);
    expect(compare('Net profit usd 5 ( 4 )')).toBe(1);
  });

  it('leaves out years from 1900 to 2100 only, and keeps fractions', () => {
    expect(titleFigures(tokenize('1899 1900 2100 2101'))).toEqual([1899, 2101]);
    expect(titleFigures(tokenize('2025.5 oil'))).toEqual([2025.5]);
    expect(titleFigures(tokenize('oil , ( ) $'))).toEqual([]);
    expect(titleFigures(tokenize('النفط ٢٠٢٥ ٨٠'))).toEqual([80]);
    expect(titleFigures(tokenize('2025 1 2 3 4 5'))).toEqual([1, 2, 3, 4]);
  });
});

describe('reading phase 4: what a comparison of figures does not read', () => {
  const full = (text: string) => {
    const t = tokenize(text);
    return compareFigures(buildItems(t), t, 0);
  };

  it('needs a figure within eight items even when a bracket and a figure come later', () => {
    expect(full('Net profit a b c d ( e f g 4 )')).toBeUndefined();
  });

  it('looks for the comparison only after the first figure, not at a bracket before it', () => {
    expect(full('Net profit ( 5 ) 4')).toBeUndefined();
  });

  it('takes a reference of the same kind at its sign, and one of the opposite kind as negative', () => {
    expect(full('Net profit 3 compared with a profit of 4')).toEqual({ d: -1, consumed: [] });
    expect(full('Net loss 3 compared with a profit of 4')).toEqual({ d: 1, consumed: [] });
  });

  it('consumes only quantities inside the bracket, not other concepts', () => {
    expect(full('Net profit 3 ( oil 4 )')).toEqual({ d: -1, consumed: [] });
  });

  it('reads a figure too large to be a number as no direction', () => {
    expect(full(`Net profit ${'9'.repeat(400)} ( 4 )`)).toEqual({ d: 0, consumed: [] });
    expect(full(`Net profit 4 ( ${'9'.repeat(400)} )`)).toEqual({ d: 0, consumed: [] });
  });
});
