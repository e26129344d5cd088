import type { RawTick } from './parse-prices.ts';

/** mulberry32: small, fast and reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface SimulationSpec {
  symbol: string;
  seed: number;
  startMs: number;
  intervalSec: number;
  count: number;
  startPrice: number;
  volBps: number;
  jumps: { atMs: number; bps: number; overSec: number }[];
}

/** A random walk with news-driven jumps spread linearly over their window; prices rounded to the cent like Brent quotes. */
export function simulateTicks(spec: SimulationSpec): RawTick[] {
  const rand = seededRandom(spec.seed);
  const out: RawTick[] = [];
  let logPrice = Math.log(spec.startPrice);
  const stepMs = spec.intervalSec * 1000;
  for (let i = 0; i < spec.count; i++) {
    const ts = spec.startMs + i * stepMs;
    if (i > 0) {
      logPrice += (gaussian(rand) * spec.volBps) / 10_000;
      for (const j of spec.jumps) {
        const from = j.atMs;
        const to = j.atMs + j.overSec * 1000;
        const overlap = Math.max(0, Math.min(ts, to) - Math.max(ts - stepMs, from));
        if (overlap > 0) logPrice += ((j.bps / 10_000) * overlap) / (to - from);
      }
    }
    out.push({ symbol: spec.symbol, ts, price: Math.round(Math.exp(logPrice) * 100) / 100, size: 1 + Math.floor(rand() * 20), seq: 0, line: i + 1 });
  }
  return out;
}
