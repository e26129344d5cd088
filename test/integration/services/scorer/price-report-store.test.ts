import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newsScoredV1 } from '../../../../shared/contracts/events.ts';
import { NEWS_TIME_COLUMNS, newsRowFromScored, scoredFromNewsRow } from '../../../../shared/store/news-rows.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { MemoryNoveltyStore } from '../../../../services/scorer/adapters/memory-novelty-store.ts';
import { ArticleScorer, toScoredEvent } from '../../../../services/scorer/domain/domain-scorer.ts';
import { NoveltyTracker } from '../../../../services/scorer/domain/novelty.ts';
import { scoredNews } from '../../../helpers/events.ts';
import { dropTestStore, openTestStore } from '../../../helpers/store.ts';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => dropTestStore(store));

describe('price_report from the scorer to the news view', () => {
  it('is scored, carried in news.scored and read back from the news view', async () => {
    const scorer = new ArticleScorer(new NoveltyTracker(new MemoryNoveltyStore(100), { windowMs: 3_600_000, threshold: 0.5 }));
    const raw = { schema: 'news.raw/v1' as const, id: 'article-pr-1', source: 'wire', url: null, title: 'Oil falls 3% as Gaza ceasefire holds', summary: '', published_at: '2026-06-01T10:00:00.000Z', published_precision: 'time' as const, fetched_at: '2026-06-01T10:00:01.000Z', tags: [] };
    const [result] = await scorer.score([raw]);
    expect(result.price_report).toBe(true);
    const event = newsScoredV1.parse(toScoredEvent(raw, result, Date.parse('2026-06-01T10:00:02Z')));
    await store.insert(store.table('news_store'), [newsRowFromScored(event), newsRowFromScored(scoredNews({ id: 'article-pr-2', published_at: '2026-06-01T10:01:00.000Z', price_report: false }))]);
    const rows = await store.query<Record<string, unknown>>(`SELECT *, ${NEWS_TIME_COLUMNS} FROM ${store.table('news')} ORDER BY id`);
    expect(rows.map((r) => [r.id, Number(r.price_report)])).toEqual([
      ['article-pr-1', 1],
      ['article-pr-2', 0],
    ]);
    expect(scoredFromNewsRow(rows[0]).price_report).toBe(true);
    expect(scoredFromNewsRow(rows[0]).oil_direction.label).toBe('bearish');
  });

  it('reads an event from before the field existed as not a price report', () => {
    const { price_report: _, ...old } = scoredNews({ id: 'article-old', published_at: '2026-06-01T10:00:00.000Z' });
    expect(newsScoredV1.parse(old).price_report).toBe(false);
  });
});
