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
