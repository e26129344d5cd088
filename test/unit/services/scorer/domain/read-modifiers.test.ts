import { describe, expect, it } from 'vitest';
import { buildItems } from '../../../../../services/scorer/domain/read-items.ts';
import { applyModifiers } from '../../../../../services/scorer/domain/read-modifiers.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

const read = (text: string) => {
  const t = tokenize(text);
  const items = buildItems(t);
  applyModifiers(items, t);
  return items.map((it) => ({ w: t.low.slice(it.start, it.end).join(' '), neg: it.neg, deny: it.deny, weight: Math.round(it.w * 100) / 100, hedge: it.hedge, int: it.int, ws: it.ws }));
};

describe('reading phase 2: modifiers', () => {
  it('negates within the scope of the negator and stops at a clause barrier', () => {
    expect(read('Profit did not rise as sales fell').map((x) => [x.w, x.neg])).toEqual([
      ['profit', false],
      ['did', false],
      ['not', false],
      ['rise', true],
      ['as', false],
      ['sales', false],
      ['fell', false],
    ]);
  });

  it('halves what comes before "but" and weighs what follows x1.3', () => {
    const r = read('Profit rose but sales fell');
    expect(r.map((x) => x.weight)).toEqual([0.5, 0.5, 1, 1.3, 1.3]);
  });

  it('denies to the end of the sentence, hedges the next words, intensifies the verb an adverb follows', () => {
    expect(read('Iran denies attack on tanker').map((x) => x.deny)).toEqual([false, false, true, true, true]);
    expect(read('OPEC may cut output').find((x) => x.w === 'cut')?.hedge).toBe(0.7);
    expect(read('Sales fell sharply').find((x) => x.w === 'fell')?.int).toBe(1.5);
  });

  it('weighs a causal sub-clause x0.35 for tone once a valence came before it', () => {
    expect(read('Oil falls as ceasefire holds').map((x) => x.ws)).toEqual([1, 1, 1, 0.35, 0.35]);
  });
});
