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

// Migration 012 stores the news.impact event's intraday event-study fields (tod_z, pre_event_bps).
// The store starts at the schema before 012 so a row written then is a real old row, not a row
// written without the fields by today's code.
let store: Store;
let repo: ClickHouseImpactRepository;
let before012: string;

const EVENT = '2026-06-02T14:30:00.000Z';

function impact(id: string, horizon: '5m' | '1d', extra: Partial<NewsImpact> = {}): NewsImpact {
  const seconds = horizon === '5m' ? 300 : 86_400;
  return {
    schema: 'news.impact/v1',
    article_id: id,
    symbol: 'TODZ',
    horizon,
    horizon_seconds: seconds,
    published_at: EVENT,
    event_ts: EVENT,
    pre_ts: EVENT,
    pre_price: 80,
    post_ts: new Date(Date.parse(EVENT) + seconds * 1000).toISOString(),
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

const row = (id: string) =>
  store.query<{ horizon: string; tod_z: number | null; pre_event_bps: number | null; version: number }>(
    `SELECT horizon, tod_z, pre_event_bps, version FROM ${store.table('impact')} WHERE article_id = {id:String} ORDER BY horizon`,
    { params: { id } },
  );

beforeAll(async () => {
  before012 = mkdtempSync(join(tmpdir(), 'oilwire-migrations-'));
  for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && Number(f.slice(0, 3)) < 12)) copyFileSync(join(MIGRATIONS_DIR, f), join(before012, f));
  store = await openStore({ path: ':memory:', database: randomName('test') });
  await migrate(store, { dir: before012 });
  repo = new ClickHouseImpactRepository(store);
});

afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS ${store.table('x').split('.')[0]}`);
  await store.close();
  rmSync(before012, { recursive: true, force: true });
});

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
