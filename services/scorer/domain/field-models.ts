/**
 * The learned component for `oilwire train --format gold`: one linear model (words and
 * hashed bigrams, linear-model.ts) per field of the taxonomy, trained on the labelled
 * corpus, and the rule that blends each with the domain model's answer:
 * p = w·p_model + (1 - w)·onehot(rules), label = argmax p (topics: p(yes) >= 0.5;
 * relevance: w·E[band midpoint] + (1 - w)·rules). A price report keeps its stated
 * direction. Pure: files are read and written by the caller.
 */
import { TOPIC_NAMES, type TopicName } from '../../../shared/contracts/events.ts';
import { AppError } from '../../../shared/errors.ts';
import type { GoldRow, Prediction } from './gold-metrics.ts';
import { OIL_LABELS } from './gold-metrics.ts';
import { SENTIMENT_LABELS } from './eval-core.ts';
import { emptyModel, predictLogits, softmax, trainLinear, type LinearModel, type TrainOptions } from './linear-model.ts';
import { tokenize } from './text.ts';

export const FIELD_MODEL_FORMAT = 'oilwire-field-models/v1';
const BUCKETS = 4096;
const RELEVANCE_BANDS = [
  { label: 'direct', min: 90, mid: 94 },
  { label: 'channel', min: 60, mid: 74 },
  { label: 'adjacent', min: 30, mid: 44 },
  { label: 'unrelated', min: 0, mid: 10 },
] as const;

export interface FieldModels {
  format: typeof FIELD_MODEL_FORMAT;
  vocab: string[];
  direction?: LinearModel;
  sentiment?: LinearModel;
  relevance?: LinearModel;
  topics?: Partial<Record<TopicName, LinearModel>>;
}

const words = (text: string): string[] => tokenize(text).low.filter((w) => /[a-z0-9$%]/.test(w));

function idsOf(vocab: Map<string, number>, text: string): number[] {
  return words(text).map((w) => vocab.get(w) ?? 0);
}

export function trainFieldModels(rows: GoldRow[], options: TrainOptions = {}): FieldModels {
  if (rows.length < 20) throw new AppError('INPUT_INVALID', `training needs at least 20 labelled rows, got ${rows.length}`);
  const vocab = new Map<string, number>([['<unk>', 0]]);
  for (const r of rows) for (const w of words(r.headline)) if (!vocab.has(w)) vocab.set(w, vocab.size);
  const opts = { epochs: 12, balanced: true, ...options };
  const fit = (labels: readonly string[], label: (r: GoldRow) => string | undefined): LinearModel | undefined => {
    const docs = rows.flatMap((r) => {
      const l = label(r);
      return l === undefined ? [] : [{ ids: idsOf(vocab, r.headline), label: labels.indexOf(l) }];
    });
    if (docs.length < 20 || new Set(docs.map((d) => d.label)).size < 2) return undefined;
    return trainLinear(docs, emptyModel([...labels], vocab.size, BUCKETS), opts);
  };
  const topics: Partial<Record<TopicName, LinearModel>> = {};
  for (const t of TOPIC_NAMES) {
    const m = fit(['no', 'yes'], (r) => (r.topics === undefined ? undefined : r.topics.includes(t) ? 'yes' : 'no'));
    if (m) topics[t] = m;
  }
  return {
    format: FIELD_MODEL_FORMAT,
    vocab: [...vocab.keys()],
    direction: fit(OIL_LABELS, (r) => r.oil_direction),
    sentiment: fit(SENTIMENT_LABELS, (r) => r.sentiment),
    relevance: fit(
      RELEVANCE_BANDS.map((b) => b.label),
      (r) => (r.relevance === undefined ? undefined : RELEVANCE_BANDS.find((b) => r.relevance! >= b.min)!.label),
    ),
    topics,
  };
}

const r5 = (x: number) => Math.round(x * 1e5) / 1e5;
const pack = (m: LinearModel | undefined) => m && { labels: m.labels, vocabSize: m.vocabSize, bigramBuckets: m.bigramBuckets, unigram: Array.from(m.unigram, r5), bigram: Array.from(m.bigram, r5), bias: Array.from(m.bias, r5) };

