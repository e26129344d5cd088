/**
 * The pure part of `oilwire train`: labels, a deterministic hold-out split, training the
 * linear model on token ids and measuring it. Tokenization is injected so that training
 * sees exactly the ids the served model will see.
 */
import { AppError } from '../../../shared/errors.ts';
import { computeMetrics, type LabeledText, type Metrics } from './eval-core.ts';
import { emptyModel, predictLogits, trainLinear, type LinearModel, type TrainOptions } from './linear-model.ts';
import { fnv1a } from './hash.ts';

export interface TrainCoreOptions extends TrainOptions {
  bigramBuckets?: number;
  /** Share of examples held out to estimate accuracy (0 disables). */
  holdout?: number;
}

export interface TrainCoreResult {
  model: LinearModel;
  labels: string[];
  n: number;
  /** Metrics on the held-out share, from a model trained on the rest. */
  holdout: Metrics | null;
  /** Metrics of the final model on all training data. */
  training: Metrics;
}

export function labelSet(rows: LabeledText[]): string[] {
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  if (labels.length < 2) throw new AppError('INPUT_INVALID', `training needs at least two labels, got: ${labels.join(', ') || 'none'}`);
  if (labels.length > 50) throw new AppError('INPUT_INVALID', `too many labels (${labels.length}); is the label column right?`);
  return labels;
}

/** Hold-out membership by a hash of the text: stable whatever the row order. */
export function isHeldOut(text: string, share: number): boolean {
  return share > 0 && fnv1a(text) / 0xffffffff < share;
}

function evaluate(model: LinearModel, docs: { ids: number[]; label: number }[]): Metrics {
  const gold = docs.map((d) => model.labels[d.label]);
  const pred = docs.map((d) => {
    const z = predictLogits(model, d.ids);
    return model.labels[z.indexOf(Math.max(...z))];
  });
  return computeMetrics(gold, pred, model.labels);
}

export function trainFromIds(rows: LabeledText[], ids: number[][], vocabSize: number, options: TrainCoreOptions = {}): TrainCoreResult {
  if (rows.length !== ids.length) throw new AppError('INTERNAL', 'rows and token ids differ in length');
  const labels = labelSet(rows);
  const docs = rows.map((r, i) => ({ ids: ids[i], label: labels.indexOf(r.label) }));
  const buckets = options.bigramBuckets ?? 1 << 16;
  const share = options.holdout ?? 0.2;
  let holdout: Metrics | null = null;
  if (share > 0 && rows.length >= 20) {
    const test = docs.filter((_, i) => isHeldOut(rows[i].text, share));
    const train = docs.filter((_, i) => !isHeldOut(rows[i].text, share));
    if (test.length > 0 && new Set(train.map((d) => d.label)).size >= 2) {
      holdout = evaluate(trainLinear(train, emptyModel(labels, vocabSize, buckets), options), test);
    }
  }
  const model = trainLinear(docs, emptyModel(labels, vocabSize, buckets), options);
  return { model, labels, n: rows.length, holdout, training: evaluate(model, docs) };
}
