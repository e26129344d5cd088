import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../../shared/errors.ts';

// Imported inside each test: the data file is checked while the module loads, and a load that
// throws (a kind or weight check that refuses the data) must fail a test, not only the file's import.
const load = () => import('../../../../../services/scorer/domain/gazetteer.ts');

describe('gazetteer (services/scorer/data/gazetteer.json)', () => {
  it('holds the curated entities, each named once, with a kind, aliases and a weight', async () => {
    const { GAZETTEER } = await load();
    expect(GAZETTEER.length).toBe(114);
    expect(new Set(GAZETTEER.map((e) => e.name)).size).toBe(GAZETTEER.length);
    for (const e of GAZETTEER) {
      expect(e.aliases.length + (e.cased?.length ?? 0), e.name).toBeGreaterThan(0);
      expect([0, 1, 2], e.name).toContain(e.weight);
      expect(e, e.name).not.toHaveProperty('section');
    }
  });

  it('maps capitals, adjectives and cased abbreviations to the canonical name', async () => {
    const { compileGazetteer, GAZETTEER } = await load();
    const g = compileGazetteer();
    const name = (alias: string) => GAZETTEER[g.lower.get(alias) ?? -1]?.name;
    expect(name('muscat')).toBe('Oman');
    expect(name('iranian')).toBe('Iran');
    expect(name('strait of hormuz')).toBe('Strait of Hormuz');
    expect(name('opec +')).toBe('OPEC');
    expect(GAZETTEER[g.cased.get('UAE') ?? -1]?.name).toBe('United Arab Emirates');
    expect(g.lower.has('us')).toBe(false);
    expect(g.maxLen).toBeGreaterThanOrEqual(4);
  });

  it('refuses an entity with a bad kind or weight, and drops the section label', async () => {
    const { parseGazetteer } = await load();
    expect(() => parseGazetteer([{ name: 'X', kind: 'planet', aliases: ['x'], weight: 1 }])).toThrow(AppError);
    expect(() => parseGazetteer([{ name: 'X', kind: 'country', aliases: ['x'], weight: 3 }])).toThrow(/weight 0-2/);
    expect(() => parseGazetteer([{ name: 'X', kind: 'country', weight: 1 }])).toThrow(/aliases/);
    expect(parseGazetteer([{ section: 'Test', name: 'X', kind: 'place', aliases: ['x'], weight: 0 }])).toEqual([{ name: 'X', kind: 'place', aliases: ['x'], weight: 0 }]);
  });
});

describe('parseGazetteer and compileGazetteer on entities written here', () => {
  const ok = { name: 'X', kind: 'country', aliases: ['x'], weight: 1 };

  it('refuses each missing or wrong field alone, naming the entity and the kinds', async () => {
    const { parseGazetteer } = await load();
    expect(() => parseGazetteer([ok, { ...ok, name: 7 }])).toThrow('data/gazetteer.json entity 1 (7) needs a name, a kind of country/org/person/place/group/company, aliases and a weight 0-2');
    expect(() => parseGazetteer([{ ...ok, kind: undefined }])).toThrow(/entity 0 \(X\)/);
    expect(() => parseGazetteer([{ ...ok, weight: '1' }])).toThrow(AppError);
    expect(() => parseGazetteer([{ ...ok, weight: -1 }])).toThrow(AppError);
    expect(() => parseGazetteer([{ ...ok, aliases: 'x' }])).toThrow(AppError);
  });

  it('accepts every kind and every weight 0-2, keeping the other fields', async () => {
    const { parseGazetteer } = await load();
    const kinds = ['country', 'org', 'person', 'place', 'group', 'company'];
    const parsed = parseGazetteer(kinds.map((kind, i) => ({ ...ok, kind, weight: i % 3, topics: ['opec'], geo: true })));
    expect(parsed.map((e) => `${e.kind}${e.weight}`)).toEqual(['country0', 'org1', 'person2', 'place0', 'group1', 'company2']);
    expect(parsed[0]).toStrictEqual({ name: 'X', kind: 'country', aliases: ['x'], weight: 0, topics: ['opec'], geo: true });
  });

  it('keys aliases in lower case, a hyphen as a space and a plus as its own token, white space collapsed and trimmed', async () => {
    const { compileGazetteer } = await load();
    const g = compileGazetteer([
      { name: 'A', kind: 'org', aliases: ['OPEC+', ' Abu  Dhabi '], weight: 2 },
      { name: 'B', kind: 'place', aliases: ['Bab-el-Mandeb'], cased: ['BEM', 'Bab'], weight: 2 },
    ]);
    expect([...g.lower]).toEqual([['opec +', 0], ['abu dhabi', 0], ['bab el mandeb', 1]]);
    expect([...g.cased]).toEqual([['BEM', 1], ['Bab', 1]]);
    expect(g.maxLen).toBe(3);
  });

  it('bounds the phrase length at 1 for one-token aliases and none at all', async () => {
    const { compileGazetteer } = await load();
    expect(compileGazetteer([{ name: 'A', kind: 'org', aliases: ['iea'], weight: 1 }]).maxLen).toBe(1);
    expect(compileGazetteer([])).toStrictEqual({ lower: new Map(), cased: new Map(), maxLen: 1 });
  });

  it('lets a later entity take an alias an earlier one had', async () => {
    const { compileGazetteer } = await load();
    const g = compileGazetteer([
      { name: 'A', kind: 'org', aliases: ['gulf'], cased: ['G'], weight: 1 },
      { name: 'B', kind: 'place', aliases: ['Gulf'], cased: ['G'], weight: 1 },
    ]);
    expect(g.lower.get('gulf')).toBe(1);
    expect(g.cased.get('G')).toBe(1);
  });

  it('compiles the data file by default', async () => {
    const { compileGazetteer, GAZETTEER } = await load();
    expect(compileGazetteer()).toStrictEqual(compileGazetteer(GAZETTEER));
  });
});
