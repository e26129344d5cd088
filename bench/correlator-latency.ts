/**
 * Correlator latency (issue 16: "p99 from a horizon coming due to its impact on the stream < 100 ms"):
 * the time from publishing the tick that makes an article's 1m horizon due to its impact arriving on
 * `news.impact`, while batches of far-future news (never due) are being stored. The correlator runs
 * alone on the in-process bus with chDB in memory. Baseline, measured in the same run and under the
 * same background writes, one sample after each correlator sample: a bare chDB insert of the same
 * impact row into impact_store followed by its publish on `news.impact`, to arrival.
 *
 * The correlator is given a repository that wraps the ClickHouse one (start()'s public second
 * argument), so each sample is also split in hops: tick published -> impact write starts (tick
 * intake, engine, flush delay), the write itself, write done -> arrival (publish and delivery).
 *
 * `npm run bench -- --only correlator-latency`, or alone with sizes:
 * `node bin/run-ts.mjs bench/correlator-latency.ts [articles] [background batch] [background every ms] [impactFlushMs|default] [own|shared]`
 * (`shared`: the impact writes on the one connection, as before they had their own; see `ownImpactConnection`).
 */
import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';
import { MemoryBus } from '../shared/bus/memory-bus.ts';
import { publishEvents, subscribeEvents } from '../shared/bus/typed.ts';
import { TOPICS, messageKey, newsImpactV1, type NewsImpact, type NewsScored, type PriceTick } from '../shared/contracts/events.ts';
import { systemClock } from '../shared/runtime/clock.ts';
import { silentLogger } from '../shared/runtime/logger.ts';
import { openStore } from '../shared/store/clickhouse-store.ts';
import { migrate } from '../shared/store/migrate.ts';
import { ClickHouseImpactRepository, correlatorConfigSchema, start, type ImpactRepository } from '../services/correlator/index.ts';
import { percentile, type Report } from './report.ts';
import { benchArticle } from './scored-article.ts';

export interface CorrelatorLatencyOptions {
  /** Articles measured (one sample each, plus one baseline sample each). */
  articles?: number;
  /** Background news: this many articles per batch... */
  backgroundBatch?: number;
  /** ...one batch every this many ms. */
  backgroundEveryMs?: number;
  /** The correlator's impactFlushMs; its config default when absent. */
  impactFlushMs?: number;
  /**
   * Default true, as the correlator ships (services/correlator/main.ts): its impact writes on a chDB
   * connection of their own (`store.isolated()`). One connection runs one statement at a time, so with
   * false (the correlator before that) an impact insert waits on the shared one for the tick insert of
   * its own batch and any news insert in flight.
   */
  ownImpactConnection?: boolean;
}

const BASE = Date.UTC(2026, 5, 1, 10);

function scored(id: string, publishedMs: number): NewsScored {
  return benchArticle(id, publishedMs, { topics: [] });
}

const tick = (ms: number): PriceTick => ({ schema: 'prices.ticks/v1', symbol: 'LAT', ts: new Date(ms).toISOString(), price: 80 + (ms % 7) / 10, size: 1, source: 'bench', seq: 0 });

