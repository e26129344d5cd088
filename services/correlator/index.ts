// The public surface of the correlator: what the CLI, benchmarks and end-to-end tests may use.
// Everything else in this folder is internal; lint (eslint.config.js) rejects imports past this file.
import { TradingCalendar, type CalendarSpec } from './domain/trading-calendar.ts';

export { start, type CorrelatorService, type CorrelatorStats } from './main.ts';
export { correlatorConfigSchema, type CorrelatorConfig } from './config.ts';
export type { ImpactRepository } from './ports.ts';
export { ClickHouseImpactRepository } from './adapters/clickhouse-impact-store.ts';
export type { CalendarSpec } from './domain/trading-calendar.ts';
// The engine alone, so bench/prices.ts can time impact computations without the bus.
export { ImpactEngine } from './domain/impact-engine.ts';

/** Weekdays the calendar calls open but on which no tick arrived (`oilwire study` treats them as holidays). */
export function inferHolidays(calendar: CalendarSpec, sortedTickMs: number[]): string[] {
  return TradingCalendar.inferHolidays(calendar, sortedTickMs);
}

// Event-study statistics, windows and attribution for `oilwire study` and bench/statistics.ts (pure).
export { groupTests, familyQValues, P_KEYS, type EventObservation, type GroupTests, type PKey, type QValues } from './domain/statistics/event-tests.ts';
export { plainT } from './domain/statistics/parametric.ts';
export { dailyObservation, dailyStartIndex, observation, returnOver, timeOfDayVolatility, windowReturns, type DailyMeasure, type PricePoint } from './domain/statistics/windows.ts';
export { clusterEvents, isPriceReport, type AttributableHeadline, type EventCluster } from './domain/attribution.ts';
export { analyzeStudy, type StudyHeadlineRow, type StudyInput, type StudyResult, type StudyEvent, type StudyGroup, type EngineMeasurement } from './domain/event-study.ts';
