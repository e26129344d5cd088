import type { z } from 'zod';
import type { NewsScored } from '../../shared/contracts/events.ts';
import type { Logger } from '../../shared/runtime/logger.ts';
import type { RawTick } from './domain/parse-prices.ts';

export interface SourceProgress {
  done: number;
  total: number;
  /** What `done` and `total` count (`bytes` of a file, `ticks` of a tape). */
  unit: string;
}

/** How a live source is doing, for the status panel and `oilwire prices`. */
export interface SourceHealth {
  /** A real market (true) or a replay or simulation (false). */
  live: boolean;
  /** What the data is, said plainly: its delay and terms (`delayed at least 10 min; CME via Yahoo, personal use`). */
  note: string | null;
  /** Where it reads from (no credentials). */
  endpoint: string | null;
  lastAttemptAt: number | null;
  lastOkAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
}

/** A finite or endless source of ticks in event-time order (or close to it). */
export interface TickSource {
  readonly name: string;
  /** Batches of ticks; an endless source ends when `signal` aborts. */
  ticks(signal?: AbortSignal): AsyncIterable<RawTick[]>;
  /** How far a finite source has got, for progress bars. */
  progress?(): SourceProgress;
  /** Rejections the source made itself before validation (unparseable lines, bad messages, failed polls), by reason. */
  readonly rejectedAtSource?: Readonly<Record<string, number>>;
  /** Set by the service: told of each of those rejections as it happens, so counters do not wait for the next batch. */
  onRejected?: (reason: string) => void;
  /** Live sources say whether they reach their market. */
  health?(): SourceHealth;
  /** A source that reacts to scored headlines (the live simulator jumps on them) is told of each new one. */
  addNews?(article: Pick<NewsScored, 'id' | 'oil_direction' | 'relevance'>): unknown;
}

/** What the ingest service publishes a source under, and how fast a finite one is replayed. */
export interface ConfiguredSource extends TickSource {
  /** The `source` field of every tick event. */
  readonly source: string;
  /** Data time per wall time (60: a minute of ticks each second); 0 is as fast as the bus takes them. */
  readonly speed: number;
}

/** A tick held back by validation (a reverted spike, an unconfirmed jump), kept for review instead of dropped. */
export interface QuarantinedTick {
  tick: RawTick;
  reason: string;
  /** The accepted price the jump was measured from. */
  anchor: number;
  /** The `source` field the tick would have been published under. */
  source: string;
  receivedMs: number;
}

export interface QuarantineSink {
  save(rows: QuarantinedTick[]): Promise<void>;
}

/** What every price source is built with besides its own config: the service's settings and its clock and log. */
export interface SourceDeps {
  /** Event-time clock (a ManualClock in tests). */
  now: () => number;
  log: Logger;
  /** Ticks per batch a finite source yields (`ingestPrices.batchSize`). */
  batchSize: number;
  /** When a daily close is stamped (`ingestPrices.dailyCloseUtc`). */
  dailyCloseUtc: string;
}

/**
 * A price source kind as one component: its `kind` in `ingestPrices.sources`, the strict zod
 * schema of its entry, and how a parsed entry becomes a running source. `sources/registry.ts`
 * lists them; `config.ts` and `main.ts` only assemble what it lists.
 */
export interface PriceSourceComponent<K extends string = string, S extends z.ZodType<{ kind: K; source: string }> = z.ZodType<{ kind: K; source: string }>> {
  readonly kind: K;
  readonly schema: S;
  create(config: z.output<S>, deps: SourceDeps): ConfiguredSource;
}
