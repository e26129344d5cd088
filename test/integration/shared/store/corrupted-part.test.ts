import { rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../../../shared/bus/memory-bus.ts';
import { publishEvents, subscribeEvents } from '../../../../shared/bus/typed.ts';
import { TOPICS, dlqTopic, messageKey, newsScoredV1, type NewsScored } from '../../../../shared/contracts/events.ts';
import { systemClock } from '../../../../shared/runtime/clock.ts';
import { silentLogger } from '../../../../shared/runtime/logger.ts';
import { openStore, type DamageEvent } from '../../../../shared/store/clickhouse-store.ts';
import { migrate } from '../../../../shared/store/migrate.ts';
import type { Store } from '../../../../shared/store/port.ts';
import { apiConfigSchema, start as startApi, type ApiService } from '../../../../services/api/index.ts';
import { correlatorConfigSchema, start as startCorrelator, type CorrelatorService } from '../../../../services/correlator/index.ts';
import { scoredNews } from '../../../helpers/events.ts';
import { randomName } from '../../../helpers/pipeline.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

/**
 * A damaged part on the embedded engine, made for real: the skip-index marks file of news_store's merged part is
 * cut to 0 bytes on disk, what a background merge caught by a full disk left behind in the chaos suite
 * (docs/reliability.md). Every lookup by content_id then fails with CORRUPTED_DATA. The store must make that a
 * retryable error, say so to /readyz, and repair it: a damage only of a skip index is rebuilt from the part's own
 * columns (every row kept, even when the merge's source parts are gone); any other has the engine move the part
 * aside (DETACH + ATTACH TABLE, the load a restart does), after which the merge's source parts, still on disk, are
 * read again: no row and no article lost.
 */
let store: Store;
/** The repair waits at `found` until a test lets it go on, so what /readyz says meanwhile is a state, not a race. */
let hold: Promise<void> | undefined;
const events: DamageEvent[] = [];

beforeAll(async () => {
  store = await openStore({
    path: ':memory:',
    database: randomName(),
    onDamage: async (e) => {
      events.push(e);
      if (e.event === 'found') await hold;
    },
  });
  await migrate(store);
});
afterAll(async () => {
  await store.command(`DROP DATABASE IF EXISTS \`${store.database}\``);
  await store.close();
});

function holdRepair(): () => void {
  let release!: () => void;
  hold = new Promise<void>((resolve) => (release = resolve));
  return () => {
    hold = undefined;
    release();
  };
}

const row = (id: string) => ({ id, source: 'wire', title: `headline ${id}`, content_id: `content-${id}` });

/**
 * Merges news_store into one part and empties one file of it: by default its skip-index marks (what the chaos suite's
 * full disk left), or a column's marks. The merge's source parts stay on disk, outdated, unless `sourcesGone`: then
 * they are removed as the engine does `old_parts_lifetime` (8 min) after the merge.
 */
async function breakMergedPart(options: { file?: string; sourcesGone?: boolean } = {}): Promise<string> {
  await store.command(`OPTIMIZE TABLE ${store.table('news_store')} FINAL`);
  const parts = await store.query<{ name: string; path: string; active: number }>(`SELECT name, path, active FROM system.parts WHERE database = {db:String} AND table = 'news_store'`, {
    params: { db: store.database },
  });
  const active = parts.filter((p) => Number(p.active) === 1);
  expect(active).toHaveLength(1);
  if (options.sourcesGone) {
    const sources = parts.filter((p) => Number(p.active) !== 1);
    expect(sources.length).toBeGreaterThan(0);
    for (const p of sources) rmSync(p.path, { recursive: true, force: true });
  }
  truncateSync(join(active[0].path, options.file ?? 'skp_idx_content_id_idx.cmrk4'), 0);
  // Marks read before the cut would be served from memory: the damage must be met on disk.
  await store.command('SYSTEM DROP MARK CACHE');
  return active[0].name;
}

const rowsLeft = async () => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('news_store')} FINAL`))[0].n);
const detachedParts = async () =>
  (await store.query<{ name: string }>(`SELECT name FROM system.detached_parts WHERE database = {db:String} AND table = 'news_store' ORDER BY name`, { params: { db: store.database } })).map((r) => r.name);

const lookup = (ids: string[]) =>
  store.query<{ id: string }>(`SELECT id FROM ${store.table('news_store')} WHERE content_id IN {ids:Array(String)} GROUP BY id ORDER BY id`, {
    params: { ids: ids.map((id) => `content-${id}`) },
  });

describe('a damaged part on the embedded engine', () => {
  it('is a retryable STORE_UNAVAILABLE, reported as damage until its skip index is rebuilt from the part, with no row lost or moved', async () => {
    for (const batch of [['s1', 's2'], ['s3', 's4'], ['s5', 's6']]) await store.insert('news_store', batch.map(row));
    const part = await breakMergedPart();

    const release = holdRepair();
    const err = await lookup(['s1']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, outage: true, details: { engineError: 'CORRUPTED_DATA' } });
    expect((err as Error).message).toMatch(/skp_idx_content_id_idx/);
    expect(store.damage?.()).toMatchObject({ engineError: 'CORRUPTED_DATA', repair: 'running', attempts: 1 });

    release();
    await waitFor(() => events.length === 2, { message: () => `the repair's end: ${JSON.stringify(store.damage?.())}` });
    expect(store.damage?.()).toBeUndefined();
    expect(events.map((e) => e.event)).toEqual(['found', 'repaired']);
    expect(events[1].damage.broken).toEqual([expect.stringMatching(new RegExp(`^news_store/${part}: .*skp_idx_content_id_idx\\.cmrk4`))]);
    expect(events[1]).toMatchObject({ movedAside: [], rebuiltIndexes: ['news_store.content_id_idx'] });
    expect((await lookup(['s1', 's4', 's6'])).map((r) => r.id)).toEqual(['s1', 's4', 's6']);
    expect(await rowsLeft()).toBe(6);
    expect(await detachedParts()).toEqual([]);
    await store.command(`TRUNCATE TABLE ${store.table('news_store')}`);
    events.length = 0;
  });

  it('keeps every row of a part whose skip index is damaged after the source parts of its merge are gone', async () => {
    // Moved aside, this part's rows would stay in detached/, unread: nothing else on disk holds them.
    for (const batch of [['g1', 'g2'], ['g3', 'g4'], ['g5', 'g6']]) await store.insert('news_store', batch.map(row));
    await breakMergedPart({ sourcesGone: true });
    const err = await lookup(['g1']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', outage: true, details: { engineError: 'CORRUPTED_DATA' } });
    await waitFor(() => events.length === 2, { message: () => `the repair's end: ${JSON.stringify(store.damage?.())}` });
    expect(await rowsLeft()).toBe(6);
    expect(events.map((e) => [e.event, e.rebuiltIndexes])).toEqual([
      ['found', undefined],
      ['repaired', ['news_store.content_id_idx']],
    ]);
    expect((await lookup(['g1', 'g2', 'g3', 'g4', 'g5', 'g6'])).map((r) => r.id)).toEqual(['g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
    expect(await detachedParts()).toEqual([]);
    await store.command(`TRUNCATE TABLE ${store.table('news_store')}`);
    events.length = 0;
  });

  it('has the engine move a part with a damaged column aside and read the source parts of its merge again', async () => {
    for (const batch of [['c1', 'c2'], ['c3', 'c4'], ['c5', 'c6']]) await store.insert('news_store', batch.map(row));
    const part = await breakMergedPart({ file: 'data.cmrk4' });
    const err = await lookup(['c1']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', outage: true, details: { engineError: 'CORRUPTED_DATA' } });
    await waitFor(() => events.length === 2, { message: () => `the repair's end: ${JSON.stringify(store.damage?.())}` });
    expect(events[1]).toMatchObject({ event: 'repaired', movedAside: [`news_store/broken-on-start_${part}`] });
    expect(events[1].rebuiltIndexes).toBeUndefined();
    expect(events[1].damage.broken).toEqual([expect.stringMatching(new RegExp(`^news_store/${part}: .*data\\.cmrk4`))]);
    expect((await lookup(['c1', 'c4', 'c6'])).map((r) => r.id)).toEqual(['c1', 'c4', 'c6']);
    expect(await rowsLeft()).toBe(6);
    await store.command(`TRUNCATE TABLE ${store.table('news_store')}`);
    events.length = 0;
  });

  it('in the pipeline: the article in hand is retried, not dead-lettered, and /readyz is not ready until the repair', async () => {
    const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 50 });
    let correlator: CorrelatorService | undefined;
    let api: ApiService | undefined;
    try {
      const dead: string[] = [];
      await subscribeEvents(bus, {
        groupId: randomName('dlq'),
        topic: dlqTopic(TOPICS.newsScored),
        schema: newsScoredV1,
        fromBeginning: true,
        handler: async (batch) => void dead.push(...batch.map((d) => d.event.id)),
      });
      const config = correlatorConfigSchema.parse({ groupId: randomName('corr'), symbols: ['DMG'], horizons: ['1m'], calendar: { kind: 'always' }, evaluateEveryMs: 3_600_000 });
      correlator = (await startCorrelator({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() })) as CorrelatorService;
      api = await startApi({ bus, store, config: apiConfigSchema.parse({ port: 0 }), logger: silentLogger, clock: systemClock, metrics: new Registry() });
      const readyz = async () => {
        const res = await fetch(`${api!.url}/readyz`);
        return { status: res.status, body: (await res.json()) as { checks: Record<string, boolean>; storeDamage?: Record<string, unknown> } };
      };
      const article = (id: string, minute: number): NewsScored => scoredNews({ id, published_at: `2026-06-01T10:${String(minute).padStart(2, '0')}:00.000Z` });
      const stored = () => correlator!.stats().articles;

      for (const [i, id] of ['damage01', 'damage02', 'damage03'].entries()) {
        await publishEvents(bus, TOPICS.newsScored, [article(id, i)], messageKey.newsScored);
        await waitFor(() => stored() === i + 1, { message: `article ${id} stored` });
      }
      await waitFor(async () => (await readyz()).status === 200, { message: 'ready before the damage' });
      await breakMergedPart();

      const release = holdRepair();
      await publishEvents(bus, TOPICS.newsScored, [article('damage04', 10)], messageKey.newsScored);
      const during = await waitFor(
        async () => {
          const r = await readyz();
          return r.status === 503 && r;
        },
        { message: 'not ready while the part is damaged' },
      );
      expect(during.body.checks).toMatchObject({ store: true, writes: true, storeIntact: false });
      expect(during.body.storeDamage).toMatchObject({ engineError: 'CORRUPTED_DATA', repair: 'running', error: expect.stringMatching(/Empty marks file/) });
      expect(stored()).toBe(3);

      release();
      await waitFor(() => stored() === 4, { message: () => `the damaged-read article stored after the repair (damage: ${JSON.stringify(store.damage?.())})` });
      await waitFor(async () => (await readyz()).status === 200, { message: 'ready again after the repair' });
      const ids = await store.query<{ id: string }>(`SELECT id FROM ${store.table('news_store')} FINAL ORDER BY id`);
      expect(ids.map((r) => r.id)).toEqual(['damage01', 'damage02', 'damage03', 'damage04']);
      expect(events.map((e) => e.event)).toEqual(['found', 'repaired']);
      expect(dead).toEqual([]);
    } finally {
      await api?.stop();
      await correlator?.stop();
      await bus.close();
    }
  });
});
