/**
 * `oilwire study`: replays a file of historical headlines and a price file through the real
 * pipeline (in-process bus, ingest-prices, scorer, correlator, a throwaway embedded store) and
 * reports which headlines moved the price, by how much and how reliably.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, messageKey, newsRawV1, type HorizonLabel } from '../../shared/contracts/events.ts';
import { publishEvents } from '../../shared/bus/typed.ts';
import { AppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import type { RunningService } from '../../shared/runtime/service.ts';
import { boundMs, createProgressBar, start as startIngestPrices, type ProgressStream } from '../../services/ingest-prices/index.ts';
import { inferHolidays, type CorrelatorService } from '../../services/correlator/index.ts';
import { openRuntime, startServices, stopServices, type Runtime } from '../runtime.ts';
import type { RootConfig } from '../config.ts';
import { DrainSignal } from './drain.ts';
import { readHeadlines, toNewsRaw } from './headlines.ts';
import { loadPrices } from './prices.ts';
import { buildReport } from './report.ts';
import { DAY, type StudyOptions, type StudyReport } from './types.ts';
import { toIsoDay } from '../../shared/contracts/time.ts';

/** Prices this far before the first headline feed the volatility windows and the indicator bars. */
const LOOKBACK_DAYS = 150;
/** And this far after the last one cover the +1d horizon across weekends and holidays. */
const LOOKAHEAD_DAYS = 10;
/** A replay that has not gone through the pipeline in this long is stuck (a batch retried for ever). */
const DRAIN_TIMEOUT_MS = 10 * 60_000;

/** The root config the study runs on: never the user's store or broker, only its own symbol, horizons and calendar. */
function studyConfig(base: RootConfig, dir: string, symbol: string, horizons: HorizonLabel[], holidays: string[]): RootConfig {
  return {
    ...base,
    // Never the user's store: a fresh folder, deleted at the end unless kept.
    store: { path: dir, database: 'oilwire' },
    bus: { ...base.bus, kind: 'memory' } as RootConfig['bus'],
    ingestNews: { ...base.ingestNews, feeds: [] },
    ingestPrices: { ...base.ingestPrices, sources: [] },
    correlator: {
      ...base.correlator,
      symbols: [symbol],
      horizons,
      calendar: { ...base.correlator.calendar, holidays: [...new Set([...base.correlator.calendar.holidays, ...holidays])] },
      // A file is replayed in order: nothing is out of order, and wall-clock idleness means nothing.
      watermark: { ...base.correlator.watermark, maxOutOfOrdernessMs: 0 },
      evaluateEveryMs: 3_600_000,
    },
  };
}

export async function runStudy(options: StudyOptions, base: RootConfig, io: { progress?: ProgressStream; logger?: Logger } = {}): Promise<StudyReport> {
  const started = performance.now();
  const parsed = readHeadlines(options.news);
  const fromMs = boundMs(options.from, false) ?? -Infinity;
  const toMs = boundMs(options.to, true) ?? Infinity;
  if (options.from && !Number.isFinite(fromMs)) throw new AppError('INPUT_INVALID', `--from must be a date (YYYY-MM-DD), got ${options.from}`);
  if (options.to && !Number.isFinite(toMs)) throw new AppError('INPUT_INVALID', `--to must be a date (YYYY-MM-DD), got ${options.to}`);
  const headlines = parsed.headlines.filter((h) => h.ts >= fromMs && h.ts <= toMs);
  if (headlines.length === 0) throw new AppError('INPUT_INVALID', `no headlines in ${options.news}${options.from || options.to ? ` between ${options.from ?? 'the start'} and ${options.to ?? 'the end'}` : ''}`);
  const first = Math.min(...headlines.map((h) => h.ts));
  const last = Math.max(...headlines.map((h) => h.ts));

  const prices = await loadPrices(options.prices, {
    symbol: options.symbol,
    closeUtc: base.ingestPrices.dailyCloseUtc,
    batchSize: base.ingestPrices.batchSize,
    fromMs: first - LOOKBACK_DAYS * DAY,
    toMs: last + LOOKAHEAD_DAYS * DAY,
  });
  if (prices.format === 'unknown') throw new AppError('INPUT_INVALID', `${options.prices}: not a price file (expected Date,Price or ts,symbol,price[,size] or NDJSON)`);
  const daily = prices.format === 'daily';
  const horizon: HorizonLabel = options.horizon ?? (daily ? '1d' : '60m');
  const horizons: HorizonLabel[] = daily ? ['1d'] : ['1m', '5m', '15m', '30m', '60m', '1d'];
  if (!horizons.includes(horizon)) throw new AppError('INPUT_INVALID', `--horizon ${horizon} cannot be measured on daily prices; use 1d`);
  // A replay knows the whole tape, like an exchange's published calendar: trading days with no price are holidays.
  const holidays = inferHolidays(base.correlator.calendar, prices.times);

  if (options.keep && existsSync(options.keep) && readdirSync(options.keep).length > 0) throw new AppError('INPUT_INVALID', `--keep wants a new or empty folder; ${options.keep} is not empty`);
  const dir = options.keep ?? mkdtempSync(join(tmpdir(), 'oilwire-study-'));
  const config = studyConfig(base, dir, options.symbol, horizons, holidays);
  const phase = (name: string) => io.logger?.debug({ phase: name, ms: Math.round(performance.now() - started) }, 'study phase');
  phase('read');
  const opened = await openRuntime(config, { logger: io.logger });
  const bus = new DrainSignal(opened.bus);
  const rt: Runtime = { ...opened, bus };
  phase('store ready');
  const services: RunningService[] = [];
  try {
    services.push(...(await startServices(['correlator', 'scorer'], rt)));
    const correlator = services.find((s) => s.name === 'correlator') as CorrelatorService;
    const bar = io.progress ? createProgressBar(io.progress, 'prices   ') : undefined;
    const ingest = await startIngestPrices(
      { bus: rt.bus, store: rt.store, logger: rt.logger, clock: rt.clock, metrics: rt.metrics, config: config.ingestPrices },
      { extraSources: [prices.source(options.prices, daily ? 'daily-file' : 'tick-file')], onProgress: (_s, p) => bar?.update(p.done, p.total) },
    );
    services.push(ingest);
    await ingest.idle!();
    const ingestStats = ingest.stats();
    if (ingestStats.failures.length) throw new AppError('INPUT_INVALID', ingestStats.failures.map((f) => f.message).join('; '));
    bar?.finish(`${ingestStats.published} ticks`);
    phase('prices published');

    const events = headlines.map(toNewsRaw).filter((e) => newsRawV1.safeParse(e).success);
    const hbar = io.progress ? createProgressBar(io.progress, 'headlines') : undefined;
    bus.onHandled = () => hbar?.update(bus.handledOf(TOPICS.newsScored), events.length);
    for (let i = 0; i < events.length; i += 1000) await publishEvents(rt.bus, TOPICS.newsRaw, events.slice(i, i + 1000), messageKey.newsRaw);
    await bus.drained(
      DRAIN_TIMEOUT_MS,
      () => `the pipeline did not finish: ${bus.handledOf(TOPICS.newsScored)}/${events.length} headlines and ${bus.handledOf(TOPICS.pricesTicks)}/${ingestStats.published} ticks reached the correlator`,
    );
    bus.onHandled = undefined;
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
      priceFormat: prices.format,
      period: { from: toIsoDay(first), to: toIsoDay(last) },
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
