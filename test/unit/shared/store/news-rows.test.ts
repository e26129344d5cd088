import { describe, expect, it } from 'vitest';
import type { NewsScored } from '../../../../shared/contracts/events.ts';
import { NEWS_TIME_COLUMNS, newsRowFromScored, scoredFromNewsRow } from '../../../../shared/store/news-rows.ts';

const scored: NewsScored = {
  schema: 'news.scored/v1',
  id: 'n-1',
  source: 'wire',
  url: 'https://example.test/a',
  title: 'Oil rises',
  summary: 'Brent up 2%',
  published_at: '2026-03-01T10:00:00.000Z',
  published_precision: 'time',
  fetched_at: '2026-03-01T10:00:05.250Z',
  tags: ['energy'],
  sentiment: { label: 'positive', score: 0.25, confidence: 0.75 },
  oil_direction: { label: 'bullish', strength: 0.5 },
  topics: ['opec'],
  entities: ['OPEC'],
  relevance: 80,
  price_report: true,
  novelty: 90,
  cluster_id: 'c-7',
  model: { name: 'rules', version: '3' },
  scored_at: '2026-03-01T10:00:06.000Z',
};

describe('news_store rows', () => {
  it('writes every field of the event into its column, times as ClickHouse DateTime64 text', () => {
    expect(newsRowFromScored(scored)).toStrictEqual({
      id: 'n-1',
      source: 'wire',
      url: 'https://example.test/a',
      title: 'Oil rises',
      summary: 'Brent up 2%',
      published_at: '2026-03-01 10:00:00.000',
      published_precision: 'time',
      fetched_at: '2026-03-01 10:00:05.250',
      tags: ['energy'],
      sentiment_label: 'positive',
      sentiment_score: 0.25,
      sentiment_confidence: 0.75,
      oil_direction: 'bullish',
      oil_strength: 0.5,
      topics: ['opec'],
      entities: ['OPEC'],
      relevance: 80,
      price_report: 1,
      novelty: 90,
      cluster_id: 'c-7',
      model_name: 'rules',
      model_version: '3',
      scored_at: '2026-03-01 10:00:06.000',
    });
    expect(newsRowFromScored({ ...scored, price_report: false }).price_report).toBe(0);
  });

  it('selects the three times as epoch milliseconds', () => {
    expect(NEWS_TIME_COLUMNS).toBe(
      'toUnixTimestamp64Milli(published_at) AS p_ms, toUnixTimestamp64Milli(fetched_at) AS f_ms, toUnixTimestamp64Milli(scored_at) AS s_ms',
    );
  });

  // A row as the store hands it back for `SELECT *, NEWS_TIME_COLUMNS`: Float32 noise, times in p_ms/f_ms/s_ms.
  const row = {
    id: 'n-1',
    source: 'wire',
    url: 'https://example.test/a',
    title: 'Oil rises',
    summary: 'Brent up 2%',
    published_precision: 'time',
    tags: ['energy'],
    sentiment_label: 'positive',
    sentiment_score: 0.25000000372529,
    sentiment_confidence: 0.7499999701976776,
    oil_direction: 'bullish',
    oil_strength: 0.800000011920929,
    topics: ['opec'],
    entities: ['OPEC'],
    relevance: 80,
    price_report: 1,
    novelty: 90,
    cluster_id: 'c-7',
    model_name: 'rules',
    model_version: '3',
    p_ms: '1772359200000',
    f_ms: 1772359205250,
    s_ms: '1772359206000',
  };

  it('reads a row back into the event, Float32 noise rounded to six decimals', () => {
    expect(scoredFromNewsRow(row)).toStrictEqual({ ...scored, oil_direction: { label: 'bullish', strength: 0.8 } });
  });

  it('reads the defaults of absent or null cells: no url, no tags, topics or entities, no price report, a date precision only when it says date', () => {
    const bare = { ...row, url: null, tags: null, topics: null, entities: null, price_report: null, published_precision: 'date' };
    expect(scoredFromNewsRow(bare)).toMatchObject({ url: null, tags: [], topics: [], entities: [], price_report: false, published_precision: 'date' });
    const { price_report: _p, url: _u, ...without } = row;
    expect(scoredFromNewsRow(without)).toMatchObject({ url: null, price_report: false });
    expect(scoredFromNewsRow({ ...row, published_precision: 'other' }).published_precision).toBe('time');
    expect(scoredFromNewsRow({ ...row, price_report: 0 }).price_report).toBe(false);
    expect(scoredFromNewsRow({ ...row, price_report: '1' }).price_report).toBe(true);
  });
});
