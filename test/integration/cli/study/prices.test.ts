import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPrices } from '../../../../cli/study/prices.ts';
import { FileTickSource } from '../../../../services/ingest-prices/index.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/prices/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'oilwire-study-prices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = { symbol: 'BRENT', closeUtc: '19:30', batchSize: 4, fromMs: -Infinity, toMs: Infinity };

async function collect(source: { ticks(): AsyncIterable<unknown[]> }): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const b of source.ticks()) out.push(b);
  return out;
}

describe('loadPrices', () => {
  it('reads the file once: its format and sorted tick times first, then a replay with the reader\'s own batches, even after the file is gone', async () => {
    const path = join(dir, 'daily.csv');
    copyFileSync(fixture('study-daily.csv'), path);
    const direct = await collect(new FileTickSource(path, path, options));
    const loaded = await loadPrices(path, options);
    rmSync(path);
    expect(loaded.format).toBe('daily');
    const times = direct.flat().map((t) => (t as { ts: number }).ts);
    expect(loaded.times).toEqual([...times].sort((a, b) => a - b));
    const replay = loaded.source('daily', 'daily-file');
    expect(replay).toMatchObject({ name: 'daily', source: 'daily-file', speed: 0 });
    expect(await collect(replay)).toEqual(direct);
    expect(direct.map((b) => b.length)).toEqual([4, 4, 4, 3]);
    expect(replay.progress!()).toEqual({ done: 15, total: 15, unit: 'ticks' });
  });

  it('tells the rejections the reader made, one call each, as a file source does', async () => {
    const reader = new FileTickSource('f', fixture('ticks-with-errors.csv'), options);
    const direct = await collect(reader);
    const replay = (await loadPrices(fixture('ticks-with-errors.csv'), options)).source('ticks', 'tick-file');
    const told: Record<string, number> = {};
    replay.onRejected = (reason) => (told[reason] = (told[reason] ?? 0) + 1);
    expect(await collect(replay)).toEqual(direct);
    expect(Object.keys(reader.rejectedAtSource).length).toBeGreaterThan(0);
    expect(told).toEqual(reader.rejectedAtSource);
    expect(replay.rejectedAtSource).toEqual(reader.rejectedAtSource);
  });

  it('keeps only the asked period', async () => {
    const all = await loadPrices(fixture('study-daily.csv'), options);
    const from = all.times[3];
    const to = all.times[9];
    const some = await loadPrices(fixture('study-daily.csv'), { ...options, fromMs: from, toMs: to });
    expect(some.times).toEqual(all.times.slice(3, 10));
  });
});
