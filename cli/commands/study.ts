/**
 * `oilwire study`: replays a file of historical headlines and a price file through the real
 * pipeline (in-process bus, ingest-prices, scorer, correlator, a throwaway embedded store)
 * and reports which headlines moved the price, by how much and how reliably.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { HORIZONS, TOPICS, messageKey, newsRawV1, type HorizonLabel, type NewsRaw } from '../../shared/contracts/events.ts';
import { articleId } from '../../shared/contracts/ids.ts';
import { publishEvents } from '../../shared/bus/typed.ts';
import { AppError } from '../../shared/errors.ts';
import { createLogger, type Logger } from '../../shared/runtime/logger.ts';
import { FileTickSource, boundMs, createProgressBar, parseCsv, start as startIngestPrices, type ProgressStream } from '../../services/ingest-prices/index.ts';
import {
  analyzeStudy,
  inferHolidays,
  isPriceReport,
  type CorrelatorService,
  type DailyMeasure,
  type StudyEvent,
  type StudyGroup,
  type StudyHeadlineRow,
  type PricePoint,
} from '../../services/correlator/index.ts';
import { configFrom } from '../context.ts';
import { formatTable } from '../format.ts';
import { openRuntime, startServices, stopServices } from '../runtime.ts';
import type { RootConfig } from '../config.ts';

const DAY = 86_400_000;
/** Prices this far before the first headline feed the volatility windows and the indicator bars. */
const LOOKBACK_DAYS = 150;
/** And this far after the last one cover the +1d horizon across weekends and holidays. */
const LOOKAHEAD_DAYS = 10;

export interface StudyHeadline {
  ts: number;
  precision: 'date' | 'time';
  source: string;
  headline: string;
  line: number;
}

/**
 * `date,headline` (a day, no time: placed at the start of that day, UTC) or
 * `ts,source,headline` (a time; a bare date there is a date too). Quoted fields may hold commas.
 */
export function parseHeadlines(text: string, defaultSource: string): { headlines: StudyHeadline[]; rejected: { line: number; reason: string }[] } {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const tsCol = col('ts', 'date', 'time', 'published_at', 'timestamp');
  const textCol = col('headline', 'title', 'text');
  const sourceCol = col('source');
  if (tsCol < 0 || textCol < 0) throw new AppError('INPUT_INVALID', `headline file header must be "date,headline" or "ts,source,headline", got "${(rows[0] ?? []).join(',')}"`);
  const headlines: StudyHeadline[] = [];
  const rejected: { line: number; reason: string }[] = [];
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    const when = (r[tsCol] ?? '').trim();
    const headline = (r[textCol] ?? '').trim().replace(/\s+/g, ' ');
    if (!headline) {
      rejected.push({ line: i + 1, reason: 'empty_headline' });
      continue;
    }
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(when);
    const ts = dateOnly ? Date.parse(`${when}T00:00:00Z`) : Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(when) ? when : `${when.replace(' ', 'T')}Z`);
    if (!Number.isFinite(ts)) {
      rejected.push({ line: i + 1, reason: 'bad_date' });
      continue;
    }
    const source = (sourceCol >= 0 ? (r[sourceCol] ?? '').trim() : '') || defaultSource;
    headlines.push({ ts, precision: dateOnly ? 'date' : 'time', source, headline: headline.slice(0, 2000), line: i + 1 });
  }
  return { headlines, rejected };
}

export function toNewsRaw(h: StudyHeadline): NewsRaw {
  const at = new Date(h.ts).toISOString();
  const when = h.precision === 'date' ? at.slice(0, 10) : at;
  return {
    schema: 'news.raw/v1',
    id: articleId({ guid: `${when}|${h.headline}`, source: h.source }),
    source: h.source.slice(0, 200),
    url: null,
    title: h.headline,
    summary: '',
    published_at: at,
    published_precision: h.precision,
    fetched_at: at,
    tags: ['study'],
  };
}

export interface StudyOptions {
  news: string;
  prices: string;
  from?: string;
  to?: string;
  top: number;
  symbol: string;
  /** Horizon of the report (default: 1d for daily prices, 60m for ticks). */
  horizon?: HorizonLabel;
  /** Keep the study's store in this new folder (for `oilwire --data <dir> sql ...`) instead of deleting it. */
  keep?: string;
  /** Daily prices: `next-session` (default, tradable) or `same-day` (contains the move a date-only headline reports). */
  measure?: DailyMeasure;
  /** Price reports may be causes and enter the aggregates (default: excluded, counted apart). */
  includeReports?: boolean;
  /** A headline below this relevance (0-100) is never a cause (default 40: oil-market words at least). */
  minRelevance?: number;
  /** Seed of the bootstrap (default 1): the same study prints the same p-values. */
  seed?: number;
}

/** Estimation windows of the mean-adjusted model (the correlator's volatilityWindows default). */
const ESTIMATION_WINDOWS = 20;
/** Sessions of the same clock window behind the time-of-day volatility. */
const TOD_SESSIONS = 20;
/** Pre-event window reported per event to show leakage: -15 minutes to the event. */
const PRE_EVENT_MS = 15 * 60_000;

