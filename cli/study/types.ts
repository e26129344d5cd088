/** What `oilwire study` is asked and what it answers: the shapes every file of cli/study shares. */
import type { HorizonLabel } from '../../shared/contracts/events.ts';
import type { DailyMeasure } from '../../services/correlator/index.ts';

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

export { DAY_MS as DAY } from '../../shared/contracts/time.ts';
