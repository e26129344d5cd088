import type { NewsScored } from '../../shared/contracts/events.ts';

/**
 * A valid `news.scored/v1` event for tests: neutral and unremarkable unless the test says otherwise.
 * Fetch and scoring times default to the publication time.
 */
export function scoredNews(fields: Partial<NewsScored> & Pick<NewsScored, 'id' | 'published_at'>): NewsScored {
  return {
    schema: 'news.scored/v1',
    source: 'wire',
    url: null,
    title: `headline ${fields.id}`,
    summary: '',
    published_precision: 'time',
    fetched_at: fields.published_at,
    tags: [],
    sentiment: { label: 'neutral', score: 0, confidence: 0 },
    oil_direction: { label: 'neutral', strength: 0 },
    topics: [],
    entities: [],
    relevance: 50,
    price_report: false,
    novelty: 100,
    cluster_id: fields.id,
    model: { name: 'test', version: '0' },
    scored_at: fields.published_at,
    ...fields,
  };
}
