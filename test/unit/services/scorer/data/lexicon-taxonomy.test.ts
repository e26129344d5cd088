import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { LEXICON } from '../../../../../services/scorer/domain/lexicon.ts';

interface Group {
  why: string;
  entry: Record<string, unknown>;
  words: string[];
}
const { groups } = JSON.parse(readFileSync('services/scorer/data/lexicon-taxonomy.json', 'utf8')) as { groups: Group[] };
const key = (w: string) => w.toLowerCase().replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
/** The last group that names a word decides its fields. */
const last = new Map<string, Group>();
for (const g of groups) for (const w of g.words) last.set(key(w), g);
const ofKind = (pred: (e: Record<string, unknown>) => boolean) => [...last.entries()].filter(([, g]) => pred(g.entry));

describe('lexicon data: docs/taxonomy.md readings (services/scorer/data/lexicon-taxonomy.json)', () => {
  it('every group says why and lists words', () => {
    for (const g of groups) {
      expect(g.why.length, JSON.stringify(g.entry)).toBeGreaterThan(10);
      expect(g.words.length).toBeGreaterThan(0);
    }
  });

  it('valence entries reach the lexicon with their sentiment and oil values', () => {
    const valence = ofKind((e) => e.s !== undefined && e.mod === undefined && e.d === undefined && e.cls === undefined);
    expect(valence.length).toBeGreaterThan(20);
    for (const [w, g] of valence) {
      expect(LEXICON.get(w)?.s, w).toBe(g.entry.s);
      if (typeof g.entry.o === 'number') expect(LEXICON.get(w)?.o, w).toBe(g.entry.o);
    }
    expect(analyzeText('EU fines Google over Android').sentiment.label).toBe('negative');
  });

  it('the arms trade is commerce: no military topic, no oil direction, no tone of its own', () => {
    const arms = groups.find((g) => g.words.includes('arms sale'))!;
    for (const w of arms.words) expect(LEXICON.get(key(w)), w).toMatchObject({ s: 0, o: 0 });
    for (const text of ['Saudi Arabia signs arms deal with US', 'US approves $8 billion arms sale to Saudi Arabia', 'Trump halts arms sales to Saudi']) {
      const a = analyzeText(text);
      expect(a.topics, text).not.toContain('military');
      expect(a.oil_direction.label, text).toBe('neutral');
    }
    // Arms used or seized stay what they were.
    expect(analyzeText('Rebels seize arms depot near oil field').oil_direction.label).toBe('bullish');
  });

  it('a mediator\'s verb with its object and a prisoner exchange are mediation; brokers alone are firms', () => {
    const mediation = groups.find((g) => g.words.includes('brokers breakthrough'))!;
    const gate = JSON.parse(readFileSync('services/scorer/data/topic-context.json', 'utf8')) as { topics: { mediation: { strong: string[]; block: string[] } } };
    // "brokers" blocks mediation (company news), so each phrase must be strong to pass the gate.
    expect(gate.topics.mediation.block).toContain('brokers');
    for (const w of mediation.words) {
      expect(LEXICON.get(key(w))?.t, w).toEqual(['mediation']);
      expect(gate.topics.mediation.strong, w).toContain(w);
    }
    const a = analyzeText('Qatar brokers breakthrough in US-Iran talks');
    expect(a.topics).toEqual(['mediation']);
    expect(a.oil_direction.label).toBe('bearish');
    expect(a.relevance).toBeGreaterThanOrEqual(60);
    const b = analyzeText('Iran, US trade prisoners in Qatar-brokered deal');
    expect(b.topics).toContain('mediation');
    expect(b.topics).not.toContain('macro');
    for (const text of ['Japan brokers readying for new client surge', 'Insurance brokers in talks to merge']) expect(analyzeText(text).topics, text).toEqual([]);
  });

  it('skip entries are function phrases with no topic, so company prose stays unrelated', () => {
    const skips = ofKind((e) => e.mod === 'skip');
    expect(skips.length).toBeGreaterThan(10);
    for (const [w] of skips) {
      expect(LEXICON.get(w)?.mod, w).toBe('skip');
      expect(LEXICON.get(w)?.t, w).toBeUndefined();
    }
    expect(analyzeText('The firm supplies lifting equipment to shipyards .').topics).toEqual([]);
  });

  it('topic entries carry their topics, and cleared topics stay cleared', () => {
    for (const [w, g] of ofKind((e) => e.t !== undefined)) {
      if (g.entry.t === null) expect(LEXICON.get(w)?.t, w).toBeUndefined();
      else expect(LEXICON.get(w)?.t, w).toEqual(g.entry.t);
    }
    expect(analyzeText('Israel and Iran trade accusations of truce violations').topics).not.toContain('macro');
    expect(analyzeText('Bank of England holds rates at 5.25%').topics).toContain('macro');
  });

  it('oil-weight entries only re-weigh phrases an earlier layer defines, so they never swallow a concept', () => {
    const oilOnly = groups.filter((g) => Object.keys(g.entry).every((k) => k === 'oil'));
    expect(oilOnly.length).toBeGreaterThan(0);
    for (const g of oilOnly) {
      for (const w of g.words) {
        const e = LEXICON.get(key(w));
        expect(e?.oil, w).toBe(g.entry.oil);
        expect(Object.keys(e ?? {}).some((k) => k !== 'oil'), `${w} has only an oil weight`).toBe(true);
      }
    }
    expect(analyzeText('Libya oil port reopens').oil_direction.label).toBe('bearish');
  });

  it('concept and predicate entries bind as designed', () => {
    for (const [w, g] of ofKind((e) => e.cls !== undefined)) expect(LEXICON.get(w)?.cls, w).toBe(g.entry.cls);
    for (const [w] of ofKind((e) => e.d !== undefined)) expect(LEXICON.get(w)?.senses?.length, w).toBeGreaterThan(0);
    expect(analyzeText('OPEC+ pact falls apart as Russia refuses deeper cuts').oil_direction.label).toBe('bearish');
  });
});
