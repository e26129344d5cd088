import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootConfigSchema } from '../cli/config.ts';
import { openRuntime, startServices, stopServices, type Runtime } from '../cli/runtime.ts';
import type { CorrelatorService } from '../services/correlator/index.ts';
import { publishEvents } from '../shared/bus/typed.ts';
import { TOPICS, messageKey, type NewsRaw, type PriceTick } from '../shared/contracts/events.ts';
import { articleId } from '../shared/contracts/ids.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import { percentile, type Report } from './report.ts';

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

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** CPU ms of the main (JavaScript) thread alone, from /proc (Linux; undefined elsewhere), at the kernel's tick resolution (10 ms). */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Tables the pipeline writes (MergeTree tables, materialized views' targets included): emptied between the two runs. */
async function writtenTables(store: Runtime['store']): Promise<string[]> {
  const rows = await store.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree%' AND name != 'schema_migrations'`, { params: { db: store.database } });
  return rows.map((r) => r.name);
}

interface Round {
  pipelineMs: number;
  pipelineCpuMs: number;
  pipelineMainMs?: number;
  /** The baseline's time for all its rows, and for the news rows alone. */
  baselineMs: number;
  newsOnlyMs: number;
  baselineCpuMs: number;
  baselineMainMs?: number;
  rssDeltaMb: number;
  rows: { impact: number; ticks: number };
}

/**
 * One pipeline run of `n` headlines on a fresh runtime and store, then the baseline: the same rows raw into the
 * emptied tables.
 *
 * The pipeline's time runs from the first publish until every article is stored and measured and its impact rows
 * are written (the correlator's own counts, read in process: a count query polled on the store would take the
 * engine from the pipeline it measures). The baseline then inserts exactly the rows the pipeline wrote (news,
 * impacts, ticks, read back from the store, the tables emptied first) in batches of 256 on one connection.
 */