export interface TopRow {
  date: string;
  /** The cause: the earliest relevant headline of the move that is not a price report. */
  headline: string;
  topics: string[];
  oil_direction: string;
  /** The move in the study's measure (next-session by default for daily prices). */
  return_bps: number;
  /** Daily prices: the same-day return of a date-only cause, beside the tradable one (null for timed headlines and intraday horizons). */
  same_day_bps: number | null;
  /** Abnormal return over the estimation-window volatility. */
  z: number;
  /** Intraday: z against the volatility of the same clock window on previous sessions; and the return from -15 min to the event (leakage). */
  tod_z: number | null;
  pre_15m_bps: number | null;
  /** Other relevant headlines of the same move ("same move"), earliest first. */
  others: number;
  same_move: string[];
  /** Price reports in the move's window. */
  reports: number;
}

export interface TestCell {
  stat: number | null;
  p: number | null;
  /** Benjamini-Hochberg q-value across the family reported together (topics x horizons, directions x horizons, or sources x horizons). */
  q: number | null;
}

export interface AggregateRow {
  /** Headlines (causes and same-move ones; reports only with --include-reports). */
  n: number;
  /** Events (price moves, each once) the statistics run on. */
  events: number;
  mean_return_bps: number | null;
  /** Mean abnormal return (CAAR over the horizon) and mean standardized abnormal return. */
  mean_car_bps: number | null;
  mean_sar: number | null;
  /** Plain t of the abnormal returns (the baseline), kept beside the tests an analyst signs off on. */
  t_stat: number | null;
  tests: Record<'t' | 'bmp' | 'kp' | 'rank' | 'sign' | 'bootstrap', TestCell> & { kp_r: number };
  directional: number;
  hit_rate: number | null;
  mean_signed_bps: number | null;
}

