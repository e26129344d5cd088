import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsImpact } from '../../../../shared/contracts/events.ts';
import { migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import type { ClickHouseImpactRepository } from '../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { impactAt, openStoreBefore, type StoreBeforeMigration } from './store-before-migration.ts';

// Migration 013 stores what the event-study tests need per impact row (T, the SAR, the estimation
// windows' abnormal returns). The store starts at the schema before 013 so an old row is a real one.
let before013: StoreBeforeMigration;
let store: Store;
let repo: ClickHouseImpactRepository;

const impact = (id: string, extra: Partial<NewsImpact> = {}) => impactAt(id, 'EST', '5m', 300, extra);

type Row = { estimation_windows: number | null; sar: number | null; estimation_ar_bps: number[]; version: number };
const row = async (id: string) =>
  (
    await store.query<Row>(`SELECT estimation_windows, sar, estimation_ar_bps, version FROM ${store.table('impact')} WHERE article_id = {id:String}`, { params: { id } })
  ).map((r) => ({ ...r, estimation_windows: r.estimation_windows === null ? null : Number(r.estimation_windows) }));

beforeAll(async () => {
  before013 = await openStoreBefore(13);
  ({ store, repo } = before013);
});

afterAll(() => before013?.close());

describe('impact_store estimation_windows, sar and estimation_ar_bps (migration 013)', () => {
  it('an old row reads as NULL / [] after the migration; a new impact round-trips; a second migrate changes nothing', async () => {
    await repo.saveImpacts([impact('old1', { estimation_windows: 3, sar: 9, estimation_ar_bps: [1, 2, -3] })]);
    const applied = await migrate(store);
    expect(applied.map((m) => m.version)).toContain(13);
    await repo.saveImpacts([impact('new1', { estimation_windows: 3, sar: 2.078, estimation_ar_bps: [4.5, -2.25, -2.25] }), impact('new2')]);
    expect(await row('old1')).toEqual([{ estimation_windows: null, sar: null, estimation_ar_bps: [], version: 1 }]);
    expect(await row('new1')).toEqual([{ estimation_windows: 3, sar: 2.078, estimation_ar_bps: [4.5, -2.25, -2.25], version: 1 }]);
    expect(await row('new2')).toEqual([{ estimation_windows: null, sar: null, estimation_ar_bps: [], version: 1 }]);
    // Idempotent: the statements run again (an interrupted migration) without error or change.
    await store.command(`DELETE FROM ${store.table('schema_migrations')} WHERE version = 13`);
    expect((await migrate(store)).map((m) => m.version)).toEqual([13]);
    expect(await row('new1')).toEqual([{ estimation_windows: 3, sar: 2.078, estimation_ar_bps: [4.5, -2.25, -2.25], version: 1 }]);
  });
});
