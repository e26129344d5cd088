import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../../shared/errors.ts';
import { compileGazetteer, GAZETTEER, parseGazetteer } from '../../../../../services/scorer/domain/gazetteer.ts';

describe('gazetteer (services/scorer/data/gazetteer.json)', () => {
  it('holds the curated entities, each named once, with a kind, aliases and a weight', () => {
    expect(GAZETTEER.length).toBe(113);
    expect(new Set(GAZETTEER.map((e) => e.name)).size).toBe(GAZETTEER.length);
    for (const e of GAZETTEER) {
      expect(e.aliases.length + (e.cased?.length ?? 0), e.name).toBeGreaterThan(0);
      expect([0, 1, 2], e.name).toContain(e.weight);
      expect(e, e.name).not.toHaveProperty('section');
    }
  });

  it('maps capitals, adjectives and cased abbreviations to the canonical name', () => {
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

  it('refuses an entity with a bad kind or weight, and drops the section label', () => {
    expect(() => parseGazetteer([{ name: 'X', kind: 'planet', aliases: ['x'], weight: 1 }])).toThrow(AppError);
    expect(() => parseGazetteer([{ name: 'X', kind: 'country', aliases: ['x'], weight: 3 }])).toThrow(/weight 0-2/);
    expect(() => parseGazetteer([{ name: 'X', kind: 'country', weight: 1 }])).toThrow(/aliases/);
    expect(parseGazetteer([{ section: 'Test', name: 'X', kind: 'place', aliases: ['x'], weight: 0 }])).toEqual([{ name: 'X', kind: 'place', aliases: ['x'], weight: 0 }]);
  });
});
