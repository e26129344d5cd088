import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsImpact } from '../../../../shared/contracts/events.ts';
import { openStore } from '../../../../shared/store/clickhouse-store.ts';
import { MIGRATIONS_DIR, migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { ClickHouseImpactRepository } from '../../../../services/correlator/adapters/clickhouse-impact-store.ts';
import { randomName } from '../../../helpers/pipeline.ts';

// Migration 013 stores what the event-study tests need per impact row (T, the SAR, the estimation
// windows' abnormal returns). The store starts at the schema before 013 so an old row is a real one.
let store: Store;
let repo: ClickHouseImpactRepository;
let before013: string;

const EVENT = '2026-06-02T14:30:00.000Z';

function impact(id: string, extra: Partial<NewsImpact> = {}): NewsImpact {
  return {
    schema: 'news.impact/v1',
    article_id: id,
    symbol: 'EST',
    horizon: '5m',
    horizon_seconds: 300,
    published_at: EVENT,
    event_ts: EVENT,
    pre_ts: EVENT,
    pre_price: 80,
    post_ts: new Date(Date.parse(EVENT) + 300_000).toISOString(),
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

type Row = { estimation_windows: number | null; sar: number | null; estimation_ar_bps: number[]; version: number };
const row = async (id: string) =>
  (
    await store.query<Row>(`SELECT estimation_windows, sar, estimation_ar_bps, version FROM ${store.table('impact')} WHERE article_id = {id:String}`, { params: { id } })
  ).map((r) => ({ ...r, estimation_windows: r.estimation_windows === null ? null : Number(r.estimation_windows) }));

beforeAll(async () => {
  before013 = mkdtempSync(join(tmpdir(), 'oilwire-migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && Number(f.slice(0, 3)) < 13)) copyFileSync(join(MIGRATIONS_DIR, f), join(before013, f));
  store = await openStore({ path: ':memory:', database: randomName('test') });
  await migrate(store, { dir: before013 });
  repo = new ClickHouseImpactRepository(store);
});

afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS ${store.table('x').split('.')[0]}`);
  await store.close();
  rmSync(before013, { recursive: true, force: true });
});

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
