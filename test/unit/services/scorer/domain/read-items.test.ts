import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../../services/scorer/domain/read-items.ts';
import { Kind, tokenize } from '../../../../../services/scorer/domain/text.ts';

// Imported inside each test: the token trie is built while the module loads, and a build that throws
// must fail a test, not only the file's import.
const load = () => import('../../../../../services/scorer/domain/read-items.ts');

describe('reading phase 1: items', () => {
  it('matches the longest lexicon phrase and entity alias, an entity winning ties', async () => {
    const { buildItems, conceptOf, entityEntry, hasValence, joinLow } = await load();
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

  it('counts positions without function words, restarts them per sentence, keeps punctuation items', async () => {
    const { buildItems } = await load();
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

  it('leaves the direction of "hits a record" to the level word: the level verb reads as a function word', async () => {
    const { buildItems } = await load();
    const t = tokenize('Brent hits record high');
    expect(buildItems(t)[1].e).toEqual({ mod: 'skip' });
  });

  it('matches a cased alias only as written', async () => {
    const { buildItems } = await load();
    expect(buildItems(tokenize('US sanctions')).map((it) => it.ent >= 0)).toEqual([true, false]);
    expect(buildItems(tokenize('tell us more')).some((it) => it.ent >= 0)).toBe(false);
  });

  it('finds every cased alias of the gazetteer as written, the longest and shortest too, and none in another case', async () => {
    const { buildItems, entityEntry } = await load();
    const { GAZETTEER } = await import('../../../../../services/scorer/domain/gazetteer.ts');
    const cased = GAZETTEER.flatMap((e) => (e.cased ?? []).map((c) => [c, e.name] as const));
    expect(cased.length).toBeGreaterThan(10);
    for (const [alias, name] of cased) {
      const items = buildItems(tokenize(`zz ${alias} zz`));
      // A cased alias can also be a lower-case one ("Shell"); as written, the entity is found either way.
      expect(entityEntry(items[1].ent).name, alias).toBe(name);
      const other = alias.toLowerCase() === alias ? alias.toUpperCase() : alias.toLowerCase();
      const lowerAlias = GAZETTEER.some((e) => e.aliases.some((a) => a.toLowerCase() === alias.toLowerCase()));
      if (!lowerAlias) expect(buildItems(tokenize(`zz ${other} zz`))[1].ent, other).toBe(-1);
    }
  });
});

describe('reading phase 1: items, match by match', () => {
  const spans = async (text: string) => {
    const t = tokenize(text);
    return { t, items: (await load()).buildItems(t) };
  };

  it('reads a level verb as a function word only with a level word in the four tokens after it', async () => {
    const { hasValence } = await load();
    const near = await spans('Brent hits xa xb xc record');
    expect(near.items[1].e).toEqual({ mod: 'skip' });
    expect(near.items.map((it) => it.pos)).toEqual([1, 1, 2, 3, 4, 5]);
    const far = await spans('Brent hits xa xb xc xd record');
    expect(far.items[1].e?.mod).not.toBe('skip');
    expect(hasValence(far.items[1])).toBe(true);
    expect(far.items.map((it) => it.pos)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('matches a multi-word alias as one entity item, and a word that only starts an alias as a plain word', async () => {
    const { conceptOf, entityEntry, joinLow } = await load();
    const { t, items } = await spans('islamic republic talks');
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
      const one = (await spans(text)).items[0];
      expect([one.start, one.end, one.ent, one.e], text).toEqual([0, 1, -1, undefined]);
    }
  });

  it('counts commas as positions, restarts at a sentence end, and numbers sentences', async () => {
    const { items } = await spans('Iran , Iraq . Qatar');
    expect(items.map((it) => [it.kind, it.pos, it.sentence])).toEqual([
      [Kind.Word, 1, 0],
      [Kind.Comma, 2, 0],
      [Kind.Word, 3, 0],
      [Kind.Stop, 0, 1],
      [Kind.Word, 1, 1],
    ]);
    expect(items.map((it) => it.ent >= 0)).toEqual([true, false, true, false, true]);
  });

  it('says which items carry valence: a subject tone, a concept class, a predicate; not numbers or punctuation', async () => {
    const { conceptOf, hasValence } = await load();
    const { items } = await spans('Oil denies involvement , truce proposal rejected 5 .');
    expect(items.map((it) => hasValence(it))).toEqual([true, true, false, true, true, false, false]);
    expect(conceptOf(items[3])).toBe(items[3].e);
  });
});

describe('reading phase 1: items, the cases between the rules', () => {
  const read = async (text: string) => {
    const m = await load();
    const t = tokenize(text);
    return { m, t, items: m.buildItems(t) };
  };

  it('gives each punctuation, number and symbol item its one token and moves the position only at commas', async () => {
    const { items } = await read('Iran ( 5 $ ) , Iraq');
    expect(items.map((it) => [it.start, it.end, it.kind, it.pos])).toEqual([
      [0, 1, Kind.Word, 1],
      [1, 2, Kind.Open, 1],
      [2, 3, Kind.Num, 1],
      [3, 4, Kind.Symbol, 1],
      [4, 5, Kind.Close, 1],
      [5, 6, Kind.Comma, 2],
      [6, 7, Kind.Word, 3],
    ]);
  });

  it('prefers a longer lower-case alias to a cased one-word alias ("US Central Command" is not "US")', async () => {
    const { m, items } = await read('US Central Command strikes');
    expect([items[0].start, items[0].end]).toEqual([0, 3]);
    expect(m.entityEntry(items[0].ent).name).not.toBe(m.entityEntry((await read('US strikes')).items[0].ent).name);
  });

  it('lets a lexicon phrase longer than the entity it starts with win ("OPEC output")', async () => {
    const { items } = await read('OPEC output rises');
    expect([items[0].start, items[0].end, items[0].ent]).toEqual([0, 2, -1]);
    expect(items[0].e).toBeTypeOf('object');
    const alone = (await read('OPEC rises')).items[0];
    expect([alone.start, alone.end]).toEqual([0, 1]);
    expect(alone.ent).toBeGreaterThanOrEqual(0);
  });

  it('reads only a one-word level verb with a lexicon entry, followed by a level word, as a function word', async () => {
    // A phrase that starts with a level verb keeps its reading.
    const phrase = (await read('Tanker hit by drone near record')).items[1];
    expect([phrase.start, phrase.end]).toEqual([1, 3]);
    expect(phrase.e?.mod).not.toBe('skip');
    // A level verb with no entry of its own stays without one.
    expect((await read('Brent touches record high')).items[1].e).toBeUndefined();
    // A word that is no level verb keeps its entry before a level word.
    const { m, items } = await read('Oil rises to record');
    expect(items[1].e?.mod).not.toBe('skip');
    expect(m.hasValence(items[1])).toBe(true);
    // Only the words after the verb count: a level word before it does not.
    expect((await read('record hits xa')).items[1].e?.mod).not.toBe('skip');
  });

  it('says an entry has valence when it has any one of a tone, an oil sign, a predicate sense or a concept class', async () => {
    const { hasValence } = await load();
    const item = (e: Item['e']): Item => ({ start: 0, end: 1, kind: Kind.Word, e, ent: -1, pos: 1, sentence: 0 });
    expect(hasValence(item({ s: 0.5 }))).toBe(true);
    expect(hasValence(item({ o: -1 }))).toBe(true);
    expect(hasValence(item({ senses: [{ d: 1, side: 'A', str: 1 }] }))).toBe(true);
    expect(hasValence(item({ cls: 'ev' }))).toBe(true);
    expect(hasValence(item({ mod: 'skip' }))).toBe(false);
    expect(hasValence(item(undefined))).toBe(false);
  });
});
