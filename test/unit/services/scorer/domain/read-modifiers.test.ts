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

describe('reading phase 2: where each modifier stops', () => {
  const flags = (text: string, pick: (x: ReturnType<typeof read>[number]) => unknown) => read(text).map((x) => [x.w, pick(x)]);

  it('negates three positions after the negator, not four, and names the negator', () => {
    expect(flags('Sales not xa xb rose', (x) => x.neg)).toEqual([['sales', false], ['not', false], ['xa', true], ['xb', true], ['rose', true]]);
    expect(flags('Sales not xa xb xc rose', (x) => x.neg).at(-1)).toEqual(['rose', false]);
    const t = tokenize('Sales not xa xb rose');
    expect(readModifiers(buildItems(t), t).map((s) => s.negBy)).toEqual([-1, -1, 1, 1, 1]);
  });

  it('ends a negation at "but", at the sentence end, and at a barrier only after the first word', () => {
    expect(flags('not xa but rise', (x) => x.neg)).toEqual([['not', false], ['xa', true], ['but', false], ['rise', false]]);
    expect(flags('Profit did not rise . Sales rose', (x) => x.neg).slice(4)).toEqual([['.', false], ['sales', false], ['rose', false]]);
    expect(flags('No as talks', (x) => x.neg)).toEqual([['no', false], ['as', true], ['talks', true]]);
    expect(flags('No talks under threat', (x) => x.neg)).toEqual([['no', false], ['talks', true], ['under', false], ['threat', false]]);
  });

  it('cancels a double negation', () => {
    expect(flags('not not rise', (x) => x.neg)).toEqual([['not', false], ['not', true], ['rise', false]]);
  });

  it('denies to the end of its sentence only', () => {
    expect(flags('Iran denies attack . Oil rose', (x) => x.deny)).toEqual([['iran', false], ['denies', false], ['attack', true], ['.', false], ['oil', false], ['rose', false]]);
  });

  it('hedges four positions after the hedge word, within the sentence', () => {
    expect(flags('Oil may xa xb xc rise', (x) => x.hedge).at(-1)).toEqual(['rise', 0.7]);
    expect(flags('Oil may xa xb xc xd rise', (x) => x.hedge).at(-1)).toEqual(['rise', 1]);
    expect(flags('may rise . sales rose', (x) => x.hedge)).toEqual([['may', 1], ['rise', 0.7], ['.', 1], ['sales', 1], ['rose', 1]]);
  });

  it('intensifies the nearest valence within two positions: an adverb looks back first, an adjective forward', () => {
    expect(flags('Oil rose xa sharply', (x) => x.int)).toEqual([['oil', 1], ['rose', 1.5], ['xa', 1], ['sharply', 1]]);
    expect(flags('Oil rose xa xb sharply', (x) => x.int).every(([, v]) => v === 1)).toBe(true);
    expect(flags('Sharply higher oil', (x) => x.int)).toEqual([['sharply', 1], ['higher', 1.5], ['oil', 1]]);
    expect(flags('very strong rise', (x) => x.int)).toEqual([['very', 1], ['strong', 1.5], ['rise', 1]]);
    // Two intensifiers on one word multiply; an intensifier is not itself a target.
    expect(flags('Oil fell very sharply', (x) => x.int)).toEqual([['oil', 1], ['fell', 2.25], ['very', 1], ['sharply', 1]]);
  });

  it('weighs around "but" inside its sentence only', () => {
    expect(read('Costs rose . Profit rose but sales fell . Costs rose').map((x) => x.weight)).toEqual([1, 1, 0.5, 0.5, 0.5, 1, 1.3, 1.3, 1, 1, 1]);
  });

  it('weighs a concessive clause x0.4 to its comma, to "but", or to the sentence end; a comma-less opening "despite" covers two words', () => {
    expect(read('Despite talks , oil fell').map((x) => x.weight)).toEqual([1, 0.4, 1, 1, 1]);
    expect(read('Despite talks oil fell sharply').map((x) => x.weight)).toEqual([1, 0.4, 0.4, 1, 1]);
    expect(read('Oil fell despite talks and hopes . Costs rose').map((x) => x.weight)).toEqual([1, 1, 1, 0.4, 0.4, 0.4, 1, 1, 1]);
    expect(read('Oil , despite talks oil fell').map((x) => x.weight)).toEqual([1, 1, 1, 0.4, 0.4, 0.4]);
    expect(read('Oil fell despite talks but hopes rose').map((x) => x.weight)).toEqual([0.5, 0.5, 0.5, 0.2, 1, 1.3, 1.3]);
  });

  it('weighs a sub-clause for tone only after a valence in the same sentence', () => {
    expect(read('As ceasefire holds oil falls').map((x) => x.ws)).toEqual([1, 1, 1, 1, 1]);
    expect(read('Oil falls as ceasefire holds . Sales rose').map((x) => x.ws)).toEqual([1, 1, 1, 0.35, 0.35, 1, 1, 1]);
  });
});

