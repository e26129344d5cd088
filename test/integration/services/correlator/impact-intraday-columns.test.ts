import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsImpact } from '../../../../shared/contracts/events.ts';
import { migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import type { ClickHouseImpactRepository } from '../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { impactAt, openStoreBefore, type StoreBeforeMigration } from './store-before-migration.ts';

// Migration 012 stores the news.impact event's intraday event-study fields (tod_z, pre_event_bps).
// The store starts at the schema before 012 so a row written then is a real old row, not a row
// written without the fields by today's code.
let before012: StoreBeforeMigration;
let store: Store;
let repo: ClickHouseImpactRepository;

const impact = (id: string, horizon: '5m' | '1d', extra: Partial<NewsImpact> = {}) => impactAt(id, 'TODZ', horizon, horizon === '5m' ? 300 : 86_400, extra);

const row = (id: string) =>
  store.query<{ horizon: string; tod_z: number | null; pre_event_bps: number | null; version: number }>(
    `SELECT horizon, tod_z, pre_event_bps, version FROM ${store.table('impact')} WHERE article_id = {id:String} ORDER BY horizon`,
    { params: { id } },
  );

beforeAll(async () => {
  before012 = await openStoreBefore(12);
  ({ store, repo } = before012);
});

afterAll(() => before012?.close());

describe('impact_store tod_z and pre_event_bps (migration 012)', () => {
  it('an old row reads as NULL after the migration; a new intraday impact round-trips; a daily one is NULL', async () => {
    const columns = async () => (await store.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = currentDatabase() AND table = 'impact' AND name IN ('tod_z', 'pre_event_bps')`)).map((r) => r.name);
    // Today's adapter against a store before 012: the insert still succeeds (fields without a column are skipped).
    await repo.saveImpacts([impact('old1', '5m', { tod_z: 9, pre_event_bps: 9 })]);
    expect(await columns()).toEqual([]);

    const applied = await migrate(store);
    expect(applied.map((m) => m.version)).toContain(12);
    expect((await columns()).sort()).toEqual(['pre_event_bps', 'tod_z']);

    await repo.saveImpacts([impact('new1', '5m', { tod_z: -1.75, pre_event_bps: 12.5 }), impact('new1', '1d')]);
    expect(await row('old1')).toEqual([{ horizon: '5m', tod_z: null, pre_event_bps: null, version: 1 }]);
    expect(await row('new1')).toEqual([
      { horizon: '1d', tod_z: null, pre_event_bps: null, version: 1 },
      { horizon: '5m', tod_z: -1.75, pre_event_bps: 12.5, version: 1 },
    ]);
  });

  it('a re-measured impact replaces both values, and an explicit null stays null', async () => {
    await repo.saveImpacts([impact('new1', '5m', { tod_z: 0.5, pre_event_bps: null, version: 2 })]);
    expect((await row('new1')).find((r) => r.horizon === '5m')).toEqual({ horizon: '5m', tod_z: 0.5, pre_event_bps: null, version: 2 });
  });
});