export function serializeFieldModels(m: FieldModels): string {
  const topics = Object.fromEntries(Object.entries(m.topics ?? {}).map(([t, x]) => [t, pack(x)]));
  return JSON.stringify({ format: m.format, vocab: m.vocab, direction: pack(m.direction), sentiment: pack(m.sentiment), relevance: pack(m.relevance), topics });
}

type Packed = { labels: string[]; vocabSize: number; bigramBuckets: number; unigram: number[]; bigram: number[]; bias: number[] };

export function parseFieldModels(text: string): FieldModels {
  let raw: { format?: string; vocab?: string[]; direction?: Packed; sentiment?: Packed; relevance?: Packed; topics?: Record<string, Packed> };
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch {
    throw new AppError('INPUT_INVALID', 'field models file is not JSON');
  }
  if (raw.format !== FIELD_MODEL_FORMAT || !Array.isArray(raw.vocab)) throw new AppError('INPUT_INVALID', `not an ${FIELD_MODEL_FORMAT} file`);
  const unpack = (p: Packed | undefined): LinearModel | undefined =>
    p && { labels: p.labels, vocabSize: p.vocabSize, bigramBuckets: p.bigramBuckets, unigram: Float32Array.from(p.unigram), bigram: Float32Array.from(p.bigram), bias: Float32Array.from(p.bias) };
  const topics: Partial<Record<TopicName, LinearModel>> = {};
  for (const [t, p] of Object.entries(raw.topics ?? {})) if ((TOPIC_NAMES as readonly string[]).includes(t)) topics[t as TopicName] = unpack(p);
  return { format: FIELD_MODEL_FORMAT, vocab: raw.vocab, direction: unpack(raw.direction), sentiment: unpack(raw.sentiment), relevance: unpack(raw.relevance), topics };
}

export type LearnedField = 'topics' | 'oil_direction' | 'relevance' | 'sentiment';
export const LEARNED_FIELDS: readonly LearnedField[] = ['topics', 'oil_direction', 'relevance', 'sentiment'];

/** A predictor bound to one set of models (the vocabulary index is built once); fields outside `fields` stay the rules' answer. */
export function fieldPredictor(models: FieldModels, weight: number, fields: readonly LearnedField[] = LEARNED_FIELDS): (headline: string, rules: Prediction) => Prediction {
  const w0 = Math.max(0, Math.min(1, weight));
  const on = (f: LearnedField) => (fields.includes(f) ? w0 : 0);
  const vocab = new Map(models.vocab.map((v, i) => [v, i]));
  const blend = (m: LinearModel | undefined, ids: number[], rule: string, w: number): string => {
    if (!m || w === 0) return rule;
    const p = softmax(predictLogits(m, ids));
    const q = m.labels.map((l, i) => w * p[i] + (1 - w) * (l === rule ? 1 : 0));
    return m.labels[q.indexOf(Math.max(...q))];
  };
  return (headline, rules) => {
    const ids = idsOf(vocab, headline);
    let w = on('topics');
    const topics = TOPIC_NAMES.filter((t) => {
      const m = models.topics?.[t];
      const rule = rules.topics.includes(t) ? 1 : 0;
      if (!m || w === 0) return rule === 1;
      return w * softmax(predictLogits(m, ids))[1] + (1 - w) * rule >= 0.5;
    });
    let relevance = rules.relevance;
    w = on('relevance');
    if (models.relevance && w > 0) {
      const p = softmax(predictLogits(models.relevance, ids));
      const expected = models.relevance.labels.reduce((s, l, i) => s + p[i] * (RELEVANCE_BANDS.find((b) => b.label === l)?.mid ?? 0), 0);
      relevance = Math.round(w * expected + (1 - w) * rules.relevance);
    }
    return {
      topics,
      oil_direction: rules.price_report ? rules.oil_direction : blend(models.direction, ids, rules.oil_direction, on('oil_direction')),
      price_report: rules.price_report,
      relevance,
      sentiment: blend(models.sentiment, ids, rules.sentiment, on('sentiment')),
    };
  };
}
