import type { NewsScored } from '../../../shared/contracts/events.ts';
import type { RawTick } from '../domain/parse-prices.ts';
import { jumpForNews, type NewsJumpSpec, type SimulatedMarket } from '../domain/simulator.ts';
import type { TickSource } from '../ports.ts';
import { abortableSleep } from './yahoo-chart-poller.ts';

export interface LiveSimulatorOptions {
  name: string;
  intervalMs: number;
  now: () => number;
  /** How scored headlines move the market; null: they do not. */
  newsJumps: NewsJumpSpec | null;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The simulated market running on the clock: a tick every interval, stamped with the
 * current time, and a jump after every scored headline that has an oil direction, so a
 * whole live pipeline can be watched reacting to news without a market data feed.
 */
export class LiveSimulatorSource implements TickSource {
  readonly name: string;
  readonly jumps: { article_id: string; bps: number; atMs: number }[] = [];
  private lastTs = -Infinity;

  constructor(
    private readonly market: SimulatedMarket,
    private readonly options: LiveSimulatorOptions,
  ) {
    this.name = options.name;
  }

  /** Feeds a scored headline to the market; returns the jump it caused, if any. */
  addNews(article: Pick<NewsScored, 'id' | 'oil_direction' | 'relevance'>): number | null {
    if (!this.options.newsJumps) return null;
    // The market's own time: never before its last tick, or the jump would fall into the past.
    const jump = jumpForNews(article, Math.max(this.options.now(), this.lastTs), this.options.newsJumps);
    if (!jump) return null;
    this.market.addJump(jump);
    this.jumps.push({ article_id: article.id, bps: jump.bps, atMs: jump.atMs });
    if (this.jumps.length > 1000) this.jumps.shift();
    return jump.bps;
  }

  async *ticks(signal?: AbortSignal): AsyncIterable<RawTick[]> {
    const sleep = this.options.sleep ?? abortableSleep;
    let line = 0;
    while (!signal?.aborted) {
      // Ticks must move forward even if the clock does not (a manual clock in tests).
      const ts = Math.max(this.options.now(), this.lastTs + 1);
      this.lastTs = ts;
      yield [this.market.step(ts, ++line)];
      await sleep(this.options.intervalMs, signal);
    }
  }
}
