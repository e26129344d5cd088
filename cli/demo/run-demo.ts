import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { articleId } from '../../shared/contracts/ids.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import type { RunningService, ServiceName } from '../../shared/runtime/service.ts';
import type { RootConfig } from '../config.ts';
import { openRuntime, startServices, stopServices, type Runtime, type RuntimeOptions } from '../runtime.ts';
import { DEMO_HEADLINES, DEMO_HORIZONS, DEMO_SYMBOL, DEMO_TICKS, demoFeedXml, headlineTime } from './sample.ts';
import { toIso, toMs } from '../../shared/contracts/time.ts';

export const DEMO_FEED_NAME = 'demo-wire';

export interface DemoResult {
  articles: number;
  impacts: number;
  expectedImpacts: number;
  summary: Record<string, unknown>[];
  /** The demo's store (not the user's). */
  store: RootConfig['store'];
  runtime?: Runtime;
  services?: RunningService[];
  cleanup(): Promise<void>;
}

export function demoArticleIds(): string[] {
  return DEMO_HEADLINES.map((_, i) => articleId({ guid: `oilwire-demo-${i + 1}`, link: null, title: null, source: DEMO_FEED_NAME }));
}

/**
 * The demo's own store, never the user's: `<store.path>-demo` (`./data-demo` by default) for
 * the embedded engine, `<database>_demo` on a ClickHouse server. Its simulated tape of a past
 * morning must not show up as prices in a later `oilwire start`.
 */
export function demoStoreConfig(store: RootConfig['store']): RootConfig['store'] {
  if (store.url) return { ...store, database: `${store.database}_demo` };
  if (store.path === ':memory:') return store;
  return { ...store, path: `${store.path.replace(/[\\/]+$/, '')}-demo` };
}

/** Where the demo's rows are, as a user would pass it to `oilwire sql`. */
export function describeDemoStore(store: RootConfig['store']): string {
  return store.url ? `${store.url}, database ${store.database}` : `${store.path}, database ${store.database}`;
}

/** The demo's changes to the user's configuration: its own store, feed and price tape, measured on intraday horizons. */
export function demoConfig(base: RootConfig, feedPath: string): RootConfig {
  return {
    ...base,
    store: demoStoreConfig(base.store),
    // Its feed-state (seen ids) lives in its own store folder too.
    ingestNews: { ...base.ingestNews, stateDir: undefined, feeds: [{ url: feedPath, name: DEMO_FEED_NAME, tags: ['demo'] }], once: true },
    ingestPrices: {
      ...base.ingestPrices,
      sources: [
        {
          kind: 'simulator',
          symbol: DEMO_SYMBOL,
          seed: DEMO_TICKS.seed,
          start: DEMO_TICKS.start,
          intervalSec: DEMO_TICKS.intervalSec,
          count: DEMO_TICKS.count,
          startPrice: DEMO_TICKS.startPrice,
          volBps: DEMO_TICKS.volBps,
          jumps: DEMO_HEADLINES.map((h) => ({ at: toIso(toMs(headlineTime(h)) + 20_000), bps: h.moveBps, overSec: 90 })),
          speed: 0,
          source: 'demo-simulator',
        },
      ],
    },
    correlator: { ...base.correlator, symbols: [DEMO_SYMBOL], horizons: [...DEMO_HORIZONS] },
  };
}

export async function runDemo(options: {
  config: RootConfig;
  keep: boolean;
  logger?: Logger;
  runtime?: RuntimeOptions;
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<DemoResult> {
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-demo-'));
  const feedPath = join(dir, 'demo-feed.xml');
  writeFileSync(feedPath, demoFeedXml());
  const config = demoConfig(options.config, feedPath);
  const rt = await openRuntime(config, { ...options.runtime, logger: options.logger });
  const names: ServiceName[] = ['correlator', 'scorer', 'ingest-prices', 'ingest-news', ...(options.keep ? (['api'] as const) : [])];
  let services: RunningService[] = [];
  const cleanup = async () => {
    await stopServices(services);
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    services = await startServices(names, rt);
    const ids = demoArticleIds();
    const expected = ids.length * DEMO_HORIZONS.length;
    const deadline = Date.now() + (options.timeoutMs ?? 50_000);
    let impacts = 0;
    for (;;) {
      const [row] = await rt.store.query<{ n: string }>(`SELECT count() AS n FROM ${rt.store.table('impact')} WHERE article_id IN {ids:Array(String)} AND symbol = {symbol:String}`, {
        params: { ids, symbol: DEMO_SYMBOL },
      });
      impacts = Number(row.n);
      options.onProgress?.(impacts, expected);
      if (impacts >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const summary = await rt.store.query(
      `SELECT formatDateTime(n.published_at, '%H:%i') AS time, n.title AS headline, n.oil_direction AS direction,
              arrayStringConcat(n.topics, ',') AS topics,
              round(sumIf(i.return_bps, i.horizon = '1m'), 1) AS bps_1m,
              round(sumIf(i.return_bps, i.horizon = '5m'), 1) AS bps_5m,
              round(sumIf(i.return_bps, i.horizon = '60m'), 1) AS bps_60m,
              round(sumIf(i.z, i.horizon = '5m'), 1) AS z_5m
       FROM ${rt.store.table('news')} AS n INNER JOIN ${rt.store.table('impact')} AS i ON i.article_id = n.id
       WHERE n.id IN {ids:Array(String)} GROUP BY n.published_at, n.title, n.oil_direction, n.topics ORDER BY n.published_at`,
      { params: { ids } },
    );
    const result: DemoResult = { articles: ids.length, impacts, expectedImpacts: expected, summary, store: config.store, runtime: rt, services, cleanup };
    if (!options.keep) await cleanup();
    return result;
  } catch (err) {
    await cleanup();
    throw err;
  }
}
