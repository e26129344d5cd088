import { describe, expect, it } from 'vitest';
import { buildItems, conceptOf, entityEntry, hasValence, joinLow } from '../../../../../services/scorer/domain/read-items.ts';
import { Kind, tokenize } from '../../../../../services/scorer/domain/text.ts';

describe('reading phase 1: items', () => {
  it('matches the longest lexicon phrase and entity alias, an entity winning ties', () => {
    const t = tokenize('Operating profit rose in the Strait of Hormuz');
    const items = buildItems(t);
    expect(items.map((it) => t.raw.slice(it.start, it.end).join(' '))).toEqual(['Operating profit', 'rose', 'in', 'the', 'Strait of Hormuz']);
    expect(conceptOf(items[0])).toMatchObject({ cls: 'q', cs: 1 });
    expect(entityEntry(items[4].ent).name).toBe('Strait of Hormuz');
    expect(conceptOf(items[4])).toEqual({ cs: 0.3, co: -1, cls: 'flow' });
    expect(hasValence(items[1])).toBe(true);
    expect(hasValence(items[2])).toBe(false);
    expect(joinLow(t, 0, 2)).toBe('operating profit');
  });

  it('counts positions without function words, restarts them per sentence, keeps punctuation items', () => {
    const t = tokenize('Profit rose. Sales fell, costs rose');
    const items = buildItems(t);
    expect(items.map((it) => [it.kind === Kind.Word ? t.low[it.start] : '·', it.sentence, it.pos])).toEqual([
      ['profit', 0, 1],
      ['rose', 0, 2],
      ['·', 1, 0],
      ['sales', 1, 1],
      ['fell', 1, 2],
      ['·', 1, 3],
      ['costs', 1, 4],
      ['rose', 1, 5],
    ]);
  });

  it('leaves the direction of "hits a record" to the level word: the level verb reads as a function word', () => {
    const t = tokenize('Brent hits record high');
    expect(buildItems(t)[1].e).toEqual({ mod: 'skip' });
  });

  it('matches a cased alias only as written', () => {
    expect(buildItems(tokenize('US sanctions')).map((it) => it.ent >= 0)).toEqual([true, false]);
    expect(buildItems(tokenize('tell us more')).some((it) => it.ent >= 0)).toBe(false);
  });
});

describe('reading phase 1: items, match by match', () => {
  const spans = (text: string) => {
    const t = tokenize(text);
    return { t, items: buildItems(t) };
  };

  it('reads a level verb as a function word only with a level word in the four tokens after it', () => {
    const near = spans('Brent hits xa xb xc record');
    expect(near.items[1].e).toEqual({ mod: 'skip' });
    expect(near.items.map((it) => it.pos)).toEqual([1, 1, 2, 3, 4, 5]);
    const far = spans('Brent hits xa xb xc xd record');
    expect(far.items[1].e?.mod).not.toBe('skip');
    expect(hasValence(far.items[1])).toBe(true);
    expect(far.items.map((it) => it.pos)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('matches a multi-word alias as one entity item, and a word that only starts an alias as a plain word', () => {
    const { t, items } = spans('islamic republic talks');
    expect(items.map((it) => [it.start, it.end])).toEqual([
      [0, 2],
      [2, 3],
    ]);
    expect(entityEntry(items[0].ent).name).toBe('Iran');
    expect(items[0].e).toBeUndefined();
    // An entity without a concept of its own has none.
    expect(conceptOf(items[0])).toBeUndefined();
    expect(joinLow(t, 0, 3)).toBe('islamic republic talks');
    expect(joinLow(t, 1, 1)).toBe('republic');
    for (const text of ['Islamic xq', 'Islamic']) {
      const one = spans(text).items[0];
      expect([one.start, one.end, one.ent, one.e], text).toEqual([0, 1, -1, undefined]);
    }
  });

  it('counts commas as positions, restarts at a sentence end, and numbers sentences', () => {
    const { items } = spans('Iran , Iraq . Qatar');
    expect(items.map((it) => [it.kind, it.pos, it.sentence])).toEqual([
      [Kind.Word, 1, 0],
      [Kind.Comma, 2, 0],
      [Kind.Word, 3, 0],
      [Kind.Stop, 0, 1],
      [Kind.Word, 1, 1],
    ]);
    expect(items.map((it) => it.ent >= 0)).toEqual([true, false, true, false, true]);
  });

  it('says which items carry valence: a subject tone, a concept class, a predicate; not numbers or punctuation', () => {
    const { items } = spans('Oil denies involvement , truce proposal rejected 5 .');
    expect(items.map((it) => hasValence(it))).toEqual([true, true, false, true, true, false, false]);
    expect(conceptOf(items[3])).toBe(items[3].e);
  });
});