describe('reading phase 2: what each modifier reads of its own entry and of its sentence', () => {
  it('reads the scope of its own negator: "no" reaches two positions, "not" three', () => {
    expect(read('No xa xb xc').map((x) => x.neg)).toEqual([false, true, true, false]);
    expect(read('Not xa xb xc').map((x) => x.neg)).toEqual([false, true, true, true]);
  });

  it('keeps the strongest hedge where two reach a word', () => {
    expect(read('Iran ignores may rise').map((x) => x.hedge)).toEqual([1, 1, 0.2, 0.2]);
  });

  it('looks for the comma of a concessive clause in its own sentence only', () => {
    expect(read('Despite talks oil fell sharply . Costs , rose').map((x) => x.weight)).toEqual([1, 0.4, 0.4, 1, 1, 1, 1, 1, 1]);
  });

  it('weighs a sub-clause in a later sentence once a valence came before it there', () => {
    expect(read('Costs rose . Oil falls as ceasefire holds').map((x) => x.ws)).toEqual([1, 1, 1, 1, 1, 1, 0.35, 0.35]);
  });

  it('takes a skipped phrase that has a zero tone for no valence: a sub-clause after it keeps its weight', () => {
    expect(read('Press release as talks end').map((x) => x.ws)).toEqual([1, 1, 1, 1]);
  });

  it('opens a sub-clause with a phrase ("on fears", "due to")', () => {
    expect(read('Oil rises on fears of war').map((x) => x.ws)).toEqual([1, 1, 1, 0.35, 0.35]);
    expect(read('Oil rises due to war').map((x) => x.ws)).toEqual([1, 1, 1, 0.35]);
  });
});

describe('reading phase 2: bounds found by mutation testing', () => {
  const field = <K extends keyof ReturnType<typeof read>[number]>(text: string, k: K) => read(text).map((x) => x[k]);

  it('weighs a sub-clause only after a valence of its own sentence, not after a word without one or the sentence before', () => {
    expect(field('Costs rose . As ceasefire holds oil falls', 'ws')).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(field('Xa as talks end', 'ws')).toEqual([1, 1, 1, 1]);
  });

  it('reads a negation back exactly its reach, no further', () => {
    expect(field('Xa xb xc xd xe seen slim', 'neg')).toEqual([false, true, true, true, true, false]);
  });

  it('ends a negation at a "but" right after the negator', () => {
    expect(field('not but rise', 'neg')).toEqual([false, false, false]);
  });

  it('finds the comma of a sentence-initial concessive clause beyond its first two words', () => {
    expect(field('Despite xa xb xc , oil fell', 'weight')).toEqual([1, 0.4, 0.4, 0.4, 1, 1, 1]);
  });

  it('lets an adverb intensify the first item, and a diminisher scale by its own factor', () => {
    expect(field('Fell sharply', 'int')).toEqual([1.5, 1]);
    expect(field('Oil fell slightly', 'int')).toEqual([1, 0.75, 1]);
  });

  it('does not look for an intensifier\'s target in the sentence before', () => {
    expect(field('Oil rose . Sharply higher', 'int')).toEqual([1, 1, 1, 1, 1.5]);
  });

  it('reads a phrase that starts with a barrier word ("thanks to") as no barrier, forward and back', () => {
    expect(read('Not xa thanks to xb').map((x) => [x.w, x.neg])).toEqual([['not', false], ['xa', true], ['thanks to', true], ['xb', true]]);
    expect(read('Xa thanks to xb seen slim').map((x) => [x.w, x.neg])).toEqual([['xa', true], ['thanks to', true], ['xb', true], ['seen slim', false]]);
  });
});
