import type { NewsScored } from '../../../shared/contracts/events.ts';
import type { RawTick } from './parse-prices.ts';
import { seededRandom } from '../../../shared/runtime/seeded-random.ts';

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface Jump {
  atMs: number;
  bps: number;
  overSec: number;
}

export interface MarketSpec {
  symbol: string;
  seed: number;
  startPrice: number;
  /** Standard deviation of one step's log return, in basis points. */
  volBps: number;
}

/**
 * A seeded random walk in log price with jumps: each jump adds `bps` to the log price,
 * spread linearly over its window, so the part of a jump inside a step is proportional to
 * the overlap. Prices are rounded to the cent like Brent quotes; the walk itself is not.
 */
export class SimulatedMarket {
  private readonly rand: () => number;
  private logPrice: number;
  private lastTs: number | undefined;
  private readonly jumps: Jump[] = [];

  constructor(private readonly spec: MarketSpec) {
    this.rand = seededRandom(spec.seed);
    this.logPrice = Math.log(spec.startPrice);
  }

  addJump(jump: Jump): void {
    this.jumps.push(jump);
  }

  /** The tick at `ts` (strictly after the previous one). */
  step(ts: number, line = 0): RawTick {
    if (this.lastTs !== undefined) {
      this.logPrice += (gaussian(this.rand) * this.spec.volBps) / 10_000;
      for (const j of this.jumps) {
        const from = j.atMs;
        const to = j.atMs + j.overSec * 1000;
        const overlap = Math.max(0, Math.min(ts, to) - Math.max(this.lastTs, from));
        if (overlap > 0) this.logPrice += ((j.bps / 10_000) * overlap) / (to - from);
      }
      // Jumps fully in the past no longer matter; a live market runs for days.
      for (let i = this.jumps.length - 1; i >= 0; i--) if (this.jumps[i].atMs + this.jumps[i].overSec * 1000 <= ts) this.jumps.splice(i, 1);
    }
    this.lastTs = ts;
    return { symbol: this.spec.symbol, ts, price: Math.round(Math.exp(this.logPrice) * 100) / 100, size: 1 + Math.floor(this.rand() * 20), seq: 0, line };
  }
}

export interface SimulationSpec extends MarketSpec {
  startMs: number;
  intervalSec: number;
  count: number;
  jumps: Jump[];
}

/** A finite tape: `count` ticks every `intervalSec` from `startMs`, with the given jumps. */
export function simulateTicks(spec: SimulationSpec): RawTick[] {
  const market = new SimulatedMarket(spec);
  for (const j of spec.jumps) market.addJump(j);
  const out: RawTick[] = [];
  const stepMs = spec.intervalSec * 1000;
  for (let i = 0; i < spec.count; i++) out.push(market.step(spec.startMs + i * stepMs, i + 1));
  return out;
}

export interface NewsJumpSpec {
  /** The move of a headline of full strength and relevance, in bps. */
  maxBps: number;
  /** The market reacts this long after the headline... */
  delaySec: number;
  /** ...and takes this long to move. */
  overSec: number;
}

/**
 * The jump a scored headline causes in the simulated market: bullish up, bearish down,
 * scaled by the scorer's strength and relevance; neutral headlines move nothing.
 */
export function jumpForNews(article: Pick<NewsScored, 'oil_direction' | 'relevance'>, atMs: number, spec: NewsJumpSpec): Jump | null {
  const sign = article.oil_direction.label === 'bullish' ? 1 : article.oil_direction.label === 'bearish' ? -1 : 0;
  const bps = sign * article.oil_direction.strength * (article.relevance / 100) * spec.maxBps;
  if (bps === 0) return null;
  return { atMs: atMs + spec.delaySec * 1000, bps, overSec: spec.overSec };
}
