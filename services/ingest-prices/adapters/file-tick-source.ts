import { readFile } from 'node:fs/promises';
import { wrapError } from '../../../shared/errors.ts';
import { parsePriceCsv, type RawTick } from '../domain/parse-prices.ts';
import type { TickSource } from '../ports.ts';

export class CsvTickSource implements TickSource {
  readonly rejected: { line: number; reason: string }[] = [];
  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly options: { symbol: string; closeUtc: string; batchSize: number },
  ) {}

  async *ticks(): AsyncIterable<RawTick[]> {
    const text = await readFile(this.path, 'utf8').catch((err) => {
      throw wrapError('INPUT_INVALID', err, `cannot read price file ${this.path}`);
    });
    const parsed = parsePriceCsv(text, { symbol: this.options.symbol, closeUtc: this.options.closeUtc });
    this.rejected.push(...parsed.rejected);
    for (let i = 0; i < parsed.ticks.length; i += this.options.batchSize) yield parsed.ticks.slice(i, i + this.options.batchSize);
  }
}
