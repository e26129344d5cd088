import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_WINDOW_MS, contentId } from '../../../../../shared/contracts/content-id.ts';
import { openStore } from '../../../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../../../shared/store/migrate.ts';
import type { Store } from '../../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { randomName } from '../../../../helpers/pipeline.ts';
import { scoredNews } from '../../../../helpers/events.ts';

// The content identity the repository writes (news_store.content_id) and looks up (storedContent) is the
// one shared/contracts/content-id.ts defines, whether the article was looked up before it was written or not.
let store: Store;
let repo: ClickHouseImpactRepository;

beforeAll(async () => {
  store = await openStore({ path: ':memory:', database: randomName('test') });
  await migrate(store);
  repo = new ClickHouseImpactRepository(store);
});

afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS ${store.database}`);
  await store.close();
});

const boundary = Math.ceil(Date.UTC(2026, 5, 1, 12) / CONTENT_WINDOW_MS) * CONTENT_WINDOW_MS;
const at = (ms: number) => new Date(ms).toISOString();
const article = (id: string, title: string, ms: number, source = 'wire') => scoredNews({ id, title, source, published_at: at(ms) });
const storedIds = async (ids: string[]) =>
  (await store.query<{ id: string; content_id: string }>(`SELECT id, content_id FROM ${store.table('news_store')} WHERE id IN {ids:Array(String)} ORDER BY id`, { params: { ids } })).map((r) => [r.id, r.content_id]);

describe('ClickHouseImpactRepository content identity', () => {
  it('writes the content id of the article, looked up first or not', async () => {
    const looked = article('ci-a', 'Qatar-mediated US-Iran talks resume', boundary - 60_000);
    const unlooked = article('ci-b', 'OPEC+ extends voluntary cuts', boundary + 60_000);
    expect(await repo.storedContent([looked])).toEqual([]);
    await repo.saveNews([looked, unlooked]);
    expect(await storedIds(['ci-a', 'ci-b'])).toEqual([
      ['ci-a', contentId({ source: 'wire', title: 'Qatar-mediated US-Iran talks resume', publishedMs: boundary - 60_000 })],
      ['ci-b', contentId({ source: 'wire', title: 'OPEC+ extends voluntary cuts', publishedMs: boundary + 60_000 })],
    ]);
  });

  it('finds a stored copy in the next window under another id, and nothing for other words or another source', async () => {
    const copy = article('ci-c', 'QATAR MEDIATED US–IRAN TALKS RESUME!', boundary + 120_000);
    expect(await repo.storedContent([copy])).toEqual([{ id: 'ci-a', source: 'wire', title: 'Qatar-mediated US-Iran talks resume', publishedMs: boundary - 60_000 }]);
    expect(await repo.storedContent([article('ci-d', 'Qatar-mediated US-Iran talks collapse', boundary + 120_000)])).toEqual([]);
    expect(await repo.storedContent([article('ci-e', 'Qatar-mediated US-Iran talks resume', boundary + 120_000, 'other')])).toEqual([]);
    // Two windows on, the copy's candidates no longer reach the stored article's bucket.
    expect(await repo.storedContent([article('ci-f', 'Qatar-mediated US-Iran talks resume', boundary + 2 * CONTENT_WINDOW_MS)])).toEqual([]);
  });

  it('writes no content id for a title with nothing to compare', async () => {
    await repo.saveNews([article('ci-g', ' — !! ', boundary)]);
    expect(await storedIds(['ci-g'])).toEqual([['ci-g', '']]);
  });
});
