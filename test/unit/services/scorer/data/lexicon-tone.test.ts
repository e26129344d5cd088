import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { LEXICON } from '../../../../../services/scorer/domain/lexicon.ts';

interface Group {
  why: string;
  entry: Record<string, unknown>;
  words: string[];
}
const { groups } = JSON.parse(readFileSync('services/scorer/data/lexicon-tone.json', 'utf8')) as { groups: Group[] };
const key = (w: string) => w.toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
/** The last group that names a word decides its fields (this file is the last lexicon layer). */
const last = new Map<string, Group>();
for (const g of groups) for (const w of g.words) last.set(key(w), g);
const ofKind = (pred: (e: Record<string, unknown>) => boolean) => [...last.entries()].filter(([, g]) => pred(g.entry));
const tone = (t: string) => analyzeText(t).sentiment.label;

describe('lexicon data: tone readings of docs/taxonomy.md (services/scorer/data/lexicon-tone.json)', () => {
  it('every group says why and lists words', () => {
    expect(groups.length).toBeGreaterThan(10);
    for (const g of groups) {
      expect(g.why.length, JSON.stringify(g.entry)).toBeGreaterThan(10);
      expect(g.words.length).toBeGreaterThan(0);
    }
  });

  it('valence entries reach the lexicon with their sentiment value', () => {
    const valence = ofKind((e) => e.s !== undefined && e.cs === undefined && e.mod === undefined);
    expect(valence.length).toBeGreaterThan(40);
    for (const [w, g] of valence) expect(LEXICON.get(w)?.s, w).toBe(g.entry.s);
    expect(tone('Microsoft to buy Nuance for $16 billion')).toBe('positive');
    expect(tone('Regulators fine bank $1 billion')).toBe('negative');
    expect(tone('Union strikes at car plant over pay')).toBe('negative');
    expect(tone('China economy grows 4.9%, missing forecasts')).toBe('negative');
    expect(tone('UK imposes windfall tax on oil producers')).toBe('negative');
    expect(tone('Spotify posts first annual profit')).toBe('positive');
    expect(tone('Fed signals rate cuts next year')).toBe('positive');
  });

  it('a labour strike is no military story, and is bullish only at an oil site', () => {
    expect(analyzeText('Union strikes at car plant over pay').topics).toEqual([]);
    expect(analyzeText('Union strikes at car plant over pay').oil_direction.label).toBe('neutral');
    expect(analyzeText('French refinery workers strike, causing fuel shortages').oil_direction.label).toBe('bullish');
  });

  it('concept entries carry their tone sign, so what happens to them decides the tone', () => {
    const concepts = ofKind((e) => e.cs !== undefined);
    expect(concepts.length).toBeGreaterThan(100);
    for (const [w, g] of concepts) {
      expect(LEXICON.get(w)?.cs, w).toBe(g.entry.cs);
      if (g.entry.cls !== undefined) expect(LEXICON.get(w)?.cls, w).toBe(g.entry.cls);
    }
    expect(tone('Measles cases surge in Europe')).toBe('negative');
    expect(tone('Inflation eases to 2.1%')).toBe('positive');
    expect(tone('Zoom revenue growth slows')).toBe('negative');
    expect(tone('Central bank hikes key rate to 21%')).toBe('negative');
  });

  it('policy facts and diplomacy under way are neutral; outcomes and breakdowns carry the tone', () => {
    expect(tone('US imposes new sanctions on Iran oil sector')).toBe('neutral');
    expect(tone('EU adopts 12th sanctions package against Russia')).toBe('neutral');
    expect(tone('Ruble crashes as Western sanctions bite')).toBe('negative');
    expect(tone('Iran and US hold indirect nuclear talks in Oman')).toBe('neutral');
    expect(tone('Iran nuclear talks collapse')).toBe('negative');
    expect(tone('Iran and US reach nuclear agreement')).toBe('positive');
    expect(tone('Khashoggi killing strains Saudi-US relations')).toBe('negative');
  });

  it('oil volumes moving are the oil view, not a tone, while their oil direction stays', () => {
    const a = analyzeText('Saudi crude exports fall to lowest in months');
    expect(a.sentiment.label).toBe('neutral');
    expect(a.oil_direction.label).toBe('bullish');
    expect(tone('US crude inventories rise for a third week')).toBe('neutral');
  });

  it('a bare "weighs" is a hedge, the pressure reading needs "weighs on"', () => {
    expect(LEXICON.get('weighs')?.mod).toBe('hedge');
    expect(LEXICON.get('weighs on')?.senses?.[0]?.d).toBe(-1);
    const a = analyzeText('Israel weighs response to missile attack');
    expect(a.sentiment.label).toBe('negative');
    expect(a.oil_direction.label).toBe('bullish');
  });
});
