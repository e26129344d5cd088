import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { relevanceBand } from '../../../../../services/scorer/domain/relevance.ts';

const base = { priceReport: false, titleOil: 0, oil: 0, topics: [] as const, channel: false, entityWeight: 0, strength: 0 };

describe('relevance bands (docs/taxonomy.md)', () => {
  it('puts each kind of headline in its band', () => {
    expect(relevanceBand({ ...base, priceReport: true, titleOil: 2, oil: 2 })).toBeGreaterThanOrEqual(90);
    expect(relevanceBand({ ...base, topics: ['opec'], oil: 1 })).toBeGreaterThanOrEqual(85);
    const diplomacy = relevanceBand({ ...base, topics: ['mediation'], channel: true, entityWeight: 3, strength: 0.3 });
    expect(diplomacy).toBeGreaterThanOrEqual(60);
    expect(diplomacy).toBeLessThan(90);
    const macro = relevanceBand({ ...base, topics: ['macro'], strength: 0.2 });
    expect(macro).toBeGreaterThanOrEqual(30);
    expect(macro).toBeLessThan(60);
    expect(relevanceBand(base)).toBeLessThan(30);
  });

  it('scores Middle-East diplomacy without an oil word at 60-89, above the default alert threshold', () => {
    for (const t of ['Iran rejects US proposal for direct talks', 'Qatar says Gaza ceasefire talks at a critical stage', 'Israel and Hezbollah agree to US-brokered ceasefire']) {
      const r = analyzeText(t).relevance;
      expect(r, t).toBeGreaterThanOrEqual(60);
      expect(r, t).toBeLessThan(90);
    }
  });

  it('keeps general business news under 30 and oil-price compounds in the oil band', () => {
    expect(analyzeText('Disney merger talks with Comcast collapse over price').relevance).toBeLessThan(30);
    expect(analyzeText('G7 agrees $60 price cap on Russian oil').relevance).toBeGreaterThanOrEqual(85);
  });
});
