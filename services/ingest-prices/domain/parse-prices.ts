import type { PriceTick } from '../../../shared/contracts/events.ts';

export interface RawTick {
  symbol: string;
  ts: number;
  price: number;
  size: number | null;
  seq: number;
  line: number;
}

export interface ParseOutcome {
  ticks: RawTick[];
  rejected: { line: number; reason: string }[];
  format: 'daily' | 'ticks' | 'unknown';
}

function splitCsvLine(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

function parseTime(text: string): number {
  if (/^\d{10,13}(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return text.length <= 10 || n < 1e11 ? n * 1000 : n;
  }
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || !/T|\s\d/.test(text) ? text : `${text}Z`);
}

/**
 * Parses daily `Date,Price` files (the EIA series) and tick files `ts,symbol,price[,size]`.
 * A daily close is stamped at the end of its session (`closeUtc`), so a headline of the
 * same day never sees that day's close as its pre-event price.
 */
export function parsePriceCsv(text: string, options: { symbol: string; closeUtc: string }): ParseOutcome {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const out: ParseOutcome = { ticks: [], rejected: [], format: 'unknown' };
  const [hh, mm] = options.closeUtc.split(':').map(Number);
  const seqs = new Map<string, number>();
  const isDaily = header[0] === 'date' && header.includes('price');
  const isTicks = header.includes('ts') && header.includes('price');
  if (!isDaily && !isTicks) {
    out.rejected.push({ line: 1, reason: `unknown header "${lines[0] ?? ''}": expected Date,Price or ts,symbol,price[,size]` });
    return out;
  }
  out.format = isDaily ? 'daily' : 'ticks';
  const col = (name: string) => header.indexOf(name);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const cells = splitCsvLine(line);
    let ts: number;
    let symbol = options.symbol;
    let size: number | null = null;
    const priceText = cells[col('price')];
    if (isDaily) {
      const d = cells[col('date')];
      const day = /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) : NaN;
      ts = day + (hh * 60 + mm) * 60_000;
    } else {
      ts = parseTime(cells[col('ts')]);
      if (col('symbol') >= 0 && cells[col('symbol')]) symbol = cells[col('symbol')];
      if (col('size') >= 0 && cells[col('size')] !== undefined && cells[col('size')] !== '') size = Number(cells[col('size')]);
    }
    const price = priceText === undefined || priceText === '' ? NaN : Number(priceText);
    if (!Number.isFinite(ts)) {
      out.rejected.push({ line: i + 1, reason: 'bad_timestamp' });
      continue;
    }
    const k = `${symbol}|${ts}`;
    const seq = seqs.get(k) ?? 0;
    seqs.set(k, seq + 1);
    out.ticks.push({ symbol, ts, price, size, seq, line: i + 1 });
  }
  return out;
}

export function toTickEvent(t: RawTick, source: string): PriceTick {
  return { schema: 'prices.ticks/v1', symbol: t.symbol, ts: new Date(t.ts).toISOString(), price: t.price, size: t.size, source, seq: t.seq };
}
