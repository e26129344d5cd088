import { describe, expect, it } from 'vitest';
import { BAR_MS, barsToTicks, parseChartResponse } from '../../../../../services/ingest-prices/domain/yahoo-chart.ts';

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

describe('Yahoo chart responses at their edges', () => {
  it('says what is missing: no chart, an error without a code or description, no result', () => {
    expect(parseChartResponse(null)).toEqual({ ok: false, error: 'no "chart" object in the response' });
    expect(parseChartResponse({ chart: null })).toEqual({ ok: false, error: 'no "chart" object in the response' });
    expect(parseChartResponse({ chart: { error: {} } })).toEqual({ ok: false, error: 'error:' });
    expect(parseChartResponse({ chart: { error: { code: 'Bad Request' } } })).toEqual({ ok: false, error: 'Bad Request:' });
    expect(parseChartResponse({ chart: { result: [] } })).toEqual({ ok: false, error: 'empty chart result' });
    expect(parseChartResponse({ chart: { result: null, error: null } })).toEqual({ ok: false, error: 'empty chart result' });
  });

  it('answers no bars for a result without timestamps or quotes, and no symbol without meta', () => {
    expect(parseChartResponse({ chart: { result: [{}] } })).toEqual({ ok: true, bars: [], yahooSymbol: null });
    expect(parseChartResponse({ chart: { result: [{ timestamp: [t0], indicators: {} }] } })).toEqual({ ok: true, bars: [], yahooSymbol: null });
    expect(parseChartResponse({ chart: { result: [{ timestamp: [t0], indicators: { quote: [{}] } }] } })).toEqual({ ok: true, bars: [], yahooSymbol: null });
  });

  it('keeps a bar with a close even when its other fields are missing or not finite, and sorts bars by time', () => {
    const r = parseChartResponse({
      chart: {
        result: [
          {
            meta: { symbol: 'BZ=F' },
            timestamp: [t0 + 60, t0, Number.NaN, t0 + 120],
            indicators: { quote: [{ open: [Number.NaN, 80], high: [Infinity, 80.5], low: [null, 79.5], close: [80.2, 80.1, 80.3, '80.4'], volume: [7] }] },
          },
        ],
      },
    });
    expect(r).toEqual({
      ok: true,
      yahooSymbol: 'BZ=F',
      bars: [
        { start: t0 * 1000, open: 80, high: 80.5, low: 79.5, close: 80.1, volume: null },
        { start: (t0 + 60) * 1000, open: null, high: null, low: null, close: 80.2, volume: 7 },
      ],
    });
  });

  it('reads a quote that carries closes only', () => {
    expect(parseChartResponse({ chart: { result: [{ timestamp: [t0], indicators: { quote: [{ close: [80] }] } }] } })).toEqual({ ok: true, yahooSymbol: null, bars: [{ start: t0 * 1000, open: null, high: null, low: null, close: 80, volume: null }] });
  });

  it('knows the bar lengths of the intervals it polls', () => {
    expect(BAR_MS).toEqual({ '1m': 60_000, '2m': 120_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '60m': 3_600_000 });
  });

  it('emits a bar that ends exactly now, and none at or before afterTs; line is the bar index', () => {
    const bars = [
      { start: 0, open: null, high: null, low: null, close: 80, volume: null },
      { start: 60_000, open: null, high: null, low: null, close: 81, volume: 5 },
      { start: 120_000, open: null, high: null, low: null, close: 82, volume: null },
    ];
    expect(barsToTicks(bars, { symbol: 'BRENT', barMs: 60_000, nowMs: 180_000, afterTs: 59_999 })).toEqual([
      { symbol: 'BRENT', ts: 119_999, price: 81, size: 5, seq: 0, line: 1 },
      { symbol: 'BRENT', ts: 179_999, price: 82, size: null, seq: 0, line: 2 },
    ]);
    expect(barsToTicks(bars, { symbol: 'BRENT', barMs: 60_000, nowMs: 179_999, afterTs: 59_998 }).map((t) => t.ts)).toEqual([59_999, 119_999]);
  });
});