export interface StudyReport {
  symbol: string;
  horizon: HorizonLabel;
  /** How a move is measured: `next-session` or `same-day` on daily prices, `event` (from the last price before the headline) on ticks. */
  measure: DailyMeasure | 'event';
  /** Headlines and events by what attribution made of them. */
  attribution: { events: number; attributed: number; reportOnly: number; unattributed: number; reportHeadlines: number; reportsIncluded: boolean; minRelevance: number; reportSource: 'scorer' | 'title' };
  priceFormat: string;
  period: { from: string; to: string };
  headlines: { read: number; rejected: number; inPeriod: number };
  prices: { published: number; rejected: Record<string, number>; holidays: number };
  measured: number;
  unmeasured: { no_pre_price: number; waiting: number };
  top: TopRow[];
  byTopic: (AggregateRow & { topic: string })[];
  byDirection: (AggregateRow & { oil_direction: string })[];
  /** By source of the cause headline (the file's source column, or the file's name): its own q-value family. */
  bySource: (AggregateRow & { source: string })[];
  hitRate: { hits: number; directional: number; rate: number | null };
  signal: { days: number; corr: number | null };
  series: { t: number; close: number }[];
  markers: (TopRow & { t: number; price: number })[];
  elapsedMs: number;
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const num = (v: unknown): number | null => (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : Number(v));

/** Reads the price file once for what the correlator must know before it starts: the format and the trading days present. */
async function scanPrices(path: string, symbol: string, closeUtc: string, fromMs: number, toMs: number): Promise<{ format: string; times: number[] }> {
  const src = new FileTickSource(path, path, { symbol, closeUtc, batchSize: 50_000, fromMs, toMs });
  const times: number[] = [];
  for await (const batch of src.ticks()) for (const t of batch) times.push(t.ts);
  times.sort((a, b) => a - b);
  return { format: src.format, times };
}

export async function runStudy(options: StudyOptions, base: RootConfig, io: { progress?: ProgressStream; logger?: Logger } = {}): Promise<StudyReport> {
  const started = performance.now();
  const text = (() => {
    try {
      return readFileSync(options.news, 'utf8');
    } catch (err) {
      throw new AppError('INPUT_INVALID', `cannot read headline file ${options.news}: ${(err as Error).message}`);
    }
  })();
  const parsed = parseHeadlines(text, basename(options.news, extname(options.news)));
  const fromMs = boundMs(options.from, false) ?? -Infinity;
  const toMs = boundMs(options.to, true) ?? Infinity;
  if (options.from && !Number.isFinite(fromMs)) throw new AppError('INPUT_INVALID', `--from must be a date (YYYY-MM-DD), got ${options.from}`);
  if (options.to && !Number.isFinite(toMs)) throw new AppError('INPUT_INVALID', `--to must be a date (YYYY-MM-DD), got ${options.to}`);
  const headlines = parsed.headlines.filter((h) => h.ts >= fromMs && h.ts <= toMs);
  if (headlines.length === 0) throw new AppError('INPUT_INVALID', `no headlines in ${options.news}${options.from || options.to ? ` between ${options.from ?? 'the start'} and ${options.to ?? 'the end'}` : ''}`);
  const first = Math.min(...headlines.map((h) => h.ts));
  const last = Math.max(...headlines.map((h) => h.ts));
  const priceFrom = first - LOOKBACK_DAYS * DAY;
  const priceTo = last + LOOKAHEAD_DAYS * DAY;

  const scan = await scanPrices(options.prices, options.symbol, base.ingestPrices.dailyCloseUtc, priceFrom, priceTo);
  if (scan.format === 'unknown') throw new AppError('INPUT_INVALID', `${options.prices}: not a price file (expected Date,Price or ts,symbol,price[,size] or NDJSON)`);
  const daily = scan.format === 'daily';
  const horizon: HorizonLabel = options.horizon ?? (daily ? '1d' : '60m');
  const horizons: HorizonLabel[] = daily ? ['1d'] : ['1m', '5m', '15m', '30m', '60m', '1d'];
  if (!horizons.includes(horizon)) throw new AppError('INPUT_INVALID', `--horizon ${horizon} cannot be measured on daily prices; use 1d`);
  // A replay knows the whole tape, like an exchange's published calendar: trading days with no price are holidays.
  const holidays = inferHolidays(base.correlator.calendar, scan.times);

  if (options.keep && existsSync(options.keep) && readdirSync(options.keep).length > 0) throw new AppError('INPUT_INVALID', `--keep wants a new or empty folder; ${options.keep} is not empty`);
  const dir = options.keep ?? mkdtempSync(join(tmpdir(), 'oilwire-study-'));
  const config: RootConfig = {
    ...base,
    // Never the user's store: a fresh folder, deleted at the end unless kept.
    store: { path: dir, database: 'oilwire' },
    bus: { ...base.bus, kind: 'memory' } as RootConfig['bus'],
    ingestNews: { ...base.ingestNews, feeds: [] },
    ingestPrices: { ...base.ingestPrices, sources: [] },
    correlator: {
      ...base.correlator,
      symbols: [options.symbol],
      horizons,
      calendar: { ...base.correlator.calendar, holidays: [...new Set([...base.correlator.calendar.holidays, ...holidays])] },
      // A file is replayed in order: nothing is out of order, and wall-clock idleness means nothing.
      watermark: { ...base.correlator.watermark, maxOutOfOrdernessMs: 0 },
      evaluateEveryMs: 3_600_000,
    },
  };
  const phase = (name: string) => io.logger?.debug({ phase: name, ms: Math.round(performance.now() - started) }, 'study phase');
  phase('read');
  const rt = await openRuntime(config, { logger: io.logger });
  phase('store ready');
  const services = [];
  try {
    services.push(...(await startServices(['correlator', 'scorer'], rt)));
    const correlator = services.find((s) => s.name === 'correlator') as CorrelatorService;
    const priceSource = Object.assign(new FileTickSource(options.prices, options.prices, { symbol: options.symbol, closeUtc: config.ingestPrices.dailyCloseUtc, batchSize: config.ingestPrices.batchSize, fromMs: priceFrom, toMs: priceTo }), {
      source: daily ? 'daily-file' : 'tick-file',
      speed: 0,
    });
    const bar = io.progress ? createProgressBar(io.progress, 'prices   ') : undefined;
    const ingest = await startIngestPrices(
      { bus: rt.bus, store: rt.store, logger: rt.logger, clock: rt.clock, metrics: rt.metrics, config: config.ingestPrices },
      { extraSources: [priceSource], onProgress: (_s, p) => bar?.update(p.done, p.total) },
    );
    services.push(ingest);
    await ingest.idle!();
    const ingestStats = ingest.stats();
    if (ingestStats.failures.length) throw new AppError('INPUT_INVALID', ingestStats.failures.map((f) => f.message).join('; '));
    bar?.finish(`${ingestStats.published} ticks`);
    phase('prices published');

    const events = headlines.map(toNewsRaw).filter((e) => newsRawV1.safeParse(e).success);
    const hbar = io.progress ? createProgressBar(io.progress, 'headlines') : undefined;
    for (let i = 0; i < events.length; i += 1000) await publishEvents(rt.bus, TOPICS.newsRaw, events.slice(i, i + 1000), messageKey.newsRaw);
    const handledTicks = () => [...Object.values(correlator.stats().ticks), ...Object.values(correlator.stats().rejected ?? {})].reduce((a, b) => a + b, 0);
    const deadline = Date.now() + 10 * 60_000;
    // An article the correlator recognises as a story already stored under another id is counted apart, not in `articles`.
    const handledArticles = () => correlator.stats().articles + ((correlator.stats() as { duplicates?: number }).duplicates ?? 0);
    while (handledArticles() < events.length || handledTicks() < ingestStats.published) {
      if (Date.now() > deadline) throw new AppError('INTERNAL', `the pipeline did not finish: ${handledArticles()}/${events.length} headlines and ${handledTicks()}/${ingestStats.published} ticks reached the correlator`);
      hbar?.update(handledArticles(), events.length);
      await new Promise((r) => setTimeout(r, 25));
    }
    await correlator.flush();
    hbar?.finish(`${events.length} headlines`);
    phase('headlines measured');

    const measure: StudyReport['measure'] = daily ? (options.measure ?? 'next-session') : 'event';
    const statsStarted = performance.now();
    const report = await buildReport(rt.store, {
      symbol: options.symbol,
      horizon,
      horizons,
      top: options.top,
      measure,
      includeReports: options.includeReports ?? false,
      minRelevance: options.minRelevance ?? 40,
      seed: options.seed ?? 1,
    });
    io.logger?.debug({ ms: Math.round(performance.now() - statsStarted) }, 'study statistics');
    phase('report queried');
    const st = correlator.stats();
    return {
      ...report,
      symbol: options.symbol,
      horizon,
      measure,
      priceFormat: scan.format,
      period: { from: isoDay(first), to: isoDay(last) },
      headlines: { read: parsed.headlines.length + parsed.rejected.length, rejected: parsed.rejected.length + (headlines.length - events.length), inPeriod: headlines.length },
      prices: { published: ingestStats.published, rejected: ingestStats.rejected, holidays: holidays.length },
      unmeasured: { no_pre_price: st.skipped.no_pre_price ?? 0, waiting: st.pending },
      elapsedMs: performance.now() - started,
    };
  } finally {
    await stopServices(services);
    await rt.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

type Store = Awaited<ReturnType<typeof openRuntime>>['store'];

interface ReportOptions {
  symbol: string;
  horizon: HorizonLabel;
  horizons: HorizonLabel[];
  top: number;
  measure: StudyReport['measure'];
  includeReports: boolean;
  minRelevance: number;
  seed: number;
}

const cell = (t: { stat: number | null; p: number | null }, q: number | null): TestCell => ({ stat: t.stat, p: t.p, q });

function aggregate(g: StudyGroup): AggregateRow {
  const t = g.tests;
  return {
    n: g.headlines,
    events: t.events,
    mean_return_bps: null,
    mean_car_bps: t.mean_ar_bps,
    mean_sar: t.mean_sar,
    t_stat: t.t.stat,
    tests: {
      t: cell(t.t, g.q.t),
      bmp: cell(t.bmp, g.q.bmp),
      kp: cell(t.kp, g.q.kp),
      rank: cell(t.rank, g.q.rank),
      sign: cell(t.sign, g.q.sign),
      bootstrap: cell(t.bootstrap, g.q.bootstrap),
      kp_r: t.kp.r,
    },
    directional: g.directional,
    hit_rate: g.hitRate,
    mean_signed_bps: g.meanSignedBps,
  };
}

/** The store's rows in, the study's tables out: clustering, attribution and every test run in analyzeStudy (services/correlator). */
async function buildReport(store: Store, o: ReportOptions): Promise<Omit<StudyReport, 'symbol' | 'horizon' | 'measure' | 'priceFormat' | 'period' | 'headlines' | 'prices' | 'unmeasured' | 'elapsedMs'>> {
  const t = (name: string) => store.table(name);
  // The scorer's price_report, where the store has the column; otherwise a conservative reading of the title.
  const [col] = await store.query<{ n: string }>(`SELECT count() AS n FROM system.columns WHERE database = {db:String} AND table = 'news_store' AND name = 'price_report'`, { params: { db: store.database } });
  const hasReport = Number(col.n) > 0;
  const news = await store.query<{ id: string; published_at: string; t: string; precision: string; title: string; source: string; topics: string[]; oil_direction: string; relevance: number; price_report: number | null }>(
    `SELECT id, published_at, toUnixTimestamp64Milli(published_at) AS t, published_precision AS precision, title, CAST(source, 'String') AS source, CAST(topics, 'Array(String)') AS topics,
            CAST(oil_direction, 'String') AS oil_direction, relevance, ${hasReport ? 'price_report' : 'NULL'} AS price_report
     FROM ${t('news')} ORDER BY published_at, id`,
  );
  const headlines: StudyHeadlineRow[] = news.map((r, i) => ({
    id: r.id,
    ts: Number(r.t),
    precision: r.precision === 'date' ? 'date' : 'time',
    title: r.title,
    relevance: Number(r.relevance),
    priceReport: r.price_report === null ? undefined : Number(r.price_report) === 1,
    order: i,
    topics: r.topics,
    direction: r.oil_direction,
    source: r.source,
  }));
  const [span] = await store.query<{ lo: string; hi: string }>(`SELECT toUnixTimestamp64Milli(min(published_at)) AS lo, toUnixTimestamp64Milli(max(published_at)) AS hi FROM ${t('news')}`);
  const daily = (
    await store.query<{ t: string; close: number }>(`SELECT toUnixTimestamp64Milli(last_ts) AS t, close FROM ${t('bars_1d')} WHERE symbol = {symbol:String} ORDER BY day`, { params: { symbol: o.symbol } })
  ).map((r) => ({ t: Number(r.t), close: Number(r.close) }));
  let minute: PricePoint[] | undefined;
  const measured = new Map<string, Map<string, { pre: number; post: number; r: number }>>();
  if (o.measure === 'event') {
    minute = (
      await store.query<{ t: string; close: number }>(`SELECT toUnixTimestamp64Milli(last_ts) AS t, close FROM ${t('bars_1m')} WHERE symbol = {symbol:String} ORDER BY ts`, { params: { symbol: o.symbol } })
    ).map((r) => ({ t: Number(r.t), close: Number(r.close) }));
    const rows = await store.query<{ article_id: string; horizon: string; pre: string; post: string; return_bps: number }>(
      `SELECT article_id, horizon, toUnixTimestamp64Milli(pre_ts) AS pre, toUnixTimestamp64Milli(post_ts) AS post, return_bps FROM ${t('impact')} WHERE symbol = {symbol:String}`,
      { params: { symbol: o.symbol } },
    );
    for (const r of rows) {
      let m = measured.get(r.horizon);
      if (!m) measured.set(r.horizon, (m = new Map()));
      m.set(r.article_id, { pre: Number(r.pre), post: Number(r.post), r: Number(r.return_bps) });
    }
  }
  const result = analyzeStudy({
    headlines,
    measured,
    daily,
    minute,
    horizons: (o.measure === 'event' ? o.horizons : [o.horizon]).map((h) => ({ label: h, ms: HORIZONS[h] * 1000 })),
    measure: o.measure,
    minRelevance: o.minRelevance,
    includeReports: o.includeReports,
    estimationWindows: ESTIMATION_WINDOWS,
    todSessions: TOD_SESSIONS,
    preEventMs: PRE_EVENT_MS,
    seed: o.seed,
  });
  const events = result.events.filter((e) => e.horizon === o.horizon);
  const attributed = events.filter((e) => e.cluster.cause);
  const day = (h: StudyHeadlineRow) => (h.precision === 'date' ? new Date(h.ts).toISOString().slice(0, 10) : new Date(h.ts).toISOString().slice(0, 16).replace('T', ' '));
  const top = [...attributed]
    .filter((e) => e.z !== null)
    .sort((a, b) => Math.abs(b.z!) - Math.abs(a.z!) || a.obs.start - b.obs.start)
    .slice(0, o.top);
  const topRows: (TopRow & { t: number; price: number })[] = top.map((e) => {
    const c = e.cluster.cause!;
    return {
      date: day(c),
      headline: c.title,
      topics: c.topics,
      oil_direction: c.direction,
      return_bps: e.obs.r,
      same_day_bps: e.sameDayBps,
      z: e.z!,
      tod_z: e.todZ,
      pre_15m_bps: e.preEventBps,
      others: e.cluster.sameMove.length,
      same_move: e.cluster.sameMove.slice(0, 5).map((h) => h.title),
      reports: e.cluster.reports.length,
      t: e.obs.start,
      price: NaN,
    };
  });
  const forHorizon = (rows: StudyGroup[]) => rows.filter((g) => g.horizon === o.horizon).sort((a, b) => b.tests.events - a.tests.events || a.key.localeCompare(b.key));
  const byTopic = forHorizon(result.byTopic).map((g) => ({ topic: g.key, ...aggregate(g) }));
  const byDirection = forHorizon(result.byDirection)
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((g) => ({ oil_direction: g.key, ...aggregate(g) }));
  const bySource = forHorizon(result.bySource).map((g) => ({ source: g.key, ...aggregate(g) }));
  // The mean raw return of each group, beside the abnormal one (the estimation mean is the difference).
  const meanR = (key: (e: StudyEvent) => string[], k: string) => {
    const rs = attributed.filter((e) => key(e).includes(k)).map((e) => e.obs.r);
    return rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : null;
  };
  for (const r of byTopic) r.mean_return_bps = meanR((e) => (e.cluster.cause!.topics.length ? e.cluster.cause!.topics : ['none']), r.topic);
  for (const r of byDirection) r.mean_return_bps = meanR((e) => [e.cluster.cause!.direction], r.oil_direction);
  for (const r of bySource) r.mean_return_bps = meanR((e) => [e.cluster.cause!.source ?? 'unknown'], r.source);
  const directional = attributed.filter((e) => e.cluster.cause!.direction === 'bullish' || e.cluster.cause!.direction === 'bearish');
  const hits = directional.filter((e) => (e.cluster.cause!.direction === 'bullish' ? e.obs.r > 0 : e.obs.r < 0)).length;
  const [sig] = await store.query<{ days: string; corr: number | null }>(
    `SELECT count() AS days, if(count() > 2, corr(signal, return_bps), NULL) AS corr FROM ${t('signal_vs_return')}
     WHERE symbol = {symbol:String} AND headlines > 0 AND return_bps IS NOT NULL`,
    { params: { symbol: o.symbol } },
  );
  const lo = Number(span.lo) - 7 * DAY;
  const hi = Number(span.hi) + 7 * DAY;
  const wide = hi - lo > 5 * DAY;
  const seriesRows = (wide ? daily : (minute ?? daily)).filter((p) => p.t >= lo && p.t <= hi);
  const reportOnly = events.filter((e) => !e.cluster.cause && e.cluster.reports.length > 0).length;
  return {
    measured: headlines.length - (result.unmeasured[o.horizon] ?? headlines.length),
    attribution: {
      events: events.length,
      attributed: attributed.length,
      reportOnly,
      unattributed: events.length - attributed.length - reportOnly,
      reportHeadlines: headlines.filter((h) => isPriceReport(h)).length,
      reportsIncluded: o.includeReports,
      minRelevance: o.minRelevance,
      reportSource: hasReport ? 'scorer' : 'title',
    },
    top: topRows.map(({ t: _t, price: _p, ...row }) => row),
    markers: topRows.map((m) => ({ ...m, price: priceAt(seriesRows, m.t) })),
    byTopic,
    byDirection,
    bySource,
    hitRate: { hits, directional: directional.length, rate: directional.length ? hits / directional.length : null },
    signal: { days: Number(sig.days), corr: num(sig.corr) },
    series: seriesRows,
  };
}

/** The price line's value at t (linear between its points), so a marker sits on the line. */
function priceAt(series: { t: number; close: number }[], t: number): number {
  if (series.length === 0) return NaN;
  if (t <= series[0].t) return series[0].close;
  for (let i = 1; i < series.length; i++) {
    if (series[i].t >= t) {
      const a = series[i - 1];
      const b = series[i];
      return a.close + ((b.close - a.close) * (t - a.t)) / (b.t - a.t || 1);
    }
  }
  return series[series.length - 1].close;
}

const fmt = (v: number | null, digits = 1) => (v === null ? '' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)}%`);

const pv = (v: number | null) => (v === null ? '' : v < 0.001 ? '<0.001' : v.toFixed(3));

const MEASURE_TEXT: Record<StudyReport['measure'], string> = {
  'next-session': 'next-session: from the close of the headline\'s day (the last close before a timed headline) to the next close, a return one could have traded',
  'same-day': 'same-day: a date-only headline from the previous close to its day\'s close, which contains the move the headline may be reporting',
  event: 'from the last price before the headline to the horizon on the trading clock',
};

export function formatReport(r: StudyReport): string {
  const lines: string[] = [];
  lines.push(
    `oilwire study: ${r.headlines.inPeriod} headlines from ${r.period.from} to ${r.period.to} against ${r.prices.published} ${r.priceFormat === 'daily' ? 'daily closes' : 'ticks'} of ${r.symbol}, horizon +${r.horizon}`,
  );
  lines.push(`measure: ${MEASURE_TEXT[r.measure]}`);
  lines.push(
    `measured ${r.measured}; no price before the headline: ${r.unmeasured.no_pre_price}; waiting for later prices: ${r.unmeasured.waiting}` +
      (r.headlines.rejected ? `; unreadable headline rows: ${r.headlines.rejected}` : '') +
      (Object.keys(r.prices.rejected).length ? `; price rows rejected or quarantined: ${Object.entries(r.prices.rejected).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''),
  );
  const a = r.attribution;
  lines.push(
    `events (price moves, each once): ${a.events}; with a cause: ${a.attributed}; price reports only: ${a.reportOnly}; no relevant headline: ${a.unattributed}. ` +
      `Price-report headlines: ${a.reportHeadlines} (${a.reportSource === 'scorer' ? "the scorer's price_report" : 'read from the title'}), ${a.reportsIncluded ? 'included' : 'excluded from causes and aggregates (--include-reports to include them)'}`,
  );
  lines.push(
    '',
    `Top ${r.top.length} price moves by |z| (abnormal return over estimation-window volatility, +${r.horizon}). The cause is the move's earliest headline of relevance >= ${a.minRelevance} that is not a price report; "same move" counts the other relevant ones:`,
  );
  const daily = r.measure !== 'event';
  lines.push(
    formatTable(
      r.top.map((t, i) => ({
        '#': i + 1,
        date: t.date,
        cause: t.headline,
        topics: t.topics.join(',') || '-',
        direction: t.oil_direction,
        return_bps: fmt(t.return_bps),
        ...(daily && r.measure === 'next-session' ? { same_day_bps: fmt(t.same_day_bps) } : {}),
        z: fmt(t.z, 2),
        ...(!daily ? { tod_z: fmt(t.tod_z, 2), 'pre-15m_bps': fmt(t.pre_15m_bps) } : {}),
        'same move': t.others ? `+${t.others}` : '',
        reports: t.reports || '',
      })),
      { maxWidth: 60 },
    ),
  );
  const aggRows = <T extends AggregateRow>(rows: T[], key: (r: T) => string, label: string) =>
    formatTable(
      rows.map((g) => ({
        [label]: key(g),
        n: g.n,
        events: g.events,
        mean_bps: fmt(g.mean_return_bps),
        car_bps: fmt(g.mean_car_bps),
        t: fmt(g.tests.t.stat, 2),
        'p(t)': pv(g.tests.t.p),
        'BMP-KP': fmt(g.tests.kp.stat, 2),
        p: pv(g.tests.kp.p),
        q: pv(g.tests.kp.q),
        'rank p': pv(g.tests.rank.p),
        'rank q': pv(g.tests.rank.q),
        'sign p': pv(g.tests.sign.p),
        'sign q': pv(g.tests.sign.q),
        'boot p': pv(g.tests.bootstrap.p),
        'boot q': pv(g.tests.bootstrap.q),
        hit_rate: pct(g.hit_rate),
      })),
    );
  lines.push(
    '',
    `By topic of the cause (+${r.horizon}; each event once per topic). t: plain t of abnormal returns (baseline); BMP-KP: Boehmer-Musumeci-Poulsen with the Kolari-Pynnonen adjustment; rank: Corrado; sign: Cowan's generalized sign; boot: bootstrap of the mean standardized abnormal return; q: Benjamini-Hochberg across the rows of the table${daily ? '' : ' and every horizon'}:`,
    aggRows(r.byTopic, (g) => g.topic, 'topic'),
  );
  lines.push('', `By oil direction of the cause (+${r.horizon}):`, aggRows(r.byDirection, (g) => g.oil_direction, 'direction'));
  lines.push('', `By source of the cause (+${r.horizon}; q: Benjamini-Hochberg across sources${daily ? '' : ' and every horizon'}, a family of its own):`, aggRows(r.bySource, (g) => g.source, 'source'));
  lines.push(
    '',
    `Hit rate: ${r.hitRate.rate === null ? 'n/a (no bullish or bearish cause)' : `${pct(r.hitRate.rate)} of ${r.hitRate.directional} events with a directional cause moved the predicted way (${r.hitRate.hits} hits)`}`,
  );
  lines.push(`Daily news signal vs same-day return: correlation ${r.signal.corr === null ? 'n/a' : r.signal.corr.toFixed(3)} over ${r.signal.days} trading days with headlines`);
  lines.push(`(${(r.elapsedMs / 1000).toFixed(1)} s)`);
  return lines.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** The price line with a numbered marker at each top headline (green bullish, red bearish, grey neutral) and a legend. */
export function renderChartSvg(r: Pick<StudyReport, 'series' | 'markers' | 'symbol' | 'horizon'>): string {
  const W = 1200;
  const plotH = 420;
  const m = { l: 70, r: 30, t: 50, b: 50 };
  const legendH = 22 * r.markers.length + 20;
  const H = m.t + plotH + m.b + legendH;
  const pts = r.series;
  const ts = [...pts.map((p) => p.t), ...r.markers.map((k) => k.t)];
  const ps = [...pts.map((p) => p.close), ...r.markers.map((k) => k.price)].filter(Number.isFinite);
  if (ts.length === 0) ts.push(0);
  if (ps.length === 0) ps.push(0);
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts) > t0 ? Math.max(...ts) : t0 + DAY;
  let p0 = Math.min(...ps);
  let p1 = Math.max(...ps);
  if (!(p1 > p0)) {
    p0 -= 1;
    p1 += 1;
  }
  const pad = (p1 - p0) * 0.05;
  p0 -= pad;
  p1 += pad;
  const x = (t: number) => m.l + ((t - t0) / (t1 - t0)) * (W - m.l - m.r);
  const y = (p: number) => m.t + (1 - (p - p0) / (p1 - p0)) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.l}" y="28" font-size="18" font-weight="bold" fill="#222">${esc(`${r.symbol}: the ${r.markers.length} largest price moves after headlines, by |z| at +${r.horizon}`)}</text>`);
  const step = niceStep(p1 - p0, 6);
  for (let p = Math.ceil(p0 / step) * step; p <= p1; p += step) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(p).toFixed(1)}" y2="${y(p).toFixed(1)}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${m.l - 8}" y="${(y(p) + 4).toFixed(1)}" font-size="12" text-anchor="end" fill="#555">${p.toFixed(step < 1 ? 2 : 0)}</text>`);
  }
  const spanDays = (t1 - t0) / DAY;
  const tickMs = spanDays > 400 ? 90 * DAY : spanDays > 60 ? 30 * DAY : spanDays > 10 ? 7 * DAY : spanDays > 2 ? DAY : 3_600_000;
  const label = (t: number) => (tickMs >= 30 * DAY ? new Date(t).toISOString().slice(0, 7) : tickMs >= DAY ? new Date(t).toISOString().slice(0, 10) : new Date(t).toISOString().slice(11, 16));
  const firstTick = tickMs >= 30 * DAY ? Date.UTC(new Date(t0).getUTCFullYear(), new Date(t0).getUTCMonth() + 1, 1) : Math.ceil(t0 / tickMs) * tickMs;
  for (let t = firstTick; t <= t1; ) {
    out.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${m.t}" y2="${m.t + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${m.t + plotH + 18}" font-size="12" text-anchor="middle" fill="#555">${label(t)}</text>`);
    if (tickMs >= 30 * DAY) {
      const d = new Date(t);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (tickMs >= 90 * DAY ? 3 : 1), 1);
    } else t += tickMs;
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${plotH}" fill="none" stroke="#999"/>`);
  if (pts.length > 1) out.push(`<polyline fill="none" stroke="#1f4e79" stroke-width="1.5" points="${pts.map((p) => `${x(p.t).toFixed(1)},${y(p.close).toFixed(1)}`).join(' ')}"/>`);
  const colour = (d: string) => (d === 'bullish' ? '#1a9641' : d === 'bearish' ? '#d7191c' : '#777777');
  r.markers.forEach((k, i) => {
    const cx = x(k.t).toFixed(1);
    const cy = y(Number.isFinite(k.price) ? k.price : p0 + (p1 - p0) / 2).toFixed(1);
    out.push(
      `<g><title>${esc(`${k.date} ${k.headline} (${k.return_bps.toFixed(1)} bps, z ${k.z.toFixed(2)})`)}</title>` +
        `<line x1="${cx}" x2="${cx}" y1="${m.t}" y2="${m.t + plotH}" stroke="${colour(k.oil_direction)}" stroke-opacity="0.35" stroke-dasharray="3,3"/>` +
        `<circle cx="${cx}" cy="${cy}" r="9" fill="${colour(k.oil_direction)}" stroke="#fff" stroke-width="1.5"/>` +
        `<text x="${cx}" y="${(Number(cy) + 4).toFixed(1)}" font-size="10" font-weight="bold" text-anchor="middle" fill="#fff">${i + 1}</text></g>`,
    );
  });
  r.markers.forEach((k, i) => {
    const ly = m.t + plotH + m.b + 10 + i * 22;
    const text = `${i + 1}. ${k.date}  ${k.return_bps >= 0 ? '+' : ''}${k.return_bps.toFixed(1)} bps  z ${k.z.toFixed(2)}  ${k.headline}${k.others ? ` (+${k.others} more)` : ''}`;
    out.push(`<circle cx="${m.l + 6}" cy="${ly - 4}" r="6" fill="${colour(k.oil_direction)}"/>`);
    out.push(`<text x="${m.l + 18}" y="${ly}" font-size="13" fill="#222">${esc(text.length > 150 ? text.slice(0, 149) + '…' : text)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export async function writeChart(file: string, svg: string): Promise<void> {
  if (/\.png$/i.test(file)) {
    const { default: sharp } = await import('sharp');
    await sharp(Buffer.from(svg), { density: 96 }).png().toFile(file);
  } else if (/\.svg$/i.test(file)) writeFileSync(file, svg);
  else throw new AppError('INPUT_INVALID', `--chart file must end in .svg or .png, got ${file}`);
}

export function registerStudy(program: Command): void {
  program
    .command('study')
    .description('replay historical headlines and prices through the pipeline into a throwaway store and report which headlines moved the price')
    .requiredOption('--news <csv>', 'headlines: "date,headline" (a day each) or "ts,source,headline"')
    .requiredOption('--prices <file>', 'prices: daily "Date,Price" (EIA), ticks "ts,symbol,price[,size]" or NDJSON')
    .option('--from <date>', 'first day of headlines to study (YYYY-MM-DD)')
    .option('--to <date>', 'last day of headlines to study (YYYY-MM-DD)')
    .option('--top <n>', 'how many headlines to list', '10')
    .option('--symbol <symbol>', 'symbol the prices are stored under', 'BRENT')
    .addOption(new Option('--horizon <h>', 'horizon of the report (default 1d for daily prices, 60m for ticks)').choices(Object.keys(HORIZONS)))
    .addOption(new Option('--measure <m>', 'daily prices: next-session (tradable, default) or same-day (contains the move a date-only headline reports)').choices(['next-session', 'same-day']))
    .option('--include-reports', 'let price reports ("Oil rises 2% as ...") be causes and enter the aggregates (default: excluded and counted apart)')
    .option('--min-relevance <n>', 'least relevance (0-100) of a cause', '40')
    .option('--seed <n>', 'seed of the bootstrap p-values', '1')
    .option('--json', 'print one JSON object (keys top, byTopic, ...) instead of tables')
    .option('--chart <file>', 'write a price chart with the top headlines marked (.svg or .png)')
    .option('--keep <dir>', 'keep the study\'s store in this new folder, to query it with: oilwire --data <dir> sql "..."')
    .action(async (opts: { news: string; prices: string; from?: string; to?: string; top: string; symbol: string; horizon?: HorizonLabel; measure?: DailyMeasure; includeReports?: boolean; minRelevance: string; seed: string; json?: boolean; chart?: string; keep?: string }, cmd: Command) => {
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 1 || top > 1000) throw new AppError('INPUT_INVALID', `--top must be an integer 1-1000, got ${opts.top}`);
      const minRelevance = Number(opts.minRelevance);
      if (!Number.isFinite(minRelevance) || minRelevance < 0 || minRelevance > 100) throw new AppError('INPUT_INVALID', `--min-relevance must be 0-100, got ${opts.minRelevance}`);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new AppError('INPUT_INVALID', `--seed must be an integer, got ${opts.seed}`);
      if (opts.chart && !/\.(svg|png)$/i.test(opts.chart)) throw new AppError('INPUT_INVALID', `--chart file must end in .svg or .png, got ${opts.chart}`);
      const globals = cmd.optsWithGlobals() as { logLevel?: string };
      const base = configFrom(cmd, globals.logLevel ? {} : { log: { level: 'warn' } });
      const report = await runStudy({ news: opts.news, prices: opts.prices, from: opts.from, to: opts.to, top, symbol: opts.symbol, horizon: opts.horizon, keep: opts.keep, measure: opts.measure, includeReports: opts.includeReports, minRelevance, seed }, base, {
        progress: process.stderr,
        logger: createLogger({ level: base.log.level }),
      });
      if (opts.chart) await writeChart(opts.chart, renderChartSvg(report));
      if (opts.json) {
        const { series: _series, markers: _markers, ...rest } = report;
        console.log(JSON.stringify(rest, null, 2));
      } else {
        console.log(formatReport(report));
        if (opts.chart) console.log(`chart written to ${opts.chart}`);
        if (opts.keep) console.log(`store kept in ${opts.keep}: npx oilwire --data ${opts.keep} sql "SELECT * FROM impact_by_topic"`);
      }
    });
}
