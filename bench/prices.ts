/**
 * Prices and impact: ticks/s into the store through the real path (ingest-prices -> bus ->
 * correlator -> ticks_store with its bar views, deduplicated inserts), and impact
 * computations/s of the correlator's engine, each beside a baseline measured in the same run.
 * `node bin/run-ts.mjs bench/prices.ts` runs it alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rootConfigSchema } from '../cli/config.ts';
import { openRuntime, startServices, stopServices } from '../cli/runtime.ts';
import type { NewsScored } from '../shared/contracts/events.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import { ImpactEngine, type CorrelatorService } from '../services/correlator/index.ts';
import { simulateTicks, start as startIngestPrices, type ConfiguredSource } from '../services/ingest-prices/index.ts';
import type { BenchRow } from './report.ts';
import { benchArticle } from './scored-article.ts';

type Report = (row: BenchRow) => void;

const START = Date.UTC(2026, 5, 1, 0, 0, 0);

function tape(n: number) {
  return simulateTicks({ symbol: 'BRENT', seed: 11, startMs: START, intervalSec: 1, count: n, startPrice: 80, volBps: 2, jumps: [] });
}

function article(i: number, publishedMs: number): NewsScored {
  return benchArticle(`bench-article-${i}`, publishedMs, { title: `headline ${i}`, oil_direction: { label: i % 2 ? 'bullish' : 'bearish', strength: 0.5 }, cluster_id: `c${i}` });
}

async function benchStore(report: Report, n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oilwire-bench-prices-'));
  const config = rootConfigSchema.parse({ store: { path: dir, database: 'bench_prices' }, log: { level: 'silent' }, ingestPrices: { sources: [] }, correlator: { horizons: ['1m'], indicators: null } });
  const rt = await openRuntime(config, { logger: silentLogger });
  try {
    const ticks = tape(n);
    const rows = ticks.map((t) => ({ symbol: t.symbol, ts: new Date(t.ts).toISOString().replace('T', ' ').replace('Z', ''), seq: t.seq, source: 'bench', price: t.price, size: t.size }));

    // Baseline: the same rows in the same batches straight into a bare MergeTree with ticks_store's columns (no bus, no views, no tokens).
    await rt.store.command(`CREATE TABLE ${rt.store.table('bench_raw_ticks')} AS ${rt.store.table('ticks_store')} ENGINE = MergeTree ORDER BY (symbol, ts)`);
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += 1000) await rt.store.insert('bench_raw_ticks', rows.slice(i, i + 1000));
    const baseline = (n * 1000) / (performance.now() - t0);
    report({ name: `baseline: raw chDB insert of ${n} tick rows (batches of 1000)`, value: baseline, unit: 'rows/s' });

    const services = await startServices(['correlator'], rt);
    const correlator = services[0] as CorrelatorService;
    let done = 0;
    const source: ConfiguredSource = {
      name: 'bench-tape',
      source: 'bench',
      speed: 0,
      async *ticks() {
        for (let i = 0; i < ticks.length; i += 1000) yield ticks.slice(i, i + 1000);
      },
    };
    const t1 = performance.now();
    const ingest = await startIngestPrices({ bus: rt.bus, store: rt.store, logger: rt.logger, clock: rt.clock, metrics: rt.metrics, config: config.ingestPrices }, { extraSources: [source] });
    await ingest.idle!();
    while ((done = correlator.stats().ticks.accepted) < n) await new Promise((r) => setTimeout(r, 5));
    const pipeline = (done * 1000) / (performance.now() - t1);
    await ingest.stop();
    await stopServices(services);
    const [bars] = await rt.store.query<{ v: number }>(`SELECT sum(volume) AS v FROM ${rt.store.table('bars_1m')} WHERE symbol = 'BRENT'`);
    const volume = ticks.reduce((a, t) => a + (t.size ?? 0), 0);
    if (Number(bars.v) !== volume) throw new Error(`bars volume ${bars.v} != ${volume}`);
    report({ name: `ticks: ingest-prices -> bus -> correlator -> ticks_store + bar views`, value: pipeline, unit: 'ticks/s', baseline: 'raw chDB insert', ratio: pipeline / baseline });
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchEngine(report: Report, ticksN: number, articlesN: number): void {
  const ticks = tape(ticksN);
  const step = Math.floor(((ticksN - 4_000) * 1000) / articlesN);
  const published = Array.from({ length: articlesN }, (_, i) => START + 3_700_000 + i * step);

  // Baseline: the least a measurement needs, two binary searches (pre and post price) and a return, on the same prices and times.
  const ts = ticks.map((t) => t.ts);
  const px = ticks.map((t) => t.price);
  const last = (t: number) => {
    let lo = 0;
    let hi = ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };
  let sink = 0;
  const b0 = performance.now();
  for (let rep = 0; rep < 20; rep++) for (const p of published) sink += px[last(p + 300_000)] / px[last(p)] - 1;
  const baseline = (20 * articlesN * 1000) / (performance.now() - b0);
  report({ name: `baseline: bare pre/post lookup and return (${articlesN} events, ${ticksN} ticks)`, value: baseline, unit: 'measurements/s' });

  for (const [label, indicators] of [
    ['engine: watermark, trading clock, 20 volatility windows, z', null],
    ['engine: ... plus RSI/EMA/Bollinger/ATR on 1m bars', undefined],
  ] as const) {
    const engine = new ImpactEngine({ symbols: ['BRENT'], horizons: ['5m'], volatilityWindows: 20, maxPendingAgeMs: 14 * 86_400_000, indicators, watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 1e12 } });
    for (const t of ticks) engine.addTick({ symbol: 'BRENT', ts: t.ts, price: t.price, identity: `b|${t.ts}|0`, source: 'b' }, 0);
    published.forEach((p, i) => engine.addArticle(article(i, p)));
    const e0 = performance.now();
    const out = engine.evaluate(0);
    const rate = (out.length * 1000) / (performance.now() - e0);
    if (out.length !== articlesN) throw new Error(`engine measured ${out.length} of ${articlesN}`);
    report({ name: label, value: rate, unit: 'impacts/s', baseline: 'bare pre/post lookup', ratio: rate / baseline });
  }
  if (sink === 42) console.log('');
}

export async function benchPrices(report: (row: { name: string; value: number; unit: string; baseline?: string; ratio?: number }) => void): Promise<void> {
  await benchStore(report, 50_000);
  benchEngine(report, 200_000, 20_000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchPrices((row) => {
    const ratio = row.ratio === undefined ? '' : `  (${row.ratio.toFixed(3)}x ${row.baseline})`;
    console.log(`${row.name.padEnd(78)} ${row.value.toFixed(row.value < 100 ? 2 : 0).padStart(12)} ${row.unit}${ratio}`);
  });
  process.exit(0);
}
