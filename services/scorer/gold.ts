/**
 * `oilwire eval --format gold --input <csv|dir> [--split train|test|all] [--json]`: every
 * field of the domain model measured against rows labelled by docs/taxonomy.md.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, wrapError } from '../../shared/errors.ts';
import { analyzeText } from './domain/analyze.ts';
import { formatGoldReport, goldMetrics, parseGoldCsv, selectSplit, type GoldReport, type GoldRow, type Prediction, type Split } from './domain/gold-metrics.ts';
import { readInput } from './train.ts';
import { fieldPredictor, parseFieldModels, serializeFieldModels, trainFieldModels, type LearnedField } from './domain/field-models.ts';

export interface GoldEvalOptions {
  input: string;
  split?: Split;
  json?: boolean;
  /** A file written by `oilwire train --format gold`, blended with the rules at `weight`. */
  learned?: string;
  weight?: number;
  learnedFields?: LearnedField[];
}

export interface GoldTrainOptions {
  input: string;
  out: string;
  split?: Split;
}

/** Trains the per-field models on the gold rows of `split` (default train) and writes them as one JSON file. */
export async function runGoldTrain(options: GoldTrainOptions): Promise<{ out: string; n: number; fields: string[] }> {
  const split = options.split ?? 'train';
  const { rows } = await readGold(options.input);
  const chosen = selectSplit(rows, split);
  const models = trainFieldModels(chosen);
  try {
    await writeFile(options.out, serializeFieldModels(models));
  } catch (err) {
    throw wrapError('INPUT_INVALID', err, `cannot write ${options.out}`);
  }
  const fields = [...(models.direction ? ['oil_direction'] : []), ...(models.sentiment ? ['sentiment'] : []), ...(models.relevance ? ['relevance'] : []), ...Object.keys(models.topics ?? {}).map((t) => `topic:${t}`)];
  return { out: options.out, n: chosen.length, fields };
}

export interface GoldEvalResult {
  report: GoldReport;
  input: string;
  split: Split;
  learned?: string;
  weight: number;
}

/** Ensemble weight of the learned models when `--weight` is not given. */
export const DEFAULT_LEARNED_WEIGHT = 0.7;

/** The CSV files of a corpus folder (sorted), or the one file given. */
export async function goldFiles(input: string): Promise<string[]> {
  let isDir: boolean;
  try {
    isDir = (await stat(input)).isDirectory();
  } catch (err) {
    throw wrapError('INPUT_INVALID', err, `cannot read ${input}`);
  }
  if (!isDir) return [input];
  const files = (await readdir(input)).filter((f) => f.endsWith('.csv')).sort();
  if (files.length === 0) throw new AppError('INPUT_INVALID', `${input} holds no .csv files`);
  return files.map((f) => join(input, f));
}

export async function readGold(input: string): Promise<{ rows: GoldRow[]; fields: Set<keyof Prediction> }> {
  const rows: GoldRow[] = [];
  let fields: Set<keyof Prediction> | undefined;
  for (const file of await goldFiles(input)) {
    const got = parseGoldCsv(await readInput(file));
    rows.push(...got.rows);
    fields = fields ? new Set([...fields].filter((f) => got.fields.has(f))) : got.fields;
  }
  return { rows, fields: fields ?? new Set() };
}

export function predict(headline: string): Prediction {
  const a = analyzeText(headline);
  return { topics: a.topics, oil_direction: a.oil_direction.label, price_report: a.price_report, relevance: a.relevance, sentiment: a.sentiment.label };
}

export async function runGoldEval(options: GoldEvalOptions): Promise<GoldEvalResult> {
  const split = options.split ?? 'all';
  const { rows: all, fields } = await readGold(options.input);
  const rows = selectSplit(all, split);
  if (rows.length === 0) throw new AppError('INPUT_INVALID', `${options.input} has no rows in split ${split}`);
  if (fields.size === 0) throw new AppError('INPUT_INVALID', 'gold CSV needs at least one of topics, oil_direction, price_report, relevance, sentiment');
  let preds = rows.map((r) => predict(r.headline));
  if (options.learned) {
    const blend = fieldPredictor(parseFieldModels(await readInput(options.learned)), options.weight ?? DEFAULT_LEARNED_WEIGHT, options.learnedFields);
    preds = preds.map((p, i) => blend(rows[i].headline, p));
  }
  return { report: goldMetrics(rows, preds, fields), input: options.input, split, learned: options.learned, weight: options.learned ? (options.weight ?? DEFAULT_LEARNED_WEIGHT) : 0 };
}

export function formatGoldResult(r: GoldEvalResult, json: boolean): string {
  const model = r.learned ? `domain model + ${r.learned} (weight ${r.weight})` : 'domain model';
  return json ? JSON.stringify(r.report) : formatGoldReport(r.report, `${model} on ${r.input} (split ${r.split})`);
}
