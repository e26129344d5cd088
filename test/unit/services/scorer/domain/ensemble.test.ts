import { describe, expect, it } from 'vitest';
import { analyzeText, type Analysis } from '../../../../../services/scorer/domain/analyze.ts';
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

// The rule on analyses written here: only the fields combine reads.
function analysis(over: { evidence?: number; topics?: string[]; oil?: 'bullish' | 'bearish' | 'neutral'; empty?: boolean } = {}): Analysis {
  return {
    empty: over.empty ?? false,
    sentiment: { label: 'neutral', score: 0, confidence: 1 },
    oil_direction: { label: over.oil ?? 'neutral', strength: over.oil && over.oil !== 'neutral' ? 0.5 : 0 },
    topics: over.topics ?? [],
    evidence: { sentiment: over.evidence ?? 0, oil: 0, cues: 0, threshold: 0.5 },
  } as unknown as Analysis;
}
const probs = (negative: number, neutral: number, positive: number) => ({ negative, neutral, positive });

describe('domainProbs', () => {
  it('is softmax([(-S - T)·2.5, 0, (S - T)·2.5])', () => {
    const z = domainProbs(0, 0.5);
    expect(z.negative).toBeCloseTo(0.182138, 6);
    expect(z.neutral).toBeCloseTo(0.635724, 6);
    expect(z.positive).toBeCloseTo(0.182138, 6);
    const up = domainProbs(1, 0.2);
    expect(up.negative).toBeCloseTo(0.00589975, 7);
    expect(up.neutral).toBeCloseTo(0.118500, 6);
    expect(up.positive).toBeCloseTo(0.875601, 6);
    const down = domainProbs(-0.6, 0.2);
    expect(down.negative).toBeCloseTo(0.705385, 6);
    expect(down.neutral).toBeCloseTo(0.259496, 6);
    expect(down.positive).toBeCloseTo(0.035119, 6);
  });

  it('stays finite for evidence far beyond what exp could hold', () => {
    expect(domainProbs(400, 0.5)).toEqual({ negative: 0, neutral: 0, positive: 1 });
    expect(domainProbs(-400, 0.5)).toEqual({ negative: 1, neutral: 0, positive: 0 });
  });
});

describe('combine', () => {
  it('pools w·transformer + (1 - w)·domain, rounding score and confidence to 3 places', () => {
    // domain at S 0.3, T 0.5: 0.07770 / 0.57410 / 0.34821; pooled at w 0.25: 0.10827 / 0.50557 / 0.38616.
    expect(combine(analysis({ evidence: 0.3 }), probs(0.2, 0.3, 0.5), 0.25, 0.5).sentiment).toEqual({ label: 'neutral', score: 0.278, confidence: 0.506 });
    expect(combine(analysis({ evidence: 0.3 }), probs(0.2, 0.3, 0.5), 1, 0.5).sentiment).toEqual({ label: 'positive', score: 0.3, confidence: 0.5 });
    expect(combine(analysis({ evidence: 0.3 }), probs(0.2, 0.3, 0.5), 0, 0.5).sentiment).toEqual({ label: 'neutral', score: 0.271, confidence: 0.574 });
  });

  it('clamps the weight to 0..1', () => {
    expect(combine(analysis(), probs(0, 0, 1), 5, 0.5).sentiment).toEqual({ label: 'positive', score: 1, confidence: 1 });
    expect(combine(analysis({ evidence: 0.3 }), probs(0, 0, 1), -2, 0.5).sentiment).toEqual({ label: 'neutral', score: 0.271, confidence: 0.574 });
  });

  it('labels by the largest probability: a positive-negative tie is positive, a tie with neutral is neutral', () => {
    const label = (p: ReturnType<typeof probs>) => combine(analysis(), p, 1, 0.5).sentiment.label;
    expect(label(probs(0.45, 0.1, 0.45))).toBe('positive');
    expect(label(probs(0.3, 0.3, 0.4))).toBe('positive');
    expect(label(probs(0.4, 0.35, 0.25))).toBe('negative');
    expect(label(probs(0.5, 0.2, 0.3))).toBe('negative');
    expect(label(probs(0.5, 0.5, 0))).toBe('neutral');
    expect(label(probs(0, 0.5, 0.5))).toBe('neutral');
    expect(label(probs(0.2, 0.6, 0.2))).toBe('neutral');
    expect(combine(analysis(), probs(0.7, 0.2, 0.1), 1, 0.5).sentiment).toEqual({ label: 'negative', score: -0.6, confidence: 0.7 });
  });

  it('gives a macro story without an oil-specific topic and without its own oil direction the tone as direction', () => {
    const macro = analysis({ topics: ['macro'] });
    expect(combine(macro, probs(0, 0, 1), 1, 0.5).oil_direction).toEqual({ label: 'bullish', strength: 0.333 });
    expect(combine(macro, probs(0.9, 0.1, 0), 1, 0.5).oil_direction).toEqual({ label: 'bearish', strength: 0.3 });
    expect(combine(analysis({ topics: ['macro', 'opec'] }), probs(0, 0, 1), 1, 0.5).oil_direction).toEqual({ label: 'neutral', strength: 0 });
    expect(combine(analysis({ topics: ['opec'] }), probs(0, 0, 1), 1, 0.5).oil_direction).toEqual({ label: 'neutral', strength: 0 });
    expect(combine(analysis({ topics: ['macro'], oil: 'bearish' }), probs(0, 0, 1), 1, 0.5).oil_direction).toEqual({ label: 'bearish', strength: 0.5 });
    expect(combine(macro, probs(0.1, 0.8, 0.1), 1, 0.5).oil_direction).toEqual({ label: 'neutral', strength: 0 });
  });

  it('returns an empty analysis as it is, whatever the transformer says', () => {
    const a = analysis({ empty: true, topics: ['macro'] });
    expect(combine(a, probs(0, 0, 1), 1, 0.5)).toStrictEqual({ sentiment: a.sentiment, oil_direction: a.oil_direction });
  });
});
