import { describe, expect, it } from 'vitest';
import { barsToTicks, parseChartResponse } from '../../../../../services/ingest-prices/domain/yahoo-chart.ts';

const t0 = Date.parse('2026-06-01T10:00:00Z') / 1000;
const body = {
  chart: {
    result: [
      {
        meta: { symbol: 'BZ=F', currency: 'USD', dataGranularity: '1m' },
        timestamp: [t0, t0 + 60, t0 + 120, t0 + 180],
        indicators: { quote: [{ open: [80, 80.1, null, 80.3], high: [80.2, 80.3, null, 80.4], low: [79.9, 80, null, 80.2], close: [80.1, 80.25, null, 80.35], volume: [100, 120, null, 90] }] },
      },
    ],
    error: null,
  },
};

describe('Yahoo chart responses', () => {
  it('reads the bars and skips minutes with no trade', () => {
    const r = parseChartResponse(body);
    expect(r.ok && r.bars.map((b) => [b.start, b.close, b.volume])).toEqual([
      [t0 * 1000, 80.1, 100],
      [(t0 + 60) * 1000, 80.25, 120],
      [(t0 + 180) * 1000, 80.35, 90],
    ]);
  });

  it('reports the API\'s own errors', () => {
    expect(parseChartResponse({ chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } })).toEqual({ ok: false, error: 'Not Found: No data found, symbol may be delisted' });
    expect(parseChartResponse({}).ok).toBe(false);
  });

  it('turns each completed bar into its close at the bar\'s last millisecond, leaving the forming bar and those already emitted', () => {
    const r = parseChartResponse(body);
    if (!r.ok) throw new Error(r.error);
    // At 10:03:30 the 10:03 bar is still forming.
    const ticks = barsToTicks(r.bars, { symbol: 'BRENT', barMs: 60_000, nowMs: (t0 + 210) * 1000, afterTs: -Infinity });
    expect(ticks.map((t) => [new Date(t.ts).toISOString(), t.price, t.size, t.seq])).toEqual([
      ['2026-06-01T10:00:59.999Z', 80.1, 100, 0],
      ['2026-06-01T10:01:59.999Z', 80.25, 120, 0],
    ]);
    expect(barsToTicks(r.bars, { symbol: 'BRENT', barMs: 60_000, nowMs: (t0 + 240) * 1000, afterTs: ticks[1].ts }).map((t) => t.price)).toEqual([80.35]);
  });
});
