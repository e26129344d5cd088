import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { AppError, wrapError } from '../../../shared/errors.ts';
import { PriceLineParser, type PriceFileFormat, type RawTick } from '../domain/parse-prices.ts';
import type { SourceProgress, TickSource } from '../ports.ts';

export interface FileSourceOptions {
  symbol: string;
  closeUtc: string;
  batchSize: number;
  /** Ticks before this time (ms) are skipped. */
  fromMs?: number;
  /** Ticks after this time (ms) are skipped. */
  toMs?: number;
}

/**
 * Replays a price file (daily `Date,Price`, ticks `ts,symbol,price[,size][,seq]`, or NDJSON)
 * line by line, so a file larger than memory streams through; progress is the share of
 * bytes read.
 */
export class FileTickSource implements TickSource {
  readonly rejected: { line: number; reason: string }[] = [];
  readonly rejectedAtSource: Record<string, number> = {};
  onRejected?: (reason: string) => void;
  format: PriceFileFormat = 'unknown';
  private bytesRead = 0;
  private totalBytes = 0;

  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly options: FileSourceOptions,
  ) {}

  progress(): SourceProgress {
    return { done: this.bytesRead, total: this.totalBytes, unit: 'bytes' };
  }

  private reject(line: number, reason: string): void {
    this.rejectedAtSource[reason] = (this.rejectedAtSource[reason] ?? 0) + 1;
    this.onRejected?.(reason);
    if (this.rejected.length < 1000) this.rejected.push({ line, reason });
  }

  async *ticks(signal?: AbortSignal): AsyncIterable<RawTick[]> {
    try {
      this.totalBytes = (await stat(this.path)).size;
    } catch (err) {
      throw wrapError('INPUT_INVALID', err, `cannot read price file ${this.path}`);
    }
    const stream = createReadStream(this.path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    stream.on('data', (chunk) => {
      this.bytesRead += Buffer.byteLength(chunk as string);
    });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    const parser = new PriceLineParser({ symbol: this.options.symbol, closeUtc: this.options.closeUtc });
    const from = this.options.fromMs ?? -Infinity;
    const to = this.options.toMs ?? Infinity;
    let lineNo = 0;
    let batch: RawTick[] = [];
    try {
      for await (const text of lines) {
        if (signal?.aborted) return;
        lineNo++;
        if (this.format === 'unknown') {
          if (!text.trim()) continue;
          if (!parser.start(text)) throw new AppError('INPUT_INVALID', `${this.path}: unknown header "${text.slice(0, 80)}": expected Date,Price or ts,symbol,price[,size] or NDJSON lines`);
          this.format = parser.format;
          if (this.format !== 'ndjson') continue;
        }
        const r = parser.line(text, lineNo);
        if (r === null) continue;
        if (!r.ok) {
          this.reject(lineNo, r.reason);
          continue;
        }
        if (r.tick.ts < from || r.tick.ts > to) continue;
        batch.push(r.tick);
        if (batch.length >= this.options.batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
      this.bytesRead = this.totalBytes;
    } catch (err) {
      throw err instanceof AppError ? err : wrapError('INPUT_INVALID', err, `cannot read price file ${this.path}`);
    } finally {
      lines.close();
      stream.destroy();
    }
  }
}

/** The name the first versions used: the same source reads CSV and NDJSON. */
export { FileTickSource as CsvTickSource };
