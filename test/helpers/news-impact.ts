import type { NewsImpact } from '../../shared/contracts/events.ts';

/** A measured move of a relevant mediation headline at +5m, |z| 10; override what a test is about. */
export function newsImpact(over: Partial<NewsImpact> = {}): NewsImpact {
  return {
    schema: 'news.impact/v1',
    article_id: 'article-0001',
    symbol: 'BRENT',
    horizon: '5m',
    horizon_seconds: 300,
    published_at: '2026-06-01T09:20:00.000Z',
    event_ts: '2026-06-01T09:20:00.000Z',
    pre_ts: '2026-06-01T09:20:00.000Z',
    pre_price: 82.6,
    post_ts: '2026-06-01T09:25:00.000Z',
    post_price: 81.6,
    return_bps: -122.3,
    abnormal_bps: -120,
    z: -10.4,
    pre_vol_bps: 12,
    title: 'Qatar-mediated talks reach breakthrough',
    source: 'wire',
    topics: ['mediation', 'ceasefire'],
    oil_direction: 'bearish',
    relevance: 90,
    computed_at: '2026-06-01T09:25:01.000Z',
    version: 0,
    ...over,
  };
}
