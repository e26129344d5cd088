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