async function round(n: number): Promise<Round> {
  const horizons = ['1m', '5m'];
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-bench-'));
  const config = rootConfigSchema.parse({ store: { path: dir, database: 'bench_pipeline' }, log: { level: 'silent' }, correlator: { horizons } });
  const rt = await openRuntime(config, { logger: silentLogger });
  try {
    const start = Date.UTC(2026, 5, 1, 9);
    const news = syntheticHeadlines(n, start);
    // Ticks to past the last headline's longest horizon and the watermark's out-of-orderness, so every impact is due.
    const ticks: PriceTick[] = Array.from({ length: Math.ceil(n / 10) + 60 }, (_, i) => ({
      schema: 'prices.ticks/v1',
      symbol: 'BRENT',
      ts: new Date(start - 60_000 + i * 10_000).toISOString(),
      price: 80 + Math.sin(i / 10),
      size: 1,
      source: 'bench',
      seq: 0,
    }));
    const expectedImpacts = n * config.correlator.symbols.length * horizons.length;

    const services = await startServices(['correlator', 'scorer'], rt);
    const correlator = services.find((s): s is CorrelatorService => s.name === 'correlator')!;
    const heapBefore = process.memoryUsage().rss;
    const cpu1 = process.cpuUsage();
    const main1 = mainThreadCpuMs();
    const t1 = performance.now();
    await publishEvents(rt.bus, TOPICS.pricesTicks, ticks, messageKey.pricesTicks);
    await publishEvents(rt.bus, TOPICS.newsRaw, news, messageKey.newsRaw);
    const deadline = Date.now() + 600_000;
    for (;;) {
      const s = correlator.stats();
      if (s.articles >= n && s.pending === 0 && s.impacts >= expectedImpacts) break;
      if (Date.now() > deadline) throw new Error(`pipeline bench: after 10 min ${s.articles}/${n} articles, ${s.impacts}/${expectedImpacts} impacts, ${s.pending} pending`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const pipelineMs = performance.now() - t1;
    const pipelineCpuMs = cpuMs(process.cpuUsage(cpu1));
    const pipelineMainMs = main1 === undefined ? undefined : mainThreadCpuMs()! - main1;
    const rssDeltaMb = (process.memoryUsage().rss - heapBefore) / 1e6;
    await stopServices(services);

    // The rows the pipeline wrote, read back as they are stored; then the same rows raw into emptied tables.
    const read = (table: string, order: string) => rt.store.query<Record<string, unknown>>(`SELECT * FROM ${rt.store.table(table)} ORDER BY ${order}`);
    const written = { news_store: await read('news_store', 'published_at, id'), impact_store: await read('impact_store', 'published_at, article_id, horizon'), ticks_store: await read('ticks_store', 'ts') };
    if (written.news_store.length !== n || written.impact_store.length !== expectedImpacts) {
      throw new Error(`pipeline bench: the store holds ${written.news_store.length}/${n} news and ${written.impact_store.length}/${expectedImpacts} impact rows`);
    }
    for (const t of await writtenTables(rt.store)) await rt.store.command(`TRUNCATE TABLE ${rt.store.table(t)}`);
    const ms: Record<string, number> = {};
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    for (const [table, rows] of Object.entries(written)) {
      const t0 = performance.now();
      for (let i = 0; i < rows.length; i += 256) await rt.store.insert(table, rows.slice(i, i + 256));
      ms[table] = performance.now() - t0;
    }
    const baselineCpuMs = cpuMs(process.cpuUsage(cpu0));
    const baselineMainMs = main0 === undefined ? undefined : mainThreadCpuMs()! - main0;
    return {
      pipelineMs,
      pipelineCpuMs,
      pipelineMainMs,
      baselineMs: ms.news_store + ms.impact_store + ms.ticks_store,
      newsOnlyMs: ms.news_store,
      baselineCpuMs,
      baselineMainMs,
      rssDeltaMb,
      rows: { impact: written.impact_store.length, ticks: written.ticks_store.length },
    };
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => percentile(values, 50);

/**
 * End-to-end headlines/s through bus, scorer and correlator into chDB, beside a raw chDB insert of the same rows.
 *
 * The first round in a process pays what a running pipeline paid long ago (V8 compiling the scorer, the bus and
 * the correlator, the engine's first parts of each table) while the baseline, which runs after it, does not; so a
 * warm-up round (a fifth of the headlines, figures printed on their own) comes first, and each figure is the
 * median of `rounds` measured rounds, every pipeline run paired with its own baseline.
 */
export async function benchPipeline(report: Report, options: { headlines?: number; rounds?: number } = {}): Promise<void> {
  const n = options.headlines ?? 5000;
  const rounds = options.rounds ?? 3;
  const warmN = Math.max(1, Math.round(n / 5));
  const cold = await round(warmN);
  const measured: Round[] = [];
  for (let r = 0; r < rounds; r++) measured.push(await round(n));
  const last = measured[measured.length - 1];
  const pipeline = (n * 1000) / median(measured.map((m) => m.pipelineMs));
  const baseline = (n * 1000) / median(measured.map((m) => m.baselineMs));
  const newsOnly = (n * 1000) / median(measured.map((m) => m.newsOnlyMs));
  const wallRatio = median(measured.map((m) => m.baselineMs / m.pipelineMs));
  const cpuRatio = median(measured.map((m) => m.baselineCpuMs / m.pipelineCpuMs));
  const of = `median of ${rounds} rounds after a warm-up`;
  report({ name: `baseline: raw chDB insert of the pipeline's rows (${n} news, ${last.rows.impact} impact, ${last.rows.ticks} ticks; batches of 256)`, value: baseline, unit: 'headlines/s' });
  report({ name: 'baseline: its news rows alone (what this bench compared with before)', value: newsOnly, unit: 'rows/s' });
  // The ratio is the median of each round's own ratio (pipeline and baseline of one round saw the same load).
  report({ name: `pipeline: ${n} headlines bus -> scorer -> correlator -> chDB (${of})`, value: pipeline, unit: 'headlines/s', baseline: 'raw chDB insert', ratio: wallRatio });
  report({ name: 'pipeline: against the news rows alone', value: pipeline, unit: 'headlines/s', baseline: 'news rows only', ratio: median(measured.map((m) => m.newsOnlyMs / m.pipelineMs)) });
  // The process's CPU (main thread, the engine's threads, its background merges): on a loaded machine the firmer figure.
  report({ name: 'pipeline: process CPU per headline, vs the baseline (ratio: baseline CPU / pipeline CPU)', value: (median(measured.map((m) => m.pipelineCpuMs)) * 1000) / n, unit: 'us/headline', baseline: 'raw chDB insert', ratio: cpuRatio });
  // Of which the main thread (our code, the client's encoding, most of V8's collection); the rest is the engine's threads and V8's helpers.
  const mains = measured.filter((m) => m.pipelineMainMs !== undefined && m.baselineMainMs !== undefined);
  if (mains.length > 0) {
    report({ name: 'baseline: main-thread CPU per headline (the rest of its CPU is the engine)', value: (median(mains.map((m) => m.baselineMainMs!)) * 1000) / n, unit: 'us/headline' });
    report({ name: 'pipeline: main-thread CPU per headline', value: (median(mains.map((m) => m.pipelineMainMs!)) * 1000) / n, unit: 'us/headline' });
  }
  report({ name: 'pipeline: RSS growth during a measured round', value: median(measured.map((m) => m.rssDeltaMb)), unit: 'MB' });
  // The warm-up round: what a pipeline just started (a fresh process, a fresh store) does, for comparison.
  report({ name: `pipeline, warm-up round (${warmN} headlines, first in the process)`, value: (warmN * 1000) / cold.pipelineMs, unit: 'headlines/s', baseline: 'its raw chDB insert', ratio: cold.baselineMs / cold.pipelineMs });
}
