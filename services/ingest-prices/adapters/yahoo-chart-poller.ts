import { AppError, wrapError } from '../../../shared/errors.ts';
import { parseRetryAfterMs } from '../../../shared/net/retry-after.ts';
import { BAR_MS, barsToTicks, parseChartResponse } from '../domain/yahoo-chart.ts';
import type { RawTick } from '../domain/parse-prices.ts';
import type { SourceHealth, TickSource } from '../ports.ts';

export interface YahooPollerOptions {
  /** oilwire's symbol for the ticks (BRENT). */
  symbol: string;
  /** Yahoo's symbol (BZ=F: CME's Brent futures, front month, delayed at least 10 minutes). */
  yahooSymbol: string;
  baseUrl: string;
  interval: string;
  range: string;
  /** The first poll's range, until one succeeds: history the correlator needs for z-scores (`5d` of 1-minute bars). Default: `range`. */
  backfillRange?: string;
  pollIntervalMs: number;
  timeoutMs: number;
  /** Longest wait after repeated failures. */
  maxBackoffMs: number;
  now: () => number;
  fetch?: typeof fetch;
  onError?: (err: AppError) => void;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls Yahoo Finance's chart API for 1-minute bars. The first poll backfills the whole
 * range (history the correlator needs for volatility); later polls emit only bars newer
 * than the last one emitted, so overlapping responses never repeat a tick.
 */
export class YahooChartPoller implements TickSource {
  readonly name: string;
  readonly rejectedAtSource: Record<string, number> = {};
  onRejected?: (reason: string) => void;
  private lastTs = -Infinity;
  private failures = 0;
  private lastAttemptAt: number | null = null;
  private lastOkAt: number | null = null;
  private lastError: string | null = null;
  private backfilled = false;
  private readonly barMs: number;

  constructor(private readonly options: YahooPollerOptions) {
    this.name = `yahoo:${options.yahooSymbol}`;
    const barMs = BAR_MS[options.interval];
    if (!barMs) throw new AppError('CONFIG_INVALID', `yahoo interval must be one of ${Object.keys(BAR_MS).join(', ')}, got ${options.interval}`);
    this.barMs = barMs;
  }

  url(): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    // History once, then only the recent range: a minute's poll need not carry days of bars.
    const range = this.backfilled ? this.options.range : (this.options.backfillRange ?? this.options.range);
    return `${base}/v8/finance/chart/${encodeURIComponent(this.options.yahooSymbol)}?interval=${encodeURIComponent(this.options.interval)}&range=${encodeURIComponent(range)}&includePrePost=false`;
  }

  /** One request; returns the new completed bars as ticks. */
  async pollOnce(signal?: AbortSignal): Promise<RawTick[]> {
    const doFetch = this.options.fetch ?? fetch;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let res: Response;
    try {
      res = await doFetch(this.url(), {
        headers: { accept: 'application/json', 'user-agent': 'Mozilla/5.0 (compatible; oilwire/0.1; +https://github.com/oilwire)' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      throw wrapError('FEED_FETCH_FAILED', err, `yahoo chart ${this.options.yahooSymbol}`);
    }
    const text = await res.text().catch((err) => {
      throw wrapError('FEED_FETCH_FAILED', err, `yahoo chart ${this.options.yahooSymbol}: reading the body`);
    });
    if (res.status === 429) {
      const afterMs = parseRetryAfterMs(res.headers.get('retry-after'), this.options.now(), res.headers.get('date'));
      throw new AppError('FEED_RATE_LIMITED', `yahoo chart ${this.options.yahooSymbol}: rate limited (HTTP 429)`, { details: { retryAfterSec: afterMs === undefined ? null : afterMs / 1000 } });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError(res.ok ? 'FEED_PARSE_FAILED' : 'FEED_FETCH_FAILED', `yahoo chart ${this.options.yahooSymbol}: HTTP ${res.status}, body is not JSON`);
    }
    const parsed = parseChartResponse(body);
    if (!parsed.ok) {
      throw new AppError(res.ok ? 'FEED_PARSE_FAILED' : 'FEED_FETCH_FAILED', `yahoo chart ${this.options.yahooSymbol}: HTTP ${res.status}: ${parsed.error}`, { retryable: res.status >= 500 || res.ok === false });
    }
    if (!res.ok) throw new AppError('FEED_FETCH_FAILED', `yahoo chart ${this.options.yahooSymbol}: HTTP ${res.status}`);
    this.backfilled = true;
    const ticks = barsToTicks(parsed.bars, { symbol: this.options.symbol, barMs: this.barMs, nowMs: this.options.now(), afterTs: this.lastTs });
    if (ticks.length) this.lastTs = ticks[ticks.length - 1].ts;
    return ticks;
  }

  health(): SourceHealth {
    return {
      live: true,
      note: `${this.options.yahooSymbol} from Yahoo's chart API: CME's Brent futures, ${this.options.interval} bars delayed at least 10 min, for personal use`,
      endpoint: this.options.baseUrl,
      lastAttemptAt: this.lastAttemptAt,
      lastOkAt: this.lastOkAt,
      lastError: this.lastError,
      consecutiveFailures: this.failures,
    };
  }

  async *ticks(signal?: AbortSignal): AsyncIterable<RawTick[]> {
    while (!signal?.aborted) {
      let wait = this.options.pollIntervalMs;
      try {
        this.lastAttemptAt = this.options.now();
        const ticks = await this.pollOnce(signal);
        this.failures = 0;
        this.lastOkAt = this.options.now();
        this.lastError = null;
        if (ticks.length) yield ticks;
      } catch (err) {
        if (signal?.aborted) return;
        const e = err instanceof AppError ? err : wrapError('FEED_FETCH_FAILED', err);
        this.failures++;
        this.lastError = e.message;
        this.rejectedAtSource[e.code] = (this.rejectedAtSource[e.code] ?? 0) + 1;
        this.onRejected?.(e.code);
        this.options.onError?.(e);
        const retryAfter = Number(e.details?.retryAfterSec);
        wait = Math.min(this.options.maxBackoffMs, Math.max(wait * 2 ** Math.min(this.failures - 1, 10), Number.isFinite(retryAfter) ? retryAfter * 1000 : 0));
      }
      await abortableSleep(wait, signal);
    }
  }
}

export { abortableSleep };
