import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { combine, domainProbs } from '../../../../../services/scorer/domain/ensemble.ts';

describe('ensemble rule', () => {
  it('turns domain evidence into a distribution that is neutral at zero and even at the threshold', () => {
    const z = domainProbs(0, 0.5);
    expect(z.neutral).toBeGreaterThan(0.5);
    expect(z.positive).toBeCloseTo(z.negative);
    const t = domainProbs(0.5, 0.5);
    expect(t.positive).toBeCloseTo(t.neutral);
  });
  it('pools with the configured weight and keeps the topic-aware oil direction', () => {
    const a = analyzeText('Israel and Hamas agree to ceasefire');
    const out = combine(a, { negative: 0.1, neutral: 0.1, positive: 0.8 }, 0.6, a.evidence.threshold);
    expect(out.sentiment.label).toBe('positive');
    expect(out.oil_direction).toEqual(a.oil_direction);
    expect(out.oil_direction.label).toBe('bearish');
    const against = combine(a, { negative: 1, neutral: 0, positive: 0 }, 1, a.evidence.threshold);
    expect(against.sentiment.label).toBe('negative');
    const domainOnly = combine(a, { negative: 1, neutral: 0, positive: 0 }, 0, a.evidence.threshold);
    expect(domainOnly.sentiment.label).toBe('positive');
  });
  it('leaves empty text alone', () => {
    const a = analyzeText('');
    expect(combine(a, { negative: 1, neutral: 0, positive: 0 }, 1, 0.5).sentiment).toEqual(a.sentiment);
  });
});
