import { z } from 'zod';
import type { RawTick } from '../domain/parse-prices.ts';
import { SimulatedMarket, simulateTicks } from '../domain/simulator.ts';
import { LiveSimulatorSource } from '../adapters/live-simulator-source.ts';
import type { SourceProgress, TickSource } from '../ports.ts';
import { defineSource } from './define.ts';
import { toMs } from '../../../shared/contracts/time.ts';

const newsJumps = z.strictObject({
  /** The move of a headline of full strength and relevance, in bps. */
  maxBps: z.number().default(150),
  delaySec: z.number().nonnegative().default(20),
  overSec: z.number().positive().default(90),
});

/** A simulated tape replayed from memory in batches: deterministic for a seed, so demos and tests see the same prices. */
class SimulatedTapeSource implements TickSource {
  private done = 0;
  constructor(
    readonly name: string,
    private readonly tape: RawTick[],
    private readonly batchSize: number,
  ) {}

  progress(): SourceProgress {
    return { done: this.done, total: this.tape.length, unit: 'ticks' };
  }

  async *ticks(signal?: AbortSignal): AsyncIterable<RawTick[]> {
    for (let i = 0; i < this.tape.length && !signal?.aborted; i += this.batchSize) {
      const batch = this.tape.slice(i, i + this.batchSize);
      this.done += batch.length;
      yield batch;
    }
  }
}

export const simulatorSource = defineSource({
  kind: 'simulator',
  schema: z.strictObject({
    kind: z.literal('simulator'),
    symbol: z.string().min(1).default('BRENT'),
    seed: z.number().int().default(42),
    start: z.iso.datetime({ offset: true }).default('2026-06-01T09:00:00Z'),
    intervalSec: z.number().positive().default(10),
    count: z.number().int().positive().default(1080),
    startPrice: z.number().positive().default(82),
    /** Standard deviation of one step's log return, in basis points. */
    volBps: z.number().nonnegative().default(3),
    /** News-driven jumps of a replayed tape: at `at`, the price moves by `bps` over `overSec` seconds. */
    jumps: z.array(z.strictObject({ at: z.iso.datetime({ offset: true }), bps: z.number(), overSec: z.number().positive().default(60) })).default([]),
    /** Run on the clock, a tick every `intervalSec` for ever (`start` and `count` are ignored). Optional so configs written before it still type-check. */
    live: z.boolean().optional(),
    /** In live mode, scored headlines move the market (bullish up, bearish down, by strength and relevance); unset: they do not. */
    newsJumps: newsJumps.nullable().optional(),
    speed: z.number().nonnegative().default(0),
    source: z.string().min(1).default('simulator'),
  }),
  create: (src, deps) => {
    const market = { symbol: src.symbol, seed: src.seed, startPrice: src.startPrice, volBps: src.volBps };
    if (src.live) {
      // A live market runs on the clock, so it is never paced (speed 0); main.ts feeds it scored headlines.
      const live = new LiveSimulatorSource(new SimulatedMarket(market), { name: `simulator:${src.symbol}:${src.seed}:live`, intervalMs: src.intervalSec * 1000, now: deps.now, newsJumps: src.newsJumps ?? null });
      return Object.assign(live, { source: src.source, speed: 0 });
    }
    const tape = simulateTicks({ ...market, startMs: toMs(src.start), intervalSec: src.intervalSec, count: src.count, jumps: src.jumps.map((j) => ({ atMs: toMs(j.at), bps: j.bps, overSec: j.overSec })) });
    return Object.assign(new SimulatedTapeSource(`simulator:${src.symbol}:${src.seed}`, tape, deps.batchSize), { source: src.source, speed: src.speed });
  },
});
