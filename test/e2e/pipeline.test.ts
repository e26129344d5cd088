import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { articleId } from '../../shared/contracts/ids.ts';
import { openRuntime, startServices, stopServices } from '../../cli/runtime.ts';
import { silentLogger } from '../../shared/runtime/logger.ts';
import { openStore } from '../../shared/store/clickhouse-store.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { testConfig } from '../helpers/pipeline.ts';
import type { RootConfig } from '../../cli/config.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/pipeline/${name}`, import.meta.url));

const FEED = 'fixture-wire';
const idA = articleId({ guid: 'fixture-a', source: FEED });
const idB = articleId({ guid: 'fixture-b', source: FEED });
const idC = articleId({ guid: 'fixture-c', source: FEED });

// On disk, not ':memory:': the second run must find what the first one stored.
const dataDir = mkdtempSync(join(tmpdir(), 'oilwire-e2e-'));
const base = testConfig();
const config: RootConfig = testConfig({
  store: { ...base.store, path: dataDir },
  ingestNews: { feeds: [{ url: fixture('feed.xml'), name: FEED }], once: true },
  ingestPrices: { sources: [{ kind: 'csv', path: fixture('ticks.csv'), symbol: 'BRENT' }] },
  correlator: { symbols: ['BRENT'], horizons: ['1m', '5m', '15m', '60m'] },
});

interface ImpactRow {
  article_id: string;
  horizon: string;
  pre_price: number;
  post_price: number;
  return_bps: number;
}

async function runPipelineOnce(): Promise<void> {
  const rt = await openRuntime(config, { logger: silentLogger });
  const services = await startServices(['correlator', 'scorer', 'ingest-prices', 'ingest-news'], rt);
  try {
    await waitFor(
      async () => {
        const [row] = await rt.store.query<{ n: string }>(`SELECT count() AS n FROM ${rt.store.table('impact')}`);
        return Number(row.n) === 8;
      },
      { timeoutMs: 30_000, message: '8 impact rows' },
    );
  } finally {
    await stopServices(services);
    await rt.close();
  }
}

describe('the whole pipeline in one process: feed file and tick file to impact rows', () => {
  afterAll(async () => {
    const store = await openStore(config.store);
    await store.command(`DROP DATABASE IF EXISTS ${config.store.database}`);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('measures returns from the last price at or before publication to the last price at each horizon', async () => {
    await runPipelineOnce();
    const store = await openStore(config.store);
    try {
      const rows = await store.query<ImpactRow>(`SELECT article_id, horizon, pre_price, post_price, return_bps FROM ${store.table('impact')} ORDER BY article_id, horizon_seconds`);
      const byKey = new Map(rows.map((r) => [`${r.article_id}|${r.horizon}`, r]));
      // Computed by hand from test/fixtures/pipeline/ticks.csv.
      // A at 10:00:30: pre 80.00 (10:00); 10:01:30 -> 80.40; 10:05:30 -> 80.80; 10:15:30 -> 79.20; 11:00:30 -> 81.00.
      const expectA = { '1m': [80.4, 50], '5m': [80.8, 100], '15m': [79.2, -100], '60m': [81, 125] } as const;
      // B at 10:05:00 exactly: a tick at the same instant is known (pre 80.80); 10:06 and 10:10 -> 80.80; 10:20 -> 79.60; 11:05 -> 81.00.
      const expectB = { '1m': [80.8, 0], '5m': [80.8, 0], '15m': [79.6, (79.6 / 80.8 - 1) * 10_000], '60m': [81, (81 / 80.8 - 1) * 10_000] } as const;
      for (const [h, [post, bps]] of Object.entries(expectA)) {
        const r = byKey.get(`${idA}|${h}`)!;
        expect(r, `A ${h}`).toBeDefined();
        expect(Number(r.pre_price)).toBe(80);
        expect(Number(r.post_price)).toBe(post);
        expect(Number(r.return_bps)).toBeCloseTo(bps, 9);
      }
      for (const [h, [post, bps]] of Object.entries(expectB)) {
        const r = byKey.get(`${idB}|${h}`)!;
        expect(r, `B ${h}`).toBeDefined();
        expect(Number(r.pre_price)).toBe(80.8);
        expect(Number(r.post_price)).toBe(post);
        expect(Number(r.return_bps)).toBeCloseTo(bps, 9);
      }
      expect(rows.filter((r) => r.article_id === idB).map((r) => Number(r.return_bps).toFixed(4))).toEqual(['0.0000', '0.0000', '-148.5149', '24.7525']);
      // C was published before the first tick: no pre-event price exists, and the later tick must not stand in for it.
      expect(rows.filter((r) => r.article_id === idC)).toHaveLength(0);
      expect(rows).toHaveLength(8);

      const news = await store.query<{ id: string; topics: string[]; oil_direction: string }>(`SELECT id, topics, oil_direction FROM ${store.table('news')} ORDER BY id`);
      expect(news.map((n) => n.id).sort()).toEqual([idA, idB, idC].sort());
      const [ticks] = await store.query<{ n: string }>(`SELECT count() AS n FROM ${store.table('ticks')}`);
      expect(Number(ticks.n)).toBe(8);
    } finally {
      await store.close();
    }
  });

  it('replaying the same inputs leaves the same rows: no duplicates', async () => {
    await runPipelineOnce();
    const store = await openStore(config.store);
    try {
      for (const table of ['news_store', 'ticks_store', 'impact_store']) await store.command(`OPTIMIZE TABLE ${store.table(table)} FINAL`);
      const [c] = await store.query<{ news: string; ticks: string; impact: string; rawImpact: string }>(
        `SELECT (SELECT count() FROM ${store.table('news')}) AS news, (SELECT count() FROM ${store.table('ticks')}) AS ticks,
                (SELECT count() FROM ${store.table('impact')}) AS impact, (SELECT count() FROM ${store.table('impact_store')}) AS rawImpact`,
      );
      expect({ news: Number(c.news), ticks: Number(c.ticks), impact: Number(c.impact), rawImpact: Number(c.rawImpact) }).toEqual({ news: 3, ticks: 8, impact: 8, rawImpact: 8 });
    } finally {
      await store.close();
    }
  });
});