async function until(done: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 30_000;
  while (!done()) {
    if (performance.now() > end) throw new Error(`bench correlator-latency: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export async function benchCorrelatorLatency(report: Report, options: CorrelatorLatencyOptions = {}): Promise<void> {
  const n = options.articles ?? 40;
  const bgBatch = options.backgroundBatch ?? 20;
  const bgEvery = options.backgroundEveryMs ?? 50;
  const database = `bench_corr_latency_${process.pid}`;
  const store = await openStore({ path: ':memory:', database });
  const bus = new MemoryBus({ retryBackoffMs: 5, maxRetryBackoffMs: 20 });
  try {
    await migrate(store);
    const arrived = new Map<string, { at: number; impact: NewsImpact }>();
    await subscribeEvents(bus, {
      groupId: 'bench-latency-impacts',
      topic: TOPICS.newsImpact,
      schema: newsImpactV1,
      handler: async (events) => {
        const at = performance.now();
        for (const e of events) if (!arrived.has(e.event.article_id)) arrived.set(e.event.article_id, { at, impact: e.event });
      },
    });

    // The correlator's own repository, with the time each impact write starts and ends noted per article.
    // Wired as main.ts wires it; given a repository, start() opens no connection of its own.
    const own = options.ownImpactConnection ?? true;
    const impactStore = own ? await store.isolated() : store;
    const inner = new ClickHouseImpactRepository(store, impactStore);
    // The baseline's insert stays on the shared connection, as it always was.
    const shared = new ClickHouseImpactRepository(store);
    // The measured articles the correlator has stored (its engine takes each right after; see the wait below).
    const storedNews = new Set<string>();
    const writeStart = new Map<string, number>();
    const writeEnd = new Map<string, number>();
    // And when the news and tick inserts ran, to see whether an impact insert shared chDB with one.
    const otherWrites: { kind: 'news' | 'ticks' | 'read'; from: number; to: number }[] = [];
    const timed = <A extends unknown[], R>(kind: 'news' | 'ticks' | 'read', fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
      // Noted when it starts, so an insert still in flight when a sample is classified counts.
      const w = { kind, from: performance.now(), to: Infinity };
      otherWrites.push(w);
      try {
        return await fn(...a);
      } finally {
        w.to = performance.now();
      }
    };
    const repo: ImpactRepository = Object.assign(Object.create(inner) as ImpactRepository, {
      saveNews: timed('news', async (a: NewsScored[]) => {
        await inner.saveNews(a);
        for (const x of a) if (x.id.startsWith('lat')) storedNews.add(x.id);
      }),
      saveTicks: timed('ticks', (t: PriceTick[]) => inner.saveTicks(t)),
      // The store reads the engine lane waits for (history for pending articles; stored tick keys).
      loadTicks: timed('read', (symbol: string, fromMs: number, toMs: number) => inner.loadTicks(symbol, fromMs, toMs)),
      storedTickKeys: timed('read', (t: PriceTick[]) => inner.storedTickKeys(t)),
      saveImpacts: async (impacts: NewsImpact[]) => {
        const t = performance.now();
        for (const i of impacts) if (!writeStart.has(i.article_id)) writeStart.set(i.article_id, t);
        await inner.saveImpacts(impacts);
        const e = performance.now();
        for (const i of impacts) if (!writeEnd.has(i.article_id)) writeEnd.set(i.article_id, e);
      },
    });
    const config = correlatorConfigSchema.parse({
      groupId: 'bench-latency',
      symbols: ['LAT'],
      horizons: ['1m'],
      volatilityWindows: 2,
      calendar: { kind: 'always' },
      watermark: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 3_600_000 },
      allowedLatenessMs: 120_000,
      indicators: null,
      // Only the tick makes the horizon due: the periodic evaluation stays out of the way.
      evaluateEveryMs: 3_600_000,
      ...(options.impactFlushMs === undefined ? {} : { impactFlushMs: options.impactFlushMs }),
    });
    const service = await start({ bus, store, config, logger: silentLogger, clock: systemClock, metrics: new Registry() }, repo);

    // Background: news batches a month ahead (never due), stored while we measure.
    let running = true;
    const background = (async () => {
      for (let b = 0; running; b++) {
        const batch = Array.from({ length: bgBatch }, (_, i) => scored(`bg${String(b * bgBatch + i).padStart(8, '0')}`, BASE + 30 * 86_400_000 + b * bgBatch + i));
        await publishEvents(bus, TOPICS.newsScored, batch, messageKey.newsScored);
        await new Promise((r) => setTimeout(r, bgEvery));
      }
    })();

    const readsInFirstHop: number[] = [];
    const behindTickWrite: number[] = [];
    const notBehind: number[] = [];
    const overlapped = { news: [] as number[], ticks: [] as number[], alone: [] as number[] };
    const hops = { total: [] as number[], toWrite: [] as number[], write: [] as number[], toArrival: [] as number[], baseline: [] as number[], baseWrite: [] as number[] };
    const t0 = performance.now();
    const articles0 = service.stats().articles;
    try {
      for (let k = 0; k < n; k++) {
        const pub = BASE + k * 120_000;
        const id = `lat${String(k).padStart(5, '0')}`;
        await publishEvents(bus, TOPICS.pricesTicks, [tick(pub - 1000)], messageKey.pricesTicks);
        await publishEvents(bus, TOPICS.newsScored, [scored(id, pub)], messageKey.newsScored);
        // This article stored, then in the engine: its engine step is queued on the engine lane as its store resolves,
        // and flush() waits for that lane. A count of the articles published so far is not enough: news.scored has four
        // partitions on this bus, handled side by side, so background batches published after it can be handled first
        // and make up the count while it still waits for its news insert. Then the tick found nothing due, and the sample
        // timed that news insert and its batch's evaluation (22 of 80 samples of one probe run before this wait).
        await until(() => storedNews.has(id), `article ${id}`);
        await service.flush();
        await new Promise((r) => setTimeout(r, 20));

        const sent = performance.now();
        // The bus hands a partition its next batch once the previous one settled, which for ticks is once its insert landed.
        const tickWriteInFlight = otherWrites.some((w) => w.kind === 'ticks' && w.to > sent);
        await publishEvents(bus, TOPICS.pricesTicks, [tick(pub + 60_001)], messageKey.pricesTicks);
        await until(() => arrived.has(id), `the impact of ${id}`);
        const got = arrived.get(id)!;
        hops.total.push(got.at - sent);
        hops.toWrite.push(writeStart.get(id)! - sent);
        (tickWriteInFlight ? behindTickWrite : notBehind).push(writeStart.get(id)! - sent);
        hops.write.push(writeEnd.get(id)! - writeStart.get(id)!);
        hops.toArrival.push(got.at - writeEnd.get(id)!);
        const [from, to] = [writeStart.get(id)!, writeEnd.get(id)!];
        if (otherWrites.some((w) => w.kind === 'read' && w.from < from && w.to > sent)) readsInFirstHop.push(from - sent);
        const during = otherWrites.filter((w) => w.kind !== 'read' && w.from < to && w.to > from);
        const bucket = during.some((w) => w.kind === 'news') ? overlapped.news : during.length > 0 ? overlapped.ticks : overlapped.alone;
        bucket.push(to - from);

        // Baseline: the same row, under another article id, straight into impact_store, then on news.impact.
        const copy = { ...got.impact, article_id: `${id}-base` };
        const b0 = performance.now();
        await shared.saveImpacts([copy]);
        const b1 = performance.now();
        await publishEvents(bus, TOPICS.newsImpact, [copy], messageKey.newsImpact);
        await until(() => arrived.has(copy.article_id), `the baseline impact of ${id}`);
        hops.baseline.push(arrived.get(copy.article_id)!.at - b0);
        hops.baseWrite.push(b1 - b0);
      }
    } finally {
      running = false;
      await background;
    }
    const wall = performance.now() - t0;
    const bgPerS = ((service.stats().articles - articles0 - n) * 1000) / wall;
    await service.stop();
    if (impactStore !== store) await impactStore.close();

    const flush = `${options.impactFlushMs === undefined ? 'default flush' : `impactFlushMs ${options.impactFlushMs}`}${own ? '' : ', impacts on the shared connection'}`;
    const setting = `${n} articles, ${flush}, news ${bgBatch}/${bgEvery}ms`;
    for (const p of [50, 95, 99]) {
      const base = percentile(hops.baseline, p);
      report({ name: `baseline p${p}: bare impact_store insert + publish -> news.impact (${n} rows)`, value: base, unit: 'ms' });
      const v = percentile(hops.total, p);
      report({ name: `p${p}: horizon-due tick -> impact on news.impact (${setting})`, value: v, unit: 'ms', baseline: `bare insert + publish p${p}`, ratio: v / base });
    }
    for (const p of [50, 99]) {
      report({ name: `hop p${p}: tick published -> impact write starts (intake, engine, flush delay)`, value: percentile(hops.toWrite, p), unit: 'ms' });
      report({ name: `hop p${p}: the correlator's impact_store insert`, value: percentile(hops.write, p), unit: 'ms' });
      report({ name: `hop p${p}: insert done -> arrival on news.impact (publish, delivery)`, value: percentile(hops.toArrival, p), unit: 'ms' });
      report({ name: `hop p${p}: the baseline's impact_store insert`, value: percentile(hops.baseWrite, p), unit: 'ms' });
    }
    for (const [kind, values] of Object.entries(overlapped)) {
      const what = kind === 'alone' ? 'no other insert in flight' : kind === 'news' ? 'a news insert in flight' : 'only a tick insert in flight';
      report({ name: `impact inserts with ${what}: ${values.length} of ${n}, median`, value: values.length ? percentile(values, 50) : NaN, unit: 'ms' });
    }
    for (const [what, values] of [['the previous tick insert still in flight', behindTickWrite], ['no tick insert in flight', notBehind]] as const) {
      report({ name: `tick -> impact write starts with ${what}: ${values.length} of ${n}, p50`, value: values.length ? percentile(values, 50) : NaN, unit: 'ms' });
      report({ name: `tick -> impact write starts with ${what}: ${values.length} of ${n}, p99`, value: values.length ? percentile(values, 99) : NaN, unit: 'ms' });
    }
    report({ name: `tick -> impact write starts with an engine-lane store read in between: ${readsInFirstHop.length} of ${n}, p50`, value: readsInFirstHop.length ? percentile(readsInFirstHop, 50) : NaN, unit: 'ms' });
    for (const kind of ['ticks', 'news', 'read'] as const) {
      const took = otherWrites.filter((w) => w.kind === kind && w.to !== Infinity).map((w) => w.to - w.from);
      const what = kind === 'read' ? 'loadTicks/storedTickKeys reads' : `${kind}_store inserts`;
      report({ name: `the correlator's ${what} during the run: p50 of ${took.length}`, value: percentile(took, 50), unit: 'ms' });
      report({ name: `the correlator's ${what} during the run: p99 of ${took.length}`, value: percentile(took, 99), unit: 'ms' });
    }
    report({ name: 'background news stored during the run', value: bgPerS, unit: 'articles/s' });
  } finally {
    await bus.close();
    await store.command(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
    await store.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const num = (i: number) => (process.argv[i] === undefined || process.argv[i] === 'default' ? undefined : Number(process.argv[i]));
  await benchCorrelatorLatency(
    (row) => console.log(`${row.name.padEnd(90)} ${row.value.toFixed(1).padStart(9)} ${row.unit}${row.ratio === undefined ? '' : `  (${row.ratio.toFixed(2)}x ${row.baseline})`}`),
    { articles: num(2), backgroundBatch: num(3), backgroundEveryMs: num(4), impactFlushMs: num(5), ownImpactConnection: process.argv[6] !== 'shared' },
  );
  process.exit(0);
}
