/**
 * transformers.js behind the `SentimentClassifier` port: loads a local folder in the
 * Hugging Face layout (remote loading off unless configured), tokenizes and runs the
 * model directly (the pipeline adds a TopK per text), batches by length.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { AppError, wrapError } from '../../../shared/errors.ts';
import type { SentimentClassifier, SentimentProbs } from '../ports.ts';
import { claimOnnxRuntime } from './ort-owner.ts';

export interface ClassifierOptions {
  path: string;
  dtype?: string;
  allowRemote?: boolean;
  maxLength?: number;
  batchSize?: number;
  labelMap?: Record<string, 'negative' | 'neutral' | 'positive'>;
  intraOpThreads?: number;
}

type Sentiment = 'negative' | 'neutral' | 'positive';

/** Model label names oilwire understands without a `labelMap` (FinBERT, SST-2, Twitter-RoBERTa, star ratings). */
const KNOWN_LABELS: Record<string, Sentiment> = {
  negative: 'negative',
  neg: 'negative',
  bearish: 'negative',
  neutral: 'neutral',
  neu: 'neutral',
  positive: 'positive',
  pos: 'positive',
  bullish: 'positive',
  '1 star': 'negative',
  '2 stars': 'negative',
  '3 stars': 'neutral',
  '4 stars': 'positive',
  '5 stars': 'positive',
};

export function mapLabels(id2label: Record<string, string>, labelMap: Record<string, Sentiment> = {}): Sentiment[] {
  const ids = Object.keys(id2label)
    .map(Number)
    .sort((a, b) => a - b);
  const lowerMap = Object.fromEntries(Object.entries(labelMap).map(([k, v]) => [k.toLowerCase(), v]));
  return ids.map((i) => {
    const name = String(id2label[String(i)]).toLowerCase();
    const mapped = lowerMap[name] ?? KNOWN_LABELS[name];
    if (!mapped) throw new AppError('MODEL_LOAD_FAILED', `model label "${id2label[String(i)]}" has no sentiment mapping; set transformers.labelMap`);
    return mapped;
  });
}

export function softmaxRow(row: ArrayLike<number>): number[] {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) m = Math.max(m, row[i]);
  const e = Array.from(row, (x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Folds a model's classes onto negative/neutral/positive (two-class models give neutral 0). */
export function toProbs(probs: number[], labels: Sentiment[]): SentimentProbs {
  const out: SentimentProbs = { negative: 0, neutral: 0, positive: 0 };
  probs.forEach((p, i) => (out[labels[i]] += p));
  return out;
}

interface Loaded {
  tokenizer: (texts: string[], opts: Record<string, unknown>) => Record<string, unknown>;
  model: (inputs: Record<string, unknown>) => Promise<{ logits: { dims: number[]; data: ArrayLike<number> } }>;
  labels: Sentiment[];
  name: string;
  version: string;
}

/** A stable short version for a local folder: its config, tokenizer and model size, hashed. */
export function folderVersion(dir: string, dtype = 'fp32'): string {
  const h = createHash('sha256');
  for (const f of ['config.json', 'tokenizer.json']) {
    try {
      h.update(readFileSync(join(dir, f)));
    } catch {
      h.update(f);
    }
  }
  for (const f of ['onnx/model.onnx', 'onnx/model_quantized.onnx', `onnx/model_${dtype}.onnx`]) {
    try {
      h.update(`${f}:${statSync(join(dir, f)).size}`);
    } catch {
      // optional file
    }
  }
  return h.digest('hex').slice(0, 12);
}

export class TransformersClassifier implements SentimentClassifier {
  readonly version: string;

  private constructor(
    private readonly loaded: Loaded,
    private readonly options: ClassifierOptions,
  ) {
    this.version = loaded.version;
  }

  async close(): Promise<void> {}

  private get maxChars(): number {
    return (this.options.maxLength ?? 128) * 16;
  }

  get name(): string {
    return this.loaded.name;
  }

  static async load(options: ClassifierOptions): Promise<TransformersClassifier> {
    claimOnnxRuntime('main');
    let lib: typeof import('@huggingface/transformers');
    try {
      lib = await import('@huggingface/transformers');
    } catch (err) {
      throw wrapError('MODEL_LOAD_FAILED', err, 'cannot load @huggingface/transformers');
    }
    const allowRemote = options.allowRemote ?? false;
    // A relative path would be read as a hub id; a folder on disk is always resolved to an absolute path.
    const local = existsSync(options.path);
    if (!local && !allowRemote) throw new AppError('MODEL_LOAD_FAILED', `model folder not found: ${options.path} (remote loading is off)`);
    const id = local ? resolve(options.path) : options.path;
    lib.env.allowRemoteModels = allowRemote;
    lib.env.allowLocalModels = true;
    lib.env.useFSCache = allowRemote;
    try {
      const tokenizer = await lib.AutoTokenizer.from_pretrained(id, { local_files_only: !allowRemote });
      const model = await lib.AutoModelForSequenceClassification.from_pretrained(id, {
        local_files_only: !allowRemote,
        dtype: (options.dtype ?? 'fp32') as 'fp32',
        session_options: { intraOpNumThreads: options.intraOpThreads ?? 1, interOpNumThreads: 1 },
      });
      const id2label = (model.config as unknown as { id2label?: Record<string, string> }).id2label;
      if (!id2label || Object.keys(id2label).length < 2) throw new AppError('MODEL_LOAD_FAILED', 'model config has no id2label with at least two classes');
      const labels = mapLabels(id2label, options.labelMap);
      return new TransformersClassifier(
        {
          tokenizer: tokenizer as unknown as Loaded['tokenizer'],
          model: model as unknown as Loaded['model'],
          labels,
          name: local ? (id.split(/[\\/]/).filter(Boolean).pop() ?? id) : id,
          version: local ? folderVersion(id, options.dtype) : 'remote',
        },
        options,
      );
    } catch (err) {
      throw wrapError('MODEL_LOAD_FAILED', err, `cannot load model from ${options.path}`);
    }
  }

  /** Token ids only, for the tokenizer-alone baseline and for training. */
  tokenize(texts: string[]): number[][] {
    const enc = this.loaded.tokenizer(texts.map((t) => (t || ' ').slice(0, this.maxChars)), { padding: false, truncation: true, max_length: this.options.maxLength ?? 128, return_tensor: false }) as { input_ids: (number | bigint)[][] };
    return enc.input_ids.map((row) => row.map(Number));
  }

  /** Probabilities per text, same order; texts are grouped by length so padding stays small. */
  async classify(texts: string[]): Promise<SentimentProbs[]> {
    const out = new Array<SentimentProbs>(texts.length);
    const order = texts.map((t, i) => [t.length, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const batch = this.options.batchSize ?? 32;
    for (let start = 0; start < order.length; start += batch) {
      const idx = order.slice(start, start + batch).map(([, i]) => i);
      // Truncation happens after tokenizing, so a huge text is cut first: the model never sees past maxLength tokens anyway.
      const chunk = idx.map((i) => (texts[i] || ' ').slice(0, this.maxChars));
      const inputs = this.loaded.tokenizer(chunk, { padding: true, truncation: true, max_length: this.options.maxLength ?? 128 });
      const { logits } = await this.loaded.model(inputs);
      const L = logits.dims[1];
      idx.forEach((i, row) => {
        const slice = Array.from({ length: L }, (_, l) => Number(logits.data[row * L + l]));
        out[i] = toProbs(softmaxRow(slice), this.loaded.labels);
      });
    }
    return out;
  }
}
