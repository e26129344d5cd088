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
