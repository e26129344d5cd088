/**
 * The ensemble rule. The domain model's evidence S becomes a distribution
 * softmax([(-S - T)·k, 0, (S - T)·k]) (k = 2.5, T its label threshold), so it is neutral
 * at S = 0 and crosses into a label exactly where the domain model's own label changes.
 * With a transformer configured: p = w·p_transformer + (1 - w)·p_domain, label = argmax p,
 * score = p(positive) - p(negative), confidence = max p. Oil direction stays the domain
 * model's (topic-aware); only macro stories with no oil-specific topic take the ensemble's
 * tone, as the domain model itself does for them.
 */
import { OIL_SPECIFIC_TOPICS } from '../../../shared/contracts/events.ts';
import type { OilDirectionLabel, SentimentLabel, SentimentProbs } from '../ports.ts';
import type { Analysis } from './analyze.ts';

const K = 2.5;

export function domainProbs(evidence: number, threshold: number): SentimentProbs {
  const neg = (-evidence - threshold) * K;
  const pos = (evidence - threshold) * K;
  const m = Math.max(neg, 0, pos);
  const en = Math.exp(neg - m);
  const e0 = Math.exp(-m);
  const ep = Math.exp(pos - m);
  const s = en + e0 + ep;
  return { negative: en / s, neutral: e0 / s, positive: ep / s };
}

export interface EnsembleResult {
  sentiment: { label: SentimentLabel; score: number; confidence: number };
  oil_direction: { label: OilDirectionLabel; strength: number };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function combine(analysis: Analysis, transformer: SentimentProbs, weight: number, threshold: number): EnsembleResult {
  if (analysis.empty) return { sentiment: analysis.sentiment, oil_direction: analysis.oil_direction };
  const d = domainProbs(analysis.evidence.sentiment, threshold);
  const w = Math.max(0, Math.min(1, weight));
  const p: SentimentProbs = {
    negative: w * transformer.negative + (1 - w) * d.negative,
    neutral: w * transformer.neutral + (1 - w) * d.neutral,
    positive: w * transformer.positive + (1 - w) * d.positive,
  };
  const label: SentimentLabel = p.positive >= p.negative && p.positive > p.neutral ? 'positive' : p.negative > p.positive && p.negative > p.neutral ? 'negative' : 'neutral';
  const score = Math.max(-1, Math.min(1, p.positive - p.negative));
  let oil = analysis.oil_direction;
  const macroOnly = analysis.topics.includes('macro') && !analysis.topics.some((t) => OIL_SPECIFIC_TOPICS.includes(t));
  if (macroOnly && oil.label === 'neutral' && label !== 'neutral') {
    oil = { label: label === 'positive' ? 'bullish' : 'bearish', strength: r3(Math.min(1, Math.abs(score) / 3)) };
  }
  return { sentiment: { label, score: r3(score), confidence: r3(Math.max(p.negative, p.neutral, p.positive)) }, oil_direction: oil };
}
