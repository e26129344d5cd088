import type { PriceTick } from '../../../shared/contracts/events.ts';
import { parseCsvLine } from '../../../shared/csv.ts';
import { parseDateOrTime, startOfUtcDay, toIso } from '../../../shared/contracts/time.ts';

export interface RawTick {
  symbol: string;
  ts: number;
  price: number;
  size: number | null;
  seq: number;
  /** Where the tick came from in its source (line number of a file, bar index of a poll), for rejection logs. */
  line: number;
}

export type PriceFileFormat = 'daily' | 'ticks' | 'ndjson' | 'unknown';

export interface ParseOutcome {
  ticks: RawTick[];
  rejected: { line: number; reason: string }[];
  format: PriceFileFormat;
}

export interface PriceParseOptions {
  symbol: string;
  /** `HH:MM` UTC at which a daily close is stamped. */
  closeUtc: string;
}

/**
 * Epoch seconds or milliseconds, or an ISO-like text; a text without a zone is UTC
 * (price files from exchanges are in UTC; a local-time reading would shift every tick).
 */
export function parseTime(text: string | number): number {
  if (typeof text === 'number') return text < 1e11 ? text * 1000 : text;
  const s = text.trim();
  if (/^\d{9,13}(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return n < 1e11 ? n * 1000 : n;
  }
  return parseDateOrTime(s);
}

/**
 * Plain decimal text only: `81.25`, `-0.5`, `+3`, `.5`, `1200`. `Number()` alone would also
 * take `0x50` (80), `0b1`, `0o7`, `1e3`, `Infinity`, and `''` or `' '` (0): from a price
 * file each of those is a feed error or an attack, never a price, so they are NaN here and
 * the tick is rejected (`non_finite_price`, `bad_size`). Exponents are refused too: no
 * exchange or EIA file writes a price that way, a spreadsheet that did is worth a rejection.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function parseDecimal(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value !== 'string') return NaN;
  const s = value.trim();
  return DECIMAL.test(s) ? Number(s) : NaN;
}

/** A sequence number: digits only (no sign, fraction, exponent or radix prefix). */
function parseSeq(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : NaN;
  return typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
}

const parseNumber = (text: string | undefined | null): number => parseDecimal(text ?? undefined);

export function detectFormat(firstLine: string): PriceFileFormat {
  const line = firstLine.replace(/^\uFEFF/, '').trim();
  if (line.startsWith('{')) return 'ndjson';
  const header = parseCsvLine(line).map((h) => h.trim().toLowerCase());
  if (header[0] === 'date' && header.includes('price')) return 'daily';
  if (header.includes('ts') && header.includes('price')) return 'ticks';
  return 'unknown';
}

export type LineResult = { ok: true; tick: RawTick } | { ok: false; reason: string } | null;

/**
 * A stateful parser fed one line at a time, so a file of any size streams through it.
 * Daily files (`Date,Price`, the EIA series) stamp each close at the end of its session
 * (`closeUtc`), so a headline of that day never sees the day's own close as its pre-event
 * price. A day has one close: its seq is 0, and a repeated date is the same tick again.
 * In tick files (`ts,symbol,price[,size][,seq]` or NDJSON) several trades may share a
 * timestamp; without a seq column they are numbered in file order, which a replay of the
 * same file repeats exactly.
 */
export class PriceLineParser {
  format: PriceFileFormat = 'unknown';
  private header: string[] = [];
  private readonly seqs = new Map<string, number>();
  private readonly closeOffsetMs: number;

  constructor(private readonly options: PriceParseOptions) {
    const [hh, mm] = options.closeUtc.split(':').map(Number);
    this.closeOffsetMs = (hh * 60 + mm) * 60_000;
  }

  /** Reads the first line; returns false when the format is not recognised. */
  start(firstLine: string): boolean {
    this.format = detectFormat(firstLine);
    if (this.format === 'daily' || this.format === 'ticks') this.header = parseCsvLine(firstLine.replace(/^\uFEFF/, '')).map((h) => h.trim().toLowerCase());
    return this.format !== 'unknown';
  }

  private nextSeq(symbol: string, ts: number): number {
    const k = `${symbol}|${ts}`;
    const seq = this.seqs.get(k) ?? 0;
    this.seqs.set(k, seq + 1);
    // Only the current timestamp can still repeat in a time-ordered file; keep the map small.
    if (this.seqs.size > 10_000) for (const key of this.seqs.keys()) if (key !== k) this.seqs.delete(key);
    return seq;
  }

  line(text: string, lineNo: number): LineResult {
    const line = text.trim();
    if (!line) return null;
    if (this.format === 'ndjson') return this.ndjson(line, lineNo);
    const cells = parseCsvLine(line).map((c) => c.trim());
    const col = (name: string) => this.header.indexOf(name);
    const price = parseNumber(cells[col('price')]);
    if (this.format === 'daily') {
      const day = parseTime(cells[col('date')] ?? '');
      if (!Number.isFinite(day)) return { ok: false, reason: 'bad_timestamp' };
      const ts = startOfUtcDay(day) + this.closeOffsetMs;
      return { ok: true, tick: { symbol: this.options.symbol, ts, price, size: null, seq: 0, line: lineNo } };
    }
    const ts = parseTime(cells[col('ts')] ?? '');
    if (!Number.isFinite(ts)) return { ok: false, reason: 'bad_timestamp' };
    const symbol = (col('symbol') >= 0 && cells[col('symbol')]) || this.options.symbol;
    const sizeText = col('size') >= 0 ? cells[col('size')] : undefined;
    const size = sizeText === undefined || sizeText === '' ? null : parseNumber(sizeText);
    const seqText = col('seq') >= 0 ? cells[col('seq')] : undefined;
    const seq = seqText !== undefined && seqText !== '' ? parseSeq(seqText) : this.nextSeq(symbol, ts);
    if (!Number.isInteger(seq) || seq < 0) return { ok: false, reason: 'bad_seq' };
    return { ok: true, tick: { symbol, ts, price, size, seq, line: lineNo } };
  }

  private ndjson(line: string, lineNo: number): LineResult {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return { ok: false, reason: 'bad_json' };
    }
    if (typeof o !== 'object' || o === null) return { ok: false, reason: 'bad_json' };
    const rawTs = o.ts ?? o.time ?? o.timestamp;
    const ts = typeof rawTs === 'number' ? parseTime(rawTs) : typeof rawTs === 'string' ? parseTime(rawTs) : NaN;
    if (!Number.isFinite(ts)) return { ok: false, reason: 'bad_timestamp' };
    const symbol = typeof o.symbol === 'string' && o.symbol ? o.symbol : this.options.symbol;
    const p = o.price ?? o.close ?? o.p;
    const price = parseDecimal(p);
    const s = o.size ?? o.volume ?? o.qty;
    const size = s === undefined || s === null ? null : parseDecimal(s);
    const seq = o.seq === undefined || o.seq === null ? this.nextSeq(symbol, ts) : parseSeq(o.seq);
    if (!Number.isInteger(seq) || seq < 0) return { ok: false, reason: 'bad_seq' };
    return { ok: true, tick: { symbol, ts, price, size, seq, line: lineNo } };
  }
}

