import type { NewsScored } from '../shared/contracts/events.ts';

/**
 * A scored headline for benches that only need the correlator to see an article: neutral,
 * bullish, relevance 50, every field valid for `news.scored/v1`. Each bench overrides what it
 * measures (source, direction, topics).
 */
export function benchArticle(id: string, publishedMs: number, overrides: Partial<NewsScored> = {}): NewsScored {
  const at = new Date(publishedMs).toISOString();
  return {
    schema: 'news.scored/v1',
    id,
    source: 'bench',
    url: null,
    title: `headline ${id}`,
    summary: '',
    published_at: at,
    published_precision: 'time',
    fetched_at: at,
    tags: [],
    sentiment: { label: 'neutral', score: 0, confidence: 0 },
    oil_direction: { label: 'bullish', strength: 0.5 },
    topics: ['opec'],
    entities: [],
    relevance: 50,
    price_report: false,
    novelty: 100,
    cluster_id: id,
    model: { name: 'bench', version: '0' },
    scored_at: at,
    ...overrides,
  };
}
