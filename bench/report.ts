export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The name of the row this one is compared against, measured in the same run. */
  baseline?: string;
  /** value / baseline value (for throughput: above 1 is faster than the baseline). */
  ratio?: number;
}

export type Report = (row: BenchRow) => void;

/** Runs `fn` repeatedly for at least `minMs` and returns operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, options: { minMs?: number; batch?: number } = {}): Promise<number> {
  const minMs = options.minMs ?? 1000;
  const batch = options.batch ?? 1;
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    await fn();
    ops += batch;
  }
  return (ops * 1000) / (performance.now() - start);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
