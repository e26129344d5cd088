/** The study's store in, its tables out: clustering, attribution and every test run in analyzeStudy (services/correlator). */
import { HORIZONS, type HorizonLabel } from '../../shared/contracts/events.ts';
import type { Store } from '../../shared/store/port.ts';
import { analyzeStudy, isPriceReport, type PricePoint, type StudyEvent, type StudyGroup, type StudyHeadlineRow } from '../../services/correlator/index.ts';
import { DAY, type AggregateRow, type StudyReport, type TestCell, type TopRow } from './types.ts';
import { toIso, toIsoDay } from '../../shared/contracts/time.ts';

/** Estimation windows of the mean-adjusted model (the correlator's volatilityWindows default). */
const ESTIMATION_WINDOWS = 20;
/** Sessions of the same clock window behind the time-of-day volatility. */
const TOD_SESSIONS = 20;
/** Pre-event window reported per event to show leakage: -15 minutes to the event. */
const PRE_EVENT_MS = 15 * 60_000;

export interface ReportOptions {
  symbol: string;
  horizon: HorizonLabel;
  horizons: HorizonLabel[];
  top: number;
  measure: StudyReport['measure'];
  includeReports: boolean;
  minRelevance: number;
  seed: number;
}

/** What the store answers; the run adds what it knows itself (period, counts, timing). */
export type StoreReport = Omit<StudyReport, 'symbol' | 'horizon' | 'measure' | 'priceFormat' | 'period' | 'headlines' | 'prices' | 'unmeasured' | 'elapsedMs'>;

const num = (v: unknown): number | null => (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : Number(v));
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

export async function buildReport(store: Store, o: ReportOptions): Promise<StoreReport> {
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
  const day = (h: StudyHeadlineRow) => (h.precision === 'date' ? toIsoDay(h.ts) : toIso(h.ts).slice(0, 16).replace('T', ' '));
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
