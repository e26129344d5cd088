import type { NewsImpact, NewsScored, PriceTick } from '../../shared/contracts/events.ts';
import type { StoredContent } from './domain/content-dedupe.ts';
import type { StoredSourceState } from './domain/impact-engine.ts';

/** A tick that arrived behind the watermark by more than the allowed lateness. */
export interface LateTick {
  tick: PriceTick;
  watermarkMs: number;
  receivedMs: number;
}

/** Durable state of the correlator: every write is idempotent, so a redelivered batch changes nothing. */
export interface ImpactRepository {
  saveNews(articles: NewsScored[]): Promise<void>;
  saveTicks(ticks: PriceTick[]): Promise<void>;
  saveImpacts(impacts: NewsImpact[]): Promise<void>;
  saveLateTicks(late: LateTick[]): Promise<void>;
  loadTicks(symbol: string, fromMs: number, toMs: number): Promise<{ ts: number; price: number; identity: string }[]>;
  /**
   * Newest stored tick time per symbol (absent: none stored). Optional, like `storedTickKeys`:
   * without them every tick the engine does not know is written again (harmless for the
   * ticks, but the bars' volume of a re-sent tick counts twice).
   */
  latestTickTimes?(symbols: string[]): Promise<Map<string, number>>;
  /** Newest stored tick time and latest insert time per (symbol, source): the watermarks a restart resumes from. Optional like the two around it. */
  latestTicksBySource?(symbols: string[]): Promise<StoredSourceState[]>;
  /** Which of these ticks are stored already, by `tickIdentity` (shared/contracts/events.ts). */
  storedTickKeys?(ticks: PriceTick[]): Promise<Set<string>>;
  /**
   * Stored articles whose content (shared/contracts/content-id.ts) may be that of these: a feed that
   * rotates guids sends one story under new ids. Optional: without it every id is a new story.
   */
  storedContent?(articles: NewsScored[]): Promise<StoredContent[]>;
  /** Stored articles that still miss some (symbol, horizon) results, with the ones done as `symbol|horizon`. */
  loadUnfinished(symbols: string[], horizons: string[], limit: number): Promise<{ article: NewsScored; done: string[] }[]>;
}
