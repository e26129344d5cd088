import type { ImpactEngine } from './domain/impact-engine.ts';
import type { ImpactRepository } from './ports.ts';

/** Far enough past any tick to mean "up to the newest stored" (ms, year 2286). */
const ALL_STORED_MS = 1e13;

/**
 * Stored ticks the engine needs and does not hold: an article published before what the stream
 * delivered needs the prices around it (its volatility windows and indicator bars included).
 * Each symbol's history is loaded backwards from what is already held, never twice.
 */
export class HistoryLoader {
  /** Start of the history the engine holds completely, per symbol (Infinity: only what the stream brought). */
  private readonly loadedFrom: Map<string, number>;

  constructor(
    private readonly engine: Pick<ImpactEngine, 'earliestNeeded' | 'loadHistory'>,
    private readonly symbols: string[],
    private readonly loadTicks: ImpactRepository['loadTicks'],
  ) {
    this.loadedFrom = new Map(symbols.map((s) => [s, Infinity]));
  }

  /** Where the held history starts for `symbol` (Infinity: nothing loaded). */
  heldFrom(symbol: string): number | undefined {
    return this.loadedFrom.get(symbol);
  }

  /** Loads, per symbol, the stored ticks from what the pending articles need up to where the held history starts. */
  async ensure(): Promise<void> {
    for (const symbol of this.symbols) {
      const need = this.engine.earliestNeeded(symbol);
      const have = this.loadedFrom.get(symbol)!;
      if (need === undefined || need >= have) continue;
      const rows = await this.loadTicks(symbol, need, have === Infinity ? ALL_STORED_MS : have);
      this.engine.loadHistory(symbol, rows);
      this.loadedFrom.set(symbol, need);
    }
  }

  /** The engine dropped the ticks of `symbol` before `cutoffMs`: an article that needs them loads them again. */
  pruned(symbol: string, cutoffMs: number): void {
    const have = this.loadedFrom.get(symbol)!;
    this.loadedFrom.set(symbol, have === Infinity ? cutoffMs : Math.max(have, cutoffMs));
  }
}
