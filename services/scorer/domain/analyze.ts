import type { TopicName } from '../../../shared/contracts/events.ts';
import type { OilDirectionLabel, SentimentLabel } from '../ports.ts';
import { fnv1a } from './hash.ts';

/** What the domain model reads from one article's text, before novelty (which needs state). */
export interface Analysis {
  sentiment: { label: SentimentLabel; score: number; confidence: number };
  oil_direction: { label: OilDirectionLabel; strength: number };
  topics: TopicName[];
  entities: string[];
  relevance: number;
  /** Content-word hashes for near-duplicate detection. */
  shingles: number[];
}

// Provisional word lists; the full lexicon replaces them.
const POS = new Set(['rise', 'rises', 'rose', 'gain', 'gains', 'surge', 'surges', 'agree', 'agreed', 'deal', 'breakthrough', 'growth', 'record', 'strong']);
const NEG = new Set(['fall', 'falls', 'fell', 'drop', 'drops', 'collapse', 'collapses', 'attack', 'attacks', 'war', 'loss', 'losses', 'weak', 'crisis']);
const TOPIC_WORDS: Record<string, TopicName> = {
  talks: 'mediation', mediation: 'mediation', ceasefire: 'ceasefire', truce: 'ceasefire', sanctions: 'sanctions',
  attack: 'military', missile: 'military', tanker: 'shipping', hormuz: 'shipping', opec: 'opec', inventories: 'inventories', demand: 'macro',
};

export function analyzeText(title: string, summary = ''): Analysis {
  const text = `${title.slice(0, 4000)} ${summary.slice(0, 4000)}`.toLowerCase();
  const words = text.match(/[a-z]+/g) ?? [];
  let raw = 0;
  const topics = new Set<TopicName>();
  for (const w of words) {
    if (POS.has(w)) raw += 1;
    else if (NEG.has(w)) raw -= 1;
    const t = TOPIC_WORDS[w];
    if (t) topics.add(t);
  }
  const score = raw / Math.sqrt(raw * raw + 4);
  const label: SentimentLabel = score > 0.3 ? 'positive' : score < -0.3 ? 'negative' : 'neutral';
  return {
    sentiment: { label, score, confidence: Math.min(1, Math.abs(score)) },
    oil_direction: { label: 'neutral', strength: 0 },
    topics: [...topics].sort(),
    entities: [],
    relevance: /\b(oil|crude|brent|opec)\b/.test(text) ? 60 : 0,
    shingles: words.filter((w) => w.length > 2).map((w) => fnv1a(w.replace(/s$/, ''))),
  };
}
