import type { NewsRaw, TopicName } from '../../shared/contracts/events.ts';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type OilDirectionLabel = 'bearish' | 'neutral' | 'bullish';

/** The fields a reading of one text gives: the domain model's analysis and every scorer's result share them. */
export interface ScoredFields {
  sentiment: { label: SentimentLabel; score: number; confidence: number };
  oil_direction: { label: OilDirectionLabel; strength: number };
  topics: TopicName[];
  entities: string[];
  relevance: number;
  /** The headline reports a move or level of oil prices themselves (docs/taxonomy.md). */
  price_report: boolean;
}

/** Everything the scorer adds to a `news.raw/v1` event to make it `news.scored/v1` (besides `scored_at`). */
export interface ScoreResult extends ScoredFields {
  novelty: number;
  cluster_id: string;
  model: { name: string; version: string };
}

/** What a scorer needs from an article; a `NewsRaw` is one. */
export type ScoreInput = Pick<NewsRaw, 'id' | 'title' | 'summary' | 'published_at' | 'source'>;

/** The scorer port: one result per input, same order. */
export interface Scorer {
  readonly name: string;
  readonly version: string;
  score(batch: ScoreInput[]): Promise<ScoreResult[]>;
  close(): Promise<void>;
}

/** Class probabilities over negative|neutral|positive; they sum to 1. */
export interface SentimentProbs {
  negative: number;
  neutral: number;
  positive: number;
}

/** A text classifier backend (transformers.js in worker threads, or anything else). */
export interface SentimentClassifier {
  readonly name: string;
  readonly version: string;
  classify(texts: string[]): Promise<SentimentProbs[]>;
  close(): Promise<void>;
}

/** One story cluster as the novelty index keeps it. */
export interface ClusterState {
  id: string;
  /** Content-word hashes of the founding headline (sorted, unique, bounded). */
  tokens: number[];
  firstSeen: number;
  lastSeen: number;
  /** Articles seen in the cluster so far. */
  count: number;
  /** The founding article's direction, oil and tone apart (1 bullish or positive, -1 bearish or negative, 0 neither); absent in older state. */
  reading?: { oil: -1 | 0 | 1; tone: -1 | 0 | 1 };
  /** The founding article's figures; absent in older state. */
  figures?: number[];
  /** The founding article's event frame (entity and event-class hashes, each sorted and unique); absent in older state or when empty. */
  frame?: { entities: number[]; events: number[] };
}

/**
 * State behind novelty: clusters found by locality-sensitive band keys, and the answer
 * already given per article so a redelivered article gets the same result.
 */
export interface NoveltyStore {
  /**
   * Clusters filed under any of the keys, each once. The array may be the store's own, reused by its next call
   * (the tracker reads it before it calls the store again): a caller that keeps it copies it.
   */
  candidates(bandKeys: number[]): ClusterState[];
  /** Files a new cluster under its keys, or records a touch of a known one. The caller may reuse `bandKeys` after the call: a store that keeps them copies them. */
  put(cluster: ClusterState, bandKeys: number[]): void;
  seen(articleId: string): { novelty: number; clusterId: string } | undefined;
  remember(articleId: string, result: { novelty: number; clusterId: string }): void;
  size(): number;
}
