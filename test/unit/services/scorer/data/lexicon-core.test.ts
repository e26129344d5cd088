import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { LEXICON } from '../../../../../services/scorer/domain/lexicon.ts';

interface Group {
  why: string;
  entry: Record<string, unknown>;
  words: string[];
}
const layer = (file: string) => (JSON.parse(readFileSync(`services/scorer/data/${file}`, 'utf8')) as { groups: Group[] }).groups;
const core = layer('lexicon-core.json');
const later = [...layer('lexicon-taxonomy.json'), ...layer('lexicon-tone.json')];
const key = (w: string) => w.toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
/** Words no later layer redefines: the core group that names them last decides their fields. */
const overridden = new Set(later.flatMap((g) => g.words.map(key)));
const last = new Map<string, Group>();
for (const g of core) for (const w of g.words) last.set(key(w), g);
const ofKind = (pred: (e: Record<string, unknown>) => boolean) => [...last.entries()].filter(([w, g]) => !overridden.has(w) && pred(g.entry));
const PRED_KEYS = new Set(['d', 'side', 'bind', 'str', 'win', 'vs']);

describe('lexicon data: the core layer (services/scorer/data/lexicon-core.json)', () => {
  it('every group says why and lists words; about 4,000 entries in all', () => {
    expect(core.length).toBe(189);
    for (const g of core) {
      expect(g.why.length, JSON.stringify(g.entry)).toBeGreaterThan(5);
      expect(g.words.length, g.why).toBeGreaterThan(0);
      for (const w of g.words) expect(w.trim(), g.why).toBe(w);
    }
    expect(LEXICON.size).toBeGreaterThan(4000);
  });

  it('valence words reach the lexicon with their sentiment and oil values', () => {
    const valence = ofKind((e) => e.mod === undefined && e.d === undefined && e.cls === undefined && (e.s !== undefined || e.o !== undefined));
    expect(valence.length).toBeGreaterThan(500);
    for (const [w, g] of valence) {
      if (g.entry.s !== undefined) expect(LEXICON.get(w)?.s, w).toBe(g.entry.s);
      if (g.entry.o !== undefined) expect(LEXICON.get(w)?.o, w).toBe(g.entry.o);
    }
    expect(LEXICON.get('bankruptcy')?.s).toBe(-3);
    expect(analyzeText('Company files for bankruptcy').sentiment.label).toBe('negative');
  });

  it('concepts carry a class and the signs of "more of it" for tone and for Brent', () => {
    const concepts = ofKind((e) => e.cls !== undefined && e.d === undefined);
    expect(concepts.length).toBeGreaterThan(300);
    for (const [w, g] of concepts) {
      expect(LEXICON.get(w)?.cls, w).toBe(g.entry.cls);
      if (g.entry.cs !== undefined) expect(LEXICON.get(w)?.cs, w).toBe(g.entry.cs);
    }
    expect(LEXICON.get('inventories')).toMatchObject({ cls: 'inv', co: -1 });
    expect(analyzeText('Operating profit rose to EUR 5 mn').sentiment.label).toBe('positive');
  });

  it('predicates compile to senses with their direction and the classes they bind', () => {
    const preds = ofKind((e) => e.d !== undefined);
    expect(preds.length).toBeGreaterThan(300);
    for (const [w, g] of preds) {
      const senses = LEXICON.get(w)?.senses ?? [];
      expect(senses.some((s) => s.d === g.entry.d && (g.entry.bind === undefined || String(s.bind) === String(g.entry.bind))), w).toBe(true);
    }
    expect(LEXICON.get('draw')?.senses?.some((s) => s.bind?.includes('inv'))).toBe(true);
    expect(analyzeText('US crude inventories fall sharply').oil_direction.label).toBe('bullish');
  });

  it('modifiers keep their kind: negation, denial, intensity, contrast, hedges, comparisons, skips', () => {
    const mods = ofKind((e) => e.mod !== undefined);
    const kinds = new Set(mods.map(([, g]) => g.entry.mod));
    expect([...kinds].sort()).toEqual(['but', 'cmp', 'deny', 'despite', 'hedge', 'int', 'neg', 'skip']);
    for (const [w, g] of mods) {
      expect(LEXICON.get(w)?.mod, w).toBe(g.entry.mod);
      if (g.entry.mult !== undefined) expect(LEXICON.get(w)?.mult, w).toBe(g.entry.mult);
    }
    expect(analyzeText('Profit did not rise').evidence.sentiment).toBeLessThan(0);
  });

  it('no entry mixes a modifier with predicate fields', () => {
    for (const g of core) if (g.entry.mod !== undefined && g.entry.mod !== 'skip') expect(Object.keys(g.entry).some((k) => PRED_KEYS.has(k)), g.why).toBe(false);
  });
});
