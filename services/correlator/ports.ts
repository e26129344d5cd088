import type { NewsImpact, NewsScored, PriceTick } from '../../shared/contracts/events.ts';

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
  /** Stored articles that still miss some (symbol, horizon) results, with the ones done as `symbol|horizon`. */
  loadUnfinished(symbols: string[], horizons: string[], limit: number): Promise<{ article: NewsScored; done: string[] }[]>;
}
