import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNoveltyReport, runNoveltyEval } from '../../../../services/scorer/novelty-eval.ts';

describe('novelty measured on gold rows grouped by story', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oilwire-novelty-eval-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts same-story and different-story pairs, and the rows of one window', async () => {
    const input = join(dir, 'gold.csv');
    await writeFile(
      input,
      [
        'story,headline,sentiment',
        'a,Iran seizes oil tanker in Strait of Hormuz,negative',
        'a,Iran captures crude tanker in the Strait of Hormuz,negative',
        'b,US crude inventories fall sharply,neutral',
        'c,US crude inventories rise sharply,neutral',
        'd,Bakery wins regional award,positive',
      ].join('\n'),
    );
    const r = await runNoveltyEval({ input });
    expect(r).toMatchObject({ n: 5, threshold: 0.4, split: 'all' });
    expect(r.sameStory).toEqual({ pairs: 1, joined: 1 });
    // The build after the draw is worded alike and stays apart: an opposite development.
    expect(r.differentStory).toEqual({ pairs: 9, joined: 0 });
    expect(r.oneWindow).toEqual({ joins: 1, intoOtherStory: 0 });
    const text = formatNoveltyReport(r, false);
    expect(text).toMatch(/same-story pairs joined\s+1 of 1 \(100\.0 %\)/);
    expect(text).toMatch(/different-story pairs joined\s+0 of 9 \(0\.0 per 10,000/);
    expect(Object.keys(JSON.parse(formatNoveltyReport(r, true)) as object).sort()).toEqual(['differentStory', 'n', 'oneWindow', 'sameStory', 'threshold']);
  });

  it('refuses rows without a story', async () => {
    const input = join(dir, 'no-story.csv');
    await writeFile(input, 'headline,sentiment\nOil rises,neutral\n');
    await expect(runNoveltyEval({ input })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('keeps the development corpus rewrites together at least as often as measured, with few joins across stories', async () => {
    const r = await runNoveltyEval({ input: 'services/scorer/data/corpus' });
    // Measured 35 of 91 (38.5 %; 31 before oil and tone were compared apart and shared figures counted) and 732 of
    // 2,067,470 different-story pairs (3.5 per 10,000, every row of years of stories in one window).
    expect(r.sameStory.pairs).toBe(91);
    expect(r.sameStory.joined / r.sameStory.pairs).toBeGreaterThanOrEqual(0.37);
    expect((10_000 * r.differentStory.joined) / r.differentStory.pairs).toBeLessThanOrEqual(4);
  });
});
