/**
 * `oilwire eval --format gold --novelty --input <csv|dir> [--split train|test|all] [--json]`:
 * how the scorer's novelty tracker groups the gold rows by their `story` column. Rewrites of
 * one story should join one cluster; rows of different stories should not.
 */
import { AppError } from '../../shared/errors.ts';
import { MemoryNoveltyStore } from './adapters/memory-novelty-store.ts';
import { scorerConfigSchema } from './config.ts';
import { analyzeText, type Analysis } from './domain/analyze.ts';
import { selectSplit, type Split } from './domain/gold-metrics.ts';
import { bandKeys, frameKey, normalizeShingles, NoveltyTracker, type NoveltyOptions } from './domain/novelty.ts';
import { readGold } from './gold.ts';

export interface NoveltyEvalOptions {
  input: string;
  split?: Split;
}

export interface NoveltyReport {
  input: string;
  split: Split;
  n: number;
  threshold: number;
  /** Every pair of rows of one story, each through a fresh tracker an hour apart. */
  sameStory: { pairs: number; joined: number };
  /** Pairs of rows of different stories that would join, with every row in one window (pessimistic: a real window holds a day, not years of stories). */
  differentStory: { pairs: number; joined: number };
  /** All rows through one tracker in file order, a second apart: articles that joined a cluster, and those whose cluster was founded by another story. */
  oneWindow: { joins: number; intoOtherStory: number };
}

const HOUR = 3_600_000;

/** The service's defaults (threshold, window), so the figures are what `scorer` runs with out of the box. */
function trackerOptions(): NoveltyOptions {
  const { novelty } = scorerConfigSchema.parse({});
  return { windowMs: novelty.windowHours * HOUR, threshold: novelty.threshold };
}

/** Whether the second of two headlines joins the first's cluster in a fresh tracker, an hour later. */
function joins(x: Analysis, y: Analysis, options: NoveltyOptions): boolean {
  const tracker = new NoveltyTracker(new MemoryNoveltyStore(16), options);
  const a = tracker.assign('a', x.shingles, 0, x.reading, x.figures, x.frame);
  const b = tracker.assign('b', y.shingles, HOUR, y.reading, y.figures, y.frame);
  return a.clusterId === b.clusterId;
}

/** The tracker's candidate keys of an analysis (MinHash bands and the frame key): pairs sharing none are never compared. */
function candidateKeys(a: Analysis): number[] {
  const keys = bandKeys(normalizeShingles(a.shingles));
  const fk = frameKey({ entities: normalizeShingles(a.frame.entities), events: normalizeShingles(a.frame.events) });
  if (fk !== undefined) keys.push(fk);
  return keys;
}

export async function runNoveltyEval(options: NoveltyEvalOptions): Promise<NoveltyReport> {
  const split = options.split ?? 'all';
  const rows = selectSplit((await readGold(options.input)).rows, split);
  if (rows.length === 0) throw new AppError('INPUT_INVALID', `${options.input} has no rows in split ${split}`);
  if (rows.some((r) => !r.story)) throw new AppError('INPUT_INVALID', 'novelty needs a story column: rows of one story are rewrites of one event');
  const opts = trackerOptions();
  const analyses = rows.map((r) => analyzeText(r.headline));
  const stories = rows.map((r) => r.story as string);

  const sameStory = { pairs: 0, joined: 0 };
  const differentStory = { pairs: 0, joined: 0 };
  const byKey = new Map<number, number[]>();
  const keys = analyses.map(candidateKeys);
  keys.forEach((ks, i) => {
    for (const k of ks) {
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    }
  });
  for (let i = 0; i < rows.length; i++) {
    const candidates = new Set<number>();
    for (const k of keys[i]) for (const j of byKey.get(k) ?? []) if (j > i) candidates.add(j);
    for (let j = i + 1; j < rows.length; j++) {
      const same = stories[i] === stories[j];
      if (same) sameStory.pairs++;
      else differentStory.pairs++;
      // Pairs without a common key never meet in the tracker; only candidates are run through it.
      if (!candidates.has(j) || !joins(analyses[i], analyses[j], opts)) continue;
      if (same) sameStory.joined++;
      else differentStory.joined++;
    }
  }

  const tracker = new NoveltyTracker(new MemoryNoveltyStore(Math.max(16, rows.length)), opts);
  const founder = new Map<string, string>();
  const oneWindow = { joins: 0, intoOtherStory: 0 };
  analyses.forEach((a, i) => {
    const { clusterId } = tracker.assign(`row-${i}`, a.shingles, i * 1000, a.reading, a.figures, a.frame);
    const story = founder.get(clusterId);
    if (story === undefined) founder.set(clusterId, stories[i]);
    else {
      oneWindow.joins++;
      if (story !== stories[i]) oneWindow.intoOtherStory++;
    }
  });
  return { input: options.input, split, n: rows.length, threshold: opts.threshold, sameStory, differentStory, oneWindow };
}

export function formatNoveltyReport(r: NoveltyReport, json: boolean): string {
  if (json) return JSON.stringify({ n: r.n, threshold: r.threshold, sameStory: r.sameStory, differentStory: r.differentStory, oneWindow: r.oneWindow });
  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)} %`);
  const per10k = (a: number, b: number) => (b === 0 ? '-' : `${((10_000 * a) / b).toFixed(1)} per 10,000`);
  return [
    `novelty on ${r.input} (split ${r.split}, n=${r.n}, threshold ${r.threshold})`,
    `same-story pairs joined        ${r.sameStory.joined} of ${r.sameStory.pairs} (${pct(r.sameStory.joined, r.sameStory.pairs)})`,
    `different-story pairs joined   ${r.differentStory.joined} of ${r.differentStory.pairs} (${per10k(r.differentStory.joined, r.differentStory.pairs)}, every row in one window)`,
    `all rows in one window         ${r.oneWindow.joins} joins, ${r.oneWindow.intoOtherStory} into another story's cluster`,
  ].join('\n');
}
