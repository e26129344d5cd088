import type { NewsImpact, NewsScored } from '../../../../shared/contracts/events.ts';

export function scoredEvent(i: number, over: Partial<NewsScored> = {}): NewsScored {
  const at = Date.parse('2026-06-01T09:00:00Z') + i * 60_000;
  return {
    schema: 'news.scored/v1',
    id: `article-${String(i).padStart(4, '0')}`,
    source: 'wire',
    url: null,
    title: `headline ${i}`,
    summary: '',
    published_at: new Date(at).toISOString(),
    published_precision: 'time',
    fetched_at: new Date(at + 1000).toISOString(),
    tags: [],
    sentiment: { label: 'neutral', score: 0, confidence: 0.5 },
    oil_direction: { label: 'neutral', strength: 0 },
    topics: ['mediation'],
    entities: [],
    relevance: 70,
    novelty: 100,
    cluster_id: `c${i}`,
    model: { name: 'test', version: '1' },
    scored_at: new Date(at + 2000).toISOString(),
    ...over,
  };
}

export function impactEvent(i: number, over: Partial<NewsImpact> = {}): NewsImpact {
  const at = Date.parse('2026-06-01T09:00:00Z') + i * 60_000;
  return {
    schema: 'news.impact/v1',
    article_id: `article-${String(i).padStart(4, '0')}`,
    symbol: 'BRENT',
    horizon: '5m',
    horizon_seconds: 300,
    published_at: new Date(at).toISOString(),
    event_ts: new Date(at).toISOString(),
    pre_ts: new Date(at).toISOString(),
    pre_price: 82,
    post_ts: new Date(at + 300_000).toISOString(),
    post_price: 81,
    return_bps: -122,
    abnormal_bps: -120,
    z: -4,
    pre_vol_bps: 20,
    title: `headline ${i}`,
    source: 'wire',
    topics: ['mediation'],
    oil_direction: 'bearish',
    relevance: 80,
    computed_at: new Date(at + 301_000).toISOString(),
    version: 0,
    ...over,
  };
}
