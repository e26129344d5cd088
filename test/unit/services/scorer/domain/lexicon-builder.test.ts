import { describe, expect, it } from 'vitest';
import { LexiconBuilder } from '../../../../../services/scorer/domain/lexicon-builder.ts';

// The builder on entries written here, so a change of the lexicon data files does not move these tests.
describe('LexiconBuilder', () => {
  it('files a plain entry under each word, without predicate fields', () => {
    const b = new LexiconBuilder();
    expect(b.add({ s: 2, o: -1, t: ['opec'] }, 'gain', ['rise', 'climb'])).toBe(b);
    expect([...b.map.keys()]).toEqual(['gain', 'rise', 'climb']);
    expect(b.map.get('rise')).toStrictEqual({ s: 2, o: -1, t: ['opec'] });
  });

  it('normalises a key: lower case, hyphens and runs of white space as one space, trimmed', () => {
    const b = new LexiconBuilder().add({ s: 1 }, '  Cease-Fire \t Talks ', 'OPEC+', 'a--b');
    expect([...b.map.keys()]).toEqual(['cease fire talks', 'opec+', 'a b']);
  });

  it('folds the predicate fields into one sense, with the side b and the strength of |s| (at least 1) by default', () => {
    const m = new LexiconBuilder()
      .add({ d: 1, s: -2.5 }, 'soar')
      .add({ d: -1, s: 0.5 }, 'ease')
      .add({ d: 0 }, 'hold')
      .add({ d: 1, side: 'A', bind: ['inv'], str: 3, win: 2, s: 1 }, 'draw').map;
    expect(m.get('soar')).toStrictEqual({ s: -2.5, senses: [{ d: 1, side: 'b', bind: undefined, str: 2.5 }] });
    expect(m.get('ease')?.senses).toStrictEqual([{ d: -1, side: 'b', bind: undefined, str: 1 }]);
    // d 0 is a direction (flat), not a missing one.
    expect(m.get('hold')).toStrictEqual({ senses: [{ d: 0, side: 'b', bind: undefined, str: 1 }] });
    expect(m.get('draw')).toStrictEqual({ s: 1, senses: [{ d: 1, side: 'A', bind: ['inv'], str: 3, win: 2 }] });
    expect(m.get('draw')).not.toHaveProperty('d');
  });

  it('keeps no window key when the entry has none', () => {
    const s = new LexiconBuilder().add({ d: 1 }, 'up').map.get('up')?.senses?.[0];
    expect(s && 'win' in s).toBe(false);
  });

  it('lets a later entry override an earlier one field by field', () => {
    const m = new LexiconBuilder().add({ s: 1, o: 2, oil: 1 }, 'crude').add({ o: -1, geo: true }, 'Crude').map;
    expect(m.get('crude')).toStrictEqual({ s: 1, o: -1, oil: 1, geo: true });
    expect(m.size).toBe(1);
  });

  it('does not share a compiled entry between words or with an earlier definition', () => {
    const b = new LexiconBuilder().add({ s: 1 }, 'a', 'b');
    const first = b.map.get('a');
    b.add({ s: -1 }, 'a');
    expect(first).toStrictEqual({ s: 1 });
    expect(b.map.get('a')).toStrictEqual({ s: -1 });
    expect(b.map.get('b')).toStrictEqual({ s: 1 });
  });

  it('accumulates senses, a sense of the same direction, side and classes replacing the earlier one', () => {
    const m = new LexiconBuilder()
      .add({ d: 1, side: 'a', bind: ['px'], str: 1 }, 'cut')
      .add({ d: -1, side: 'a', bind: ['px'], str: 2 }, 'cut')
      .add({ d: 1, side: 'b', bind: ['px'], str: 3 }, 'cut')
      .add({ d: 1, side: 'a', bind: ['q'], str: 4 }, 'cut')
      .add({ d: 1, side: 'a', str: 5 }, 'cut')
      .add({ d: 1, side: 'a', bind: ['px'], str: 6 }, 'cut').map;
    expect(m.get('cut')?.senses?.map((s) => s.str)).toEqual([2, 3, 4, 5, 6]);
    const n = new LexiconBuilder()
      .add({ d: 1, side: 'a' }, 'x')
      .add({ d: 1, side: 'a', str: 2 }, 'x').map;
    expect(n.get('x')?.senses).toStrictEqual([{ d: 1, side: 'a', bind: undefined, str: 2 }]);
    const o = new LexiconBuilder()
      .add({ d: 1, bind: ['px', 'q'] }, 'y')
      .add({ d: 1, bind: ['px'] }, 'y').map;
    expect(o.get('y')?.senses?.map((s) => s.bind)).toEqual([['px', 'q'], ['px']]);
  });

  it('gives a comparison a sense for its object: the other direction, after the verb only, market quantities only', () => {
    const m = new LexiconBuilder().add({ d: 1, side: 'b', str: 2, vs: true }, 'outstrips').map;
    expect(m.get('outstrips')).toStrictEqual({
      senses: [{ d: 1, side: 'b', bind: undefined, str: 2, vs: { d: -1, side: 'A', bind: ['flow', 'mac', 'inv'], str: 2 } }],
    });
    expect(new LexiconBuilder().add({ d: 1, vs: false }, 'rises').map.get('rises')?.senses?.[0].vs).toBeUndefined();
  });

  it('keeps the senses of an earlier definition when a later one has none', () => {
    const m = new LexiconBuilder().add({ d: 1 }, 'lift').add({ s: -1 }, 'lift').map;
    expect(m.get('lift')).toStrictEqual({ s: -1, senses: [{ d: 1, side: 'b', bind: undefined, str: 1 }] });
  });

  it("keeps a concept's standalone valence when a predicate sense is added later", () => {
    const m = new LexiconBuilder()
      .add({ cls: 'mil', s: -2, o: 1 }, 'strikes')
      .add({ d: 1, s: 1.5, o: 0 }, 'strikes').map;
    expect(m.get('strikes')).toStrictEqual({ cls: 'mil', s: -2, o: 1, senses: [{ d: 1, side: 'b', bind: undefined, str: 1.5 }] });
  });

  it('takes the new valence when the later entry is no predicate, restates the class, or the word was no concept', () => {
    const m = new LexiconBuilder()
      .add({ cls: 'mil', s: -2, o: 1 }, 'a', 'b')
      .add({ s: 1, o: 0 }, 'a')
      .add({ cls: 'ev', d: 1, s: 1, o: 0 }, 'b')
      .add({ s: -2, o: 1 }, 'c')
      .add({ d: 1, s: 1, o: 0 }, 'c').map;
    expect(m.get('a')).toStrictEqual({ cls: 'mil', s: 1, o: 0 });
    expect(m.get('b')).toMatchObject({ cls: 'ev', s: 1, o: 0 });
    expect(m.get('c')).toMatchObject({ s: 1, o: 0 });
  });
});
