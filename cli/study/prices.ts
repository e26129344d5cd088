/**
 * The price file of `oilwire study`, read once. The correlator must know the file's format (daily
 * closes or ticks: which horizons) and its trading days (holidays are the open days with no price)
 * before it starts, and ingest-prices must then replay the same ticks: so the file is read into
 * memory once and replayed from there, instead of scanned and then read again.
 */
import { FileTickSource, type ConfiguredSource, type SourceProgress, type TickSource } from '../../services/ingest-prices/index.ts';

type TickBatch = TickSource extends { ticks(signal?: AbortSignal): AsyncIterable<infer B> } ? B : never;

export interface LoadedPrices {
  /** `daily`, `ticks`, `ndjson`, or `unknown` (not a price file). */
  format: string;
  /** Every tick's time in the asked period, ascending. */
  times: number[];
  /** A finite source replaying the file's ticks, batches and rejections exactly as the file reader produced them. */
  source(name: string, source: string): ConfiguredSource;
}

export interface PriceFileOptions {
  symbol: string;
  closeUtc: string;
  batchSize: number;
  fromMs: number;
  toMs: number;
}

export async function loadPrices(path: string, options: PriceFileOptions): Promise<LoadedPrices> {
  const reader = new FileTickSource(path, path, options);
  const batches: TickBatch[] = [];
  const times: number[] = [];
  for await (const batch of reader.ticks()) {
    batches.push(batch);
    for (const t of batch) times.push(t.ts);
  }
  times.sort((a, b) => a - b);
  const rejections = Object.entries(reader.rejectedAtSource);
  return {
    format: reader.format,
    times,
    source: (name, source) => new ReplayedPrices(name, source, batches, rejections),
  };
}

/** The loaded file as ingest-prices sees a file: its rejections told as they are met, then its batches, as fast as the bus takes them. */
class ReplayedPrices implements ConfiguredSource {
  readonly speed = 0;
  readonly rejectedAtSource: Record<string, number> = {};
  onRejected?: (reason: string) => void;
  private done = 0;
  private readonly total: number;

  constructor(
    readonly name: string,
    readonly source: string,
    private readonly batches: TickBatch[],
    private readonly rejections: [string, number][],
  ) {
    this.total = batches.reduce((n, b) => n + b.length, 0);
  }

  progress(): SourceProgress {
    return { done: this.done, total: this.total, unit: 'ticks' };
  }

  async *ticks(signal?: AbortSignal): AsyncIterable<TickBatch> {
    for (const [reason, n] of this.rejections) {
      this.rejectedAtSource[reason] = n;
      for (let i = 0; i < n; i++) this.onRejected?.(reason);
    }
    for (const batch of this.batches) {
      if (signal?.aborted) return;
      this.done += batch.length;
      yield batch;
    }
  }
}
