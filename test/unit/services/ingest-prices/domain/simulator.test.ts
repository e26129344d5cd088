import { describe, expect, it } from 'vitest';
import { SimulatedMarket, jumpForNews, simulateTicks } from '../../../../../services/ingest-prices/domain/simulator.ts';

const base = { symbol: 'BRENT', seed: 7, startMs: Date.parse('2026-06-01T09:00:00Z'), intervalSec: 10, count: 30, startPrice: 80, volBps: 3, jumps: [] };

describe('simulator', () => {
  it('is reproducible from its seed', () => {
    expect(simulateTicks(base)).toEqual(simulateTicks(base));
    expect(simulateTicks({ ...base, seed: 8 }).map((t) => t.price)).not.toEqual(simulateTicks(base).map((t) => t.price));
  });

  it('moves by exactly the jump, spread over its window, when there is no noise', () => {
    const atMs = base.startMs + 60_000;
    const ticks = simulateTicks({ ...base, volBps: 0, startPrice: 100, jumps: [{ atMs, bps: 100, overSec: 40 }] });
    const price = (sec: number) => ticks[sec / 10].price;
    expect(price(60)).toBe(100);
    // A quarter of the jump each 10 s: log price rises by 0.0025 per step.
    expect(price(70)).toBe(Math.round(100 * Math.exp(0.0025) * 100) / 100);
    expect(price(100)).toBe(Math.round(100 * Math.exp(0.01) * 100) / 100);
    expect(price(200)).toBe(price(100));
  });

  it('turns a scored headline into a jump: up when bullish, down when bearish, by strength and relevance; neutral moves nothing', () => {
    const spec = { maxBps: 200, delaySec: 20, overSec: 90 };
    expect(jumpForNews({ oil_direction: { label: 'bullish', strength: 0.5 }, relevance: 80 }, 1_000, spec)).toEqual({ atMs: 21_000, bps: 80, overSec: 90 });
    expect(jumpForNews({ oil_direction: { label: 'bearish', strength: 1 }, relevance: 100 }, 0, spec)?.bps).toBe(-200);
    expect(jumpForNews({ oil_direction: { label: 'neutral', strength: 0.9 }, relevance: 100 }, 0, spec)).toBeNull();
  });

  it('applies jumps added while it runs (the live market)', () => {
    const m = new SimulatedMarket({ symbol: 'BRENT', seed: 1, startPrice: 50, volBps: 0 });
    expect(m.step(0).price).toBe(50);
    m.addJump({ atMs: 0, bps: -200, overSec: 10 });
    expect(m.step(10_000).price).toBe(Math.round(50 * Math.exp(-0.02) * 100) / 100);
  });
});
