import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootConfigSchema } from '../cli/config.ts';
import { openRuntime, startServices, stopServices } from '../cli/runtime.ts';
import { publishEvents } from '../shared/bus/typed.ts';
import { TOPICS, messageKey, type NewsRaw, type PriceTick } from '../shared/contracts/events.ts';
import { articleId } from '../shared/contracts/ids.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import type { Report } from './report.ts';

const SUBJECTS = ['Qatar', 'Oman', 'Iran', 'OPEC+', 'Saudi Arabia', 'US Treasury', 'Houthi rebels', 'EIA'];
const VERBS = ['says talks on', 'warns over', 'announces cut to', 'denies reports of', 'signals progress on', 'imposes sanctions on'];
const OBJECTS = ['ceasefire framework', 'crude exports', 'Hormuz shipping', 'output quotas', 'nuclear deal', 'inventory levels'];

/** Headlines `from` .. `from + n - 1`, published `spacingMs` apart from `startMs` (numbered, so ids and titles differ). */
export function syntheticHeadlines(n: number, startMs: number, spacingMs = 1000, from = 0): NewsRaw[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    const title = `${SUBJECTS[i % SUBJECTS.length]} ${VERBS[(i * 7) % VERBS.length]} ${OBJECTS[(i * 13) % OBJECTS.length]} (${i})`;
    const at = new Date(startMs + i * spacingMs).toISOString();
    return { schema: 'news.raw/v1', id: articleId({ guid: `bench-${i}`, source: 'bench' }), source: 'bench', url: null, title, summary: '', published_at: at, published_precision: 'time', fetched_at: at, tags: [] };
  });
}

/** End-to-end headlines/s through scorer and correlator into chDB, beside a raw chDB insert of the same rows. */
export async function benchPipeline(report: Report, options: { headlines?: number } = {}): Promise<void> {
  const n = options.headlines ?? 5000;
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-bench-'));
  const config = rootConfigSchema.parse({ store: { path: dir, database: 'bench_pipeline' }, log: { level: 'silent' }, correlator: { horizons: ['1m', '5m'] } });
  const rt = await openRuntime(config, { logger: silentLogger });
  try {
    const start = Date.UTC(2026, 5, 1, 9);
    const news = syntheticHeadlines(n, start);
    const ticks: PriceTick[] = Array.from({ length: Math.ceil(n / 10) + 20 }, (_, i) => ({
      schema: 'prices.ticks/v1',
      symbol: 'BRENT',
      ts: new Date(start - 60_000 + i * 10_000).toISOString(),
      price: 80 + Math.sin(i / 10),
      size: 1,
      source: 'bench',
      seq: 0,
    }));

    // Baseline: the same number of rows straight into the news table, no bus, no scoring.
    const rows = news.map((a) => ({ id: `${a.id}-raw`, source: a.source, url: null, title: a.title, summary: '', published_at: a.published_at.replace('T', ' ').replace('Z', ''), published_precision: 'time', fetched_at: a.fetched_at.replace('T', ' ').replace('Z', ''), tags: [], sentiment_label: 'neutral', sentiment_score: 0, sentiment_confidence: 0, oil_direction: 'neutral', oil_strength: 0, topics: [], entities: [], relevance: 0, novelty: 0, cluster_id: '', model_name: 'x', model_version: '0', scored_at: a.fetched_at.replace('T', ' ').replace('Z', '') }));
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += 256) await rt.store.insert('news_store', rows.slice(i, i + 256));
    const baseline = (n * 1000) / (performance.now() - t0);
    await rt.store.command(`TRUNCATE TABLE ${rt.store.table('news_store')}`);

    const services = await startServices(['correlator', 'scorer'], rt);
    const heapBefore = process.memoryUsage().rss;
    const t1 = performance.now();
    await publishEvents(rt.bus, TOPICS.pricesTicks, ticks, messageKey.pricesTicks);
    await publishEvents(rt.bus, TOPICS.newsRaw, news, messageKey.newsRaw);
    for (;;) {
      const [row] = await rt.store.query<{ n: string }>(`SELECT count() AS n FROM ${rt.store.table('news_store')}`);
      if (Number(row.n) >= n) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const pipeline = (n * 1000) / (performance.now() - t1);
    const rssDelta = (process.memoryUsage().rss - heapBefore) / 1e6;
    await stopServices(services);
    report({ name: 'baseline: raw chDB insert of news rows (batches of 256)', value: baseline, unit: 'rows/s' });
    report({ name: `pipeline: ${n} headlines bus -> scorer -> correlator -> chDB`, value: pipeline, unit: 'headlines/s', baseline: 'raw chDB insert', ratio: pipeline / baseline });
    report({ name: 'pipeline: RSS growth during the run', value: rssDelta, unit: 'MB' });
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
