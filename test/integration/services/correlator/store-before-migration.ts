/**
 * Shared setup of the tests of a migration that adds impact columns: a store migrated only up to the migration
 * before it (so a row written then is a real old row, not one written without the fields by today's code), and an
 * impact event with everything but what the test varies.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewsImpact } from '../../../../shared/contracts/events.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { MIGRATIONS_DIR, migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { randomName } from '../../../helpers/pipeline.ts';

export const EVENT = '2026-06-02T14:30:00.000Z';

export interface StoreBeforeMigration {
  store: Store;
  repo: ClickHouseImpactRepository;
  /** Drops the database, closes the store, removes the copied migrations. */
  close(): Promise<void>;
}

/** A throwaway store with the migrations numbered below `version` applied, and none from it on. */
export async function openStoreBefore(version: number): Promise<StoreBeforeMigration> {
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && Number(f.slice(0, 3)) < version)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
  const store = await openStore({ path: ':memory:', database: randomName('test') });
  await migrate(store, { dir });
  return {
    store,
    repo: new ClickHouseImpactRepository(store),
    close: async () => {
      await store.command(`DROP DATABASE IF EXISTS ${store.table('x').split('.')[0]}`);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An impact of article `id` at EVENT over `horizonSeconds`; `extra` sets the fields under test (and may override any other). */
export function impactAt(id: string, symbol: string, horizon: NewsImpact['horizon'], horizonSeconds: number, extra: Partial<NewsImpact> = {}): NewsImpact {
  return {
    schema: 'news.impact/v1',
    article_id: id,
    symbol,
    horizon,
    horizon_seconds: horizonSeconds,
    published_at: EVENT,
    event_ts: EVENT,
    pre_ts: EVENT,
    pre_price: 80,
    post_ts: new Date(Date.parse(EVENT) + horizonSeconds * 1000).toISOString(),
    post_price: 80.4,
    return_bps: 50,
    abnormal_bps: 48,
    z: 2.4,
    pre_vol_bps: 20,
    title: `headline ${id}`,
    source: 'wire',
    topics: ['opec'],
    oil_direction: 'bullish',
    relevance: 60,
    computed_at: EVENT,
    version: 1,
    ...extra,
  };
}
