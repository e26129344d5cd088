// The public surface of ingest-prices: what the CLI, benchmarks and end-to-end tests may use.
// Everything else in this folder is internal; lint (eslint.config.js) rejects imports past this file.
export {
  start,
  boundMs,
  NO_PRICE_SOURCE_HINT,
  type IngestPricesService,
  type IngestPricesOptions,
  type IngestPricesStats,
  type PriceSourceStatus,
} from './main.ts';
export { ingestPricesConfigSchema, priceSourceSchema, DEFAULT_PRICE_SOURCES, type IngestPricesConfig, type PriceSourceConfig } from './config.ts';
export type { ConfiguredSource, TickSource, SourceHealth, SourceProgress } from './ports.ts';
// `oilwire study` reads a price file with the same reader the service replays it with.
export { FileTickSource } from './adapters/file-tick-source.ts';
// CSV has one home (shared/csv.ts); kept here for the CLI's existing imports.
export { parseCsv } from '../../shared/csv.ts';
// A terminal progress bar for replays (CLI).
export { createProgressBar, type ProgressBar, type ProgressStream } from './adapters/progress-bar.ts';
// Deterministic ticks for benchmarks and demos.
export { simulateTicks } from './domain/simulator.ts';
