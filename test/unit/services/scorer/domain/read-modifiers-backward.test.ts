import { describe, expect, it } from 'vitest';
import { buildItems } from '../../../../../services/scorer/domain/read-items.ts';
import { readModifiers } from '../../../../../services/scorer/domain/read-modifiers.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

// A negation whose lexicon scope is negative reads back: hedges written after what they doubt
// ("breakthrough seen slim", "deal remains elusive", "lawsuit ... dismissed by judge").
const read = (text: string) => {
  const t = tokenize(text);
  const items = buildItems(t);
  const scopes = readModifiers(items, t);
  return items.map((it, k) => [t.low.slice(it.start, it.end).join(' '), scopes[k].neg, scopes[k].negBy] as const);
};

describe('reading phase 2: negation read back (negative scope)', () => {
  it('negates the words before the hedge, not the hedge itself or what follows', () => {
    expect(read('Trade breakthrough seen slim today')).toEqual([
      ['trade', true, 2],
      ['breakthrough', true, 2],
      ['seen slim', false, -1],
      ['today', false, -1],
    ]);
  });

  it('reaches back as many positions as the scope says (4 for "seen slim"; function words share the position of the word before) and no further', () => {
    const r = read('Profit growth and sales recovery at retailer seen slim');
    expect(r.map(([w, neg]) => [w, neg])).toEqual([
      ['profit', false],
      ['growth', false],
      ['and', false],
      ['sales', true],
      ['recovery', true],
      ['at', true],
      ['retailer', true],
      ['seen slim', false],
    ]);
  });

  it('stops at a clause barrier and at "but", and stays in its sentence', () => {
    expect(read('Profit rose as breakthrough seen slim').map(([w, neg]) => [w, neg])).toEqual([
      ['profit', false],
      ['rose', false],
      ['as', false],
      ['breakthrough', true],
      ['seen slim', false],
    ]);
    expect(read('Profit rose but breakthrough seen slim').map(([w, neg]) => [w, neg])).toEqual([
      ['profit', false],
      ['rose', false],
      ['but', false],
      ['breakthrough', true],
      ['seen slim', false],
    ]);
    expect(read('Profit rose. Seen slim').map(([w, neg]) => [w, neg])).toEqual([
      ['profit', false],
      ['rose', false],
      ['.', false],
      ['seen slim', false],
    ]);
  });

  it('a forward negation still reads forward only', () => {
    expect(read('Sales did not rise').map(([w, neg]) => [w, neg])).toEqual([
      ['sales', false],
      ['did', false],
      ['not', false],
      ['rise', true],
    ]);
  });
});
