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

describe('simulator ticks', () => {
  it('walks with the standard deviation of volBps per step, around no drift', () => {
    const ticks = simulateTicks({ ...base, count: 4_001, startPrice: 10_000, volBps: 100 });
    const r = ticks.slice(1).map((t, i) => Math.log(t.price / ticks[i].price));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
    expect(sd).toBeGreaterThan(0.0095);
    expect(sd).toBeLessThan(0.0105);
    expect(Math.abs(mean)).toBeLessThan(0.0005);
    // A normal walk: about 68% of the steps within one deviation, and about as many up as down.
    const within = r.filter((x) => Math.abs(x) < 0.01).length / r.length;
    expect(within).toBeGreaterThan(0.65);
    expect(within).toBeLessThan(0.71);
    const up = r.filter((x) => x > 0).length / r.length;
    expect(up).toBeGreaterThan(0.47);
    expect(up).toBeLessThan(0.53);
  });

  it('starts at the start price, rounds to the cent, and stamps symbol, time, line and a size of 1 to 20', () => {
    const ticks = simulateTicks({ ...base, count: 400, startPrice: 80.004, volBps: 5 });
    expect(ticks[0]).toMatchObject({ symbol: 'BRENT', ts: base.startMs, price: 80, seq: 0, line: 1 });
    expect(ticks.map((t) => t.ts)).toEqual(ticks.map((_, i) => base.startMs + i * 10_000));
    expect(ticks.map((t) => t.line)).toEqual(ticks.map((_, i) => i + 1));
    for (const t of ticks) {
      expect(Math.round(t.price * 100) / 100).toBe(t.price);
      expect(Number.isInteger(t.size)).toBe(true);
      expect(t.seq).toBe(0);
    }
    const sizes = ticks.map((t) => t.size as number);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(20);
    expect(new SimulatedMarket({ symbol: 'WTI', seed: 3, startPrice: 70, volBps: 0 }).step(5)).toMatchObject({ symbol: 'WTI', ts: 5, price: 70, line: 0 });
  });

  it('counts only the part of a jump inside each step: a jump that starts or ends mid-step, and one already over', () => {
    const m = new SimulatedMarket({ symbol: 'BRENT', seed: 1, startPrice: 100, volBps: 0 });
    m.step(0);
    // 100 bps over 20 s from 5 s: a quarter of it in the step 0-10 s, half in 10-20 s, a quarter in 20-30 s.
    m.addJump({ atMs: 5_000, bps: 100, overSec: 20 });
    expect(m.step(10_000).price).toBe(Math.round(100 * Math.exp(0.0025) * 100) / 100);
    expect(m.step(20_000).price).toBe(Math.round(100 * Math.exp(0.0075) * 100) / 100);
    expect(m.step(30_000).price).toBe(Math.round(100 * Math.exp(0.01) * 100) / 100);
    m.addJump({ atMs: 0, bps: 500, overSec: 10 });
    expect(m.step(40_000).price).toBe(Math.round(100 * Math.exp(0.01) * 100) / 100);
    // A jump that lies ahead does nothing yet.
    m.addJump({ atMs: 100_000, bps: 500, overSec: 10 });
    expect(m.step(50_000).price).toBe(Math.round(100 * Math.exp(0.01) * 100) / 100);
    expect(m.step(110_000).price).toBe(Math.round(100 * Math.exp(0.06) * 100) / 100);
  });

  it('sums jumps that overlap', () => {
    const ticks = simulateTicks({ ...base, volBps: 0, startPrice: 100, count: 3, jumps: [{ atMs: base.startMs, bps: 100, overSec: 10 }, { atMs: base.startMs, bps: -300, overSec: 20 }] });
    expect(ticks.map((t) => t.price)).toEqual([100, Math.round(100 * Math.exp(0.01 - 0.015) * 100) / 100, Math.round(100 * Math.exp(-0.02) * 100) / 100]);
  });

  it('scales a jump by relevance out of 100', () => {
    expect(jumpForNews({ oil_direction: { label: 'bearish', strength: 1 }, relevance: 25 }, 0, { maxBps: 200, delaySec: 0, overSec: 60 })).toEqual({ atMs: 0, bps: -50, overSec: 60 });
    expect(jumpForNews({ oil_direction: { label: 'bullish', strength: 0 }, relevance: 90 }, 0, { maxBps: 200, delaySec: 0, overSec: 60 })).toBeNull();
  });
});
