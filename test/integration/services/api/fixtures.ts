import type { NewsImpact, NewsScored } from '../../../../shared/contracts/events.ts';
import { scoredNews } from '../../../helpers/events.ts';

export function scoredEvent(i: number, over: Partial<NewsScored> = {}): NewsScored {
  const at = Date.parse('2026-06-01T09:00:00Z') + i * 60_000;
  return scoredNews({
    id: `article-${String(i).padStart(4, '0')}`,
    title: `headline ${i}`,
    cluster_id: `c${i}`,
    published_at: new Date(at).toISOString(),
    fetched_at: new Date(at + 1000).toISOString(),
    scored_at: new Date(at + 2000).toISOString(),
    sentiment: { label: 'neutral', score: 0, confidence: 0.5 },
    topics: ['mediation'],
    relevance: 70,
    model: { name: 'test', version: '1' },
    ...over,
  });
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