/** Whole-text form of the line parser (small files, tests). */
export function parsePriceCsv(text: string, options: PriceParseOptions): ParseOutcome {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const parser = new PriceLineParser(options);
  const out: ParseOutcome = { ticks: [], rejected: [], format: 'unknown' };
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0 || !parser.start(lines[first])) {
    out.rejected.push({ line: first + 1, reason: `unknown header "${lines[Math.max(0, first)] ?? ''}": expected Date,Price or ts,symbol,price[,size] or NDJSON` });
    return out;
  }
  out.format = parser.format;
  // NDJSON has no header: its first line is data.
  for (let i = parser.format === 'ndjson' ? first : first + 1; i < lines.length; i++) {
    const r = parser.line(lines[i], i + 1);
    if (r === null) continue;
    if (r.ok) out.ticks.push(r.tick);
    else out.rejected.push({ line: i + 1, reason: r.reason });
  }
  return out;
}

export function toTickEvent(t: RawTick, source: string): PriceTick {
  return { schema: 'prices.ticks/v1', symbol: t.symbol, ts: toIso(t.ts), price: t.price, size: t.size, source, seq: t.seq };
}

/** Identity of a tick within its source: replaying it is a no-op. */
export function tickIdentity(t: Pick<RawTick, 'symbol' | 'ts' | 'seq'>): string {
  return `${t.symbol}|${t.ts}|${t.seq}`;
}

/** Wall-clock delay before a tick is due when replaying at `speed` times real time (0: as fast as possible). */
export function replayDueMs(firstTs: number, ts: number, speed: number): number {
  if (!(speed > 0)) return 0;
  return Math.max(0, (ts - firstTs) / speed);
}
