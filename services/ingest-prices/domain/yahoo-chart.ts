import type { RawTick } from './parse-prices.ts';

/** The parts of Yahoo Finance's `/v8/finance/chart/<symbol>` response that oilwire reads. */
export interface YahooChartResponse {
  chart?: {
    result?: {
      meta?: { symbol?: string; currency?: string; regularMarketTime?: number; dataGranularity?: string; gmtoffset?: number };
      timestamp?: number[];
      indicators?: { quote?: { open?: (number | null)[]; high?: (number | null)[]; low?: (number | null)[]; close?: (number | null)[]; volume?: (number | null)[] }[] };
    }[] | null;
    error?: { code?: string; description?: string } | null;
  };
}

export interface ChartBar {
  /** Start of the bar (ms). */
  start: number;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number;
  volume: number | null;
}

export type ChartParse = { ok: true; bars: ChartBar[]; yahooSymbol: string | null } | { ok: false; error: string };

export const BAR_MS: Record<string, number> = { '1m': 60_000, '2m': 120_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '60m': 3_600_000 };

/** Bars with a close; minutes in which nothing traded come back as nulls and are skipped. */
export function parseChartResponse(body: unknown): ChartParse {
  const chart = (body as YahooChartResponse | null)?.chart;
  if (!chart) return { ok: false, error: 'no "chart" object in the response' };
  if (chart.error) return { ok: false, error: `${chart.error.code ?? 'error'}: ${chart.error.description ?? ''}`.trim() };
  const result = chart.result?.[0];
  if (!result) return { ok: false, error: 'empty chart result' };
  const ts = result.timestamp ?? [];
  const q = result.indicators?.quote?.[0] ?? {};
  const bars: ChartBar[] = [];
  for (let i = 0; i < ts.length; i++) {
    const close = q.close?.[i];
    if (typeof close !== 'number' || !Number.isFinite(ts[i])) continue;
    const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    bars.push({ start: ts[i] * 1000, open: num(q.open?.[i]), high: num(q.high?.[i]), low: num(q.low?.[i]), close, volume: num(q.volume?.[i]) });
  }
  bars.sort((a, b) => a.start - b.start);
  return { ok: true, bars, yahooSymbol: result.meta?.symbol ?? null };
}

/**
 * One tick per completed bar: its close, stamped at the bar's last millisecond. The close
 * is the last trade inside the bar, so it was known by then (no look-ahead), and the tick
 * stays in the bar's own minute. The bar still forming (its end after `nowMs`) is left for
 * a later poll, as are bars already emitted (`afterTs`).
 */
export function barsToTicks(bars: ChartBar[], options: { symbol: string; barMs: number; nowMs: number; afterTs: number }): RawTick[] {
  const out: RawTick[] = [];
  for (const [i, b] of bars.entries()) {
    const ts = b.start + options.barMs - 1;
    if (ts <= options.afterTs || b.start + options.barMs > options.nowMs) continue;
    out.push({ symbol: options.symbol, ts, price: b.close, size: b.volume, seq: 0, line: i });
  }
  return out;
}
