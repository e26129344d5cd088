import { describe, expect, it } from 'vitest';
import { buildItems } from '../../../../../services/scorer/domain/read-items.ts';
import { readModifiers } from '../../../../../services/scorer/domain/read-modifiers.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

const read = (text: string) => {
  const t = tokenize(text);
  const items = buildItems(t);
  const scopes = readModifiers(items, t);
  return items.map((it, k) => ({ w: t.low.slice(it.start, it.end).join(' '), neg: scopes[k].neg, deny: scopes[k].deny, weight: Math.round(scopes[k].w * 100) / 100, hedge: scopes[k].hedge, int: scopes[k].int, ws: scopes[k].ws }));
};

describe('reading phase 2: modifiers', () => {
  it('returns one scope per item and leaves the items as the first phase built them', () => {
    const t = tokenize('Profit did not rise');
    const items = buildItems(t);
    const before = JSON.stringify(items);
    const scopes = readModifiers(items, t);
    expect(scopes.length).toBe(items.length);
    expect(JSON.stringify(items)).toBe(before);
    expect(scopes[3]).toEqual({ w: 1, ws: 1, neg: true, negBy: 2, deny: false, hedge: 1, int: 1 });
  });

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
