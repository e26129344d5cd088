/**
 * `oilwire train --input labeled.csv --out <model-dir>`: trains the linear words+bigrams
 * classifier on a `text,label` CSV and writes a Hugging Face model folder that oilwire
 * (or any transformers.js pipeline) serves like any other sequence classifier.
 */
import { readFile, stat } from 'node:fs/promises';
import { AppError, wrapError } from '../../shared/errors.ts';
import { writeModelFolder } from './adapters/model-folder.ts';
import { wordTokenizer } from './adapters/transformers-tokenizer.ts';
import { decodeText, parseLabeledCsv, type Metrics } from './domain/eval-core.ts';
import { buildVocab } from './domain/model-files.ts';
import { trainFromIds, type TrainCoreOptions } from './domain/train-core.ts';

export const MAX_INPUT_BYTES = 200 * 1024 * 1024;

export interface TrainOptions extends TrainCoreOptions {
  input: string;
  out: string;
  maxVocab?: number;
  minCount?: number;
  maxLength?: number;
}

export interface TrainReport {
  out: string;
  files: string[];
  n: number;
  labels: string[];
  vocabSize: number;
  bigramBuckets: number;
  holdout: Metrics | null;
  training: Metrics;
}

export async function readInput(path: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw wrapError('INPUT_INVALID', err, `cannot read ${path}`);
  }
  if (size > MAX_INPUT_BYTES) throw new AppError('INPUT_TOO_LARGE', `${path} is ${size} bytes; the limit is ${MAX_INPUT_BYTES}`);
  return decodeText(await readFile(path));
}

export async function runTrain(options: TrainOptions): Promise<TrainReport> {
  const rows = parseLabeledCsv(await readInput(options.input)).filter((r) => r.text.trim().length > 0);
  if (rows.length === 0) throw new AppError('INPUT_INVALID', `${options.input} has no labeled rows`);
  const maxLength = options.maxLength ?? 128;
  const vocab = buildVocab(
    rows.map((r) => r.text),
    { maxSize: options.maxVocab ?? 20_000, minCount: options.minCount ?? (rows.length >= 2000 ? 2 : 1) },
  );
  // Token ids come from the real tokenizer the served folder will load, so training and serving agree.
  const tokenize = await wordTokenizer(vocab, maxLength);
  const ids: number[][] = [];
  for (let i = 0; i < rows.length; i += 512) ids.push(...tokenize(rows.slice(i, i + 512).map((r) => r.text)));
  const result = trainFromIds(rows, ids, vocab.length, options);
  const files = await writeModelFolder(options.out, {
    vocab,
    model: result.model,
    maxLength,
    meta: { trainedOn: rows.length, labels: result.labels, holdoutAccuracy: result.holdout?.accuracy ?? null },
  });
  return { out: options.out, files, n: result.n, labels: result.labels, vocabSize: vocab.length, bigramBuckets: result.model.bigramBuckets, holdout: result.holdout, training: result.training };
}

export function formatTrainReport(r: TrainReport): string {
  const lines = [
    `trained on ${r.n} examples, labels: ${r.labels.join(', ')}`,
    `vocabulary ${r.vocabSize} words, ${r.bigramBuckets} bigram buckets`,
    r.holdout ? `held-out accuracy ${r.holdout.accuracy.toFixed(3)}, macro-F1 ${r.holdout.macroF1.toFixed(3)} (n=${r.holdout.n})` : 'no hold-out estimate (fewer than 20 examples)',
    `training accuracy ${r.training.accuracy.toFixed(3)}`,
    `model written to ${r.out}`,
  ];
  return lines.join('\n');
}
