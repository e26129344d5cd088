/**
 * A compact linear text classifier over token ids: unigram weights plus hashed bigram
 * weights, averaged over the tokens of a text, plus a bias. It is trained here and
 * exported as an ONNX graph that the Hugging Face pipeline runs like any sequence
 * classifier (inputs `input_ids`, `attention_mask`; output `logits`).
 */
import { AppError } from '../../../shared/errors.ts';
import { encodeModel, type Graph } from './onnx-proto.ts';
import { seededRandom } from '../../../shared/runtime/seeded-random.ts';

/** Multiplier of the bigram hash; the graph computes `(a * P + b) mod buckets` in int64. */
export const BIGRAM_PRIME = 1_000_003;

export interface LinearModel {
  labels: string[];
  vocabSize: number;
  bigramBuckets: number;
  /** [vocabSize, labels] row-major. */
  unigram: Float32Array;
  /** [bigramBuckets, labels] row-major. */
  bigram: Float32Array;
  bias: Float32Array;
}

export function bigramBucket(a: number, b: number, buckets: number): number {
  return (a * BIGRAM_PRIME + b) % buckets;
}

export function emptyModel(labels: string[], vocabSize: number, bigramBuckets: number): LinearModel {
  const L = labels.length;
  return { labels, vocabSize, bigramBuckets, unigram: new Float32Array(vocabSize * L), bigram: new Float32Array(bigramBuckets * L), bias: new Float32Array(L) };
}

/** Logits for one tokenized text (no padding), exactly as the ONNX graph computes them. */
export function predictLogits(model: LinearModel, ids: ArrayLike<number>): number[] {
  const L = model.labels.length;
  const out = new Array<number>(L).fill(0);
  const n = ids.length;
  if (n === 0) return Array.from(model.bias);
  for (let t = 0; t < n; t++) {
    const row = ids[t] * L;
    for (let l = 0; l < L; l++) out[l] += model.unigram[row + l];
  }
  for (let t = 0; t + 1 < n; t++) {
    const row = bigramBucket(ids[t], ids[t + 1], model.bigramBuckets) * L;
    for (let l = 0; l < L; l++) out[l] += model.bigram[row + l];
  }
  for (let l = 0; l < L; l++) out[l] = out[l] / n + model.bias[l];
  return out;
}

export function softmax(logits: number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Weight classes by inverse frequency (helps macro-F1 on skewed labels). */
  balanced?: boolean;
  seed?: number;
}

/**
 * Multinomial logistic regression by Adagrad over sparse features (unigram ids and bigram
 * buckets, each scaled by 1/length). Deterministic for the same data and seed.
 */
export function trainLinear(docs: { ids: ArrayLike<number>; label: number }[], model: LinearModel, options: TrainOptions = {}): LinearModel {
  const epochs = options.epochs ?? 10;
  const lr = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-5;
  const L = model.labels.length;
  if (docs.length === 0) throw new AppError('INPUT_INVALID', 'no training examples');
  for (const d of docs) {
    if (d.label < 0 || d.label >= L) throw new AppError('INPUT_INVALID', `label index ${d.label} out of range`);
    for (let i = 0; i < d.ids.length; i++) if (d.ids[i] < 0 || d.ids[i] >= model.vocabSize) throw new AppError('INPUT_INVALID', `token id ${d.ids[i]} outside the vocabulary`);
  }
  const counts = new Array<number>(L).fill(0);
  for (const d of docs) counts[d.label]++;
  const classWeight = counts.map((c) => (options.balanced === false || c === 0 ? 1 : docs.length / (L * c)));
  // Sparse features per document: [column, value], unigram columns first, then bigram buckets.
  const feats = docs.map((d) => {
    const n = Math.max(1, d.ids.length);
    const m = new Map<number, number>();
    for (let t = 0; t < d.ids.length; t++) m.set(d.ids[t], (m.get(d.ids[t]) ?? 0) + 1 / n);
    for (let t = 0; t + 1 < d.ids.length; t++) {
      const col = model.vocabSize + bigramBucket(d.ids[t], d.ids[t + 1], model.bigramBuckets);
      m.set(col, (m.get(col) ?? 0) + 1 / n);
    }
    return [...m.entries()];
  });
  const cols = model.vocabSize + model.bigramBuckets;
  const W = new Float32Array(cols * L);
  const G = new Float32Array(cols * L).fill(1e-8);
  const b = new Float32Array(L);
  const gb = new Float32Array(L).fill(1e-8);
  const order = docs.map((_, i) => i);
  const rand = seededRandom(options.seed ?? 42);
  const z = new Array<number>(L);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const idx of order) {
      const f = feats[idx];
      for (let l = 0; l < L; l++) z[l] = b[l];
      for (const [c, v] of f) for (let l = 0; l < L; l++) z[l] += W[c * L + l] * v;
      const p = softmax(z);
      const cw = classWeight[docs[idx].label];
      for (let l = 0; l < L; l++) {
        const g = (p[l] - (l === docs[idx].label ? 1 : 0)) * cw;
        gb[l] += g * g;
        b[l] -= (lr * g) / Math.sqrt(gb[l]);
        for (const [c, v] of f) {
          const k = c * L + l;
          const gw = g * v + l2 * W[k];
          G[k] += gw * gw;
          W[k] -= (lr * gw) / Math.sqrt(G[k]);
        }
      }
    }
  }
  return {
    ...model,
    unigram: W.slice(0, model.vocabSize * L),
    bigram: W.slice(model.vocabSize * L),
    bias: b,
  };
}

const I64_MAX = 9223372036854775807n;

/** The ONNX graph: Gather rows, mask, sum over tokens, divide by the token count, add bias. */
export function toOnnxGraph(model: LinearModel): Graph {
  const L = model.labels.length;
  const i64 = (name: string, values: bigint[]) => ({ name, dims: [values.length], type: 'int64' as const, data: values });
  return {
    name: 'oilwire_linear_bow',
    inputs: [
      { name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', type: 'int64', shape: ['batch_size', 'sequence_length'] },
    ],
    outputs: [{ name: 'logits', type: 'float', shape: ['batch_size', L] }],
    initializers: [
      { name: 'W_uni', dims: [model.vocabSize, L], type: 'float', data: model.unigram },
      { name: 'W_bi', dims: [model.bigramBuckets, L], type: 'float', data: model.bigram },
      { name: 'bias', dims: [L], type: 'float', data: model.bias },
      { name: 'one', dims: [], type: 'float', data: new Float32Array([1]) },
      { name: 'prime', dims: [], type: 'int64', data: [BigInt(BIGRAM_PRIME)] },
      { name: 'buckets', dims: [], type: 'int64', data: [BigInt(model.bigramBuckets)] },
      i64('axis1', [1n]),
      i64('axis2', [2n]),
      i64('start0', [0n]),
      i64('start1', [1n]),
      i64('end_last', [-1n]),
      i64('end_max', [I64_MAX]),
    ],
    nodes: [
      { op: 'Gather', inputs: ['W_uni', 'input_ids'], outputs: ['uni'], attributes: [{ name: 'axis', i: 0 }] },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask'], attributes: [{ name: 'to', i: 1 }] },
      { op: 'Unsqueeze', inputs: ['mask', 'axis2'], outputs: ['mask3'] },
      { op: 'Mul', inputs: ['uni', 'mask3'], outputs: ['uni_masked'] },
      { op: 'ReduceSum', inputs: ['uni_masked', 'axis1'], outputs: ['uni_sum'], attributes: [{ name: 'keepdims', i: 0 }] },
      { op: 'Slice', inputs: ['input_ids', 'start0', 'end_last', 'axis1'], outputs: ['ids_a'] },
      { op: 'Slice', inputs: ['input_ids', 'start1', 'end_max', 'axis1'], outputs: ['ids_b'] },
      { op: 'Mul', inputs: ['ids_a', 'prime'], outputs: ['ids_a_p'] },
      { op: 'Add', inputs: ['ids_a_p', 'ids_b'], outputs: ['pair'] },
      { op: 'Mod', inputs: ['pair', 'buckets'], outputs: ['bucket'], attributes: [{ name: 'fmod', i: 0 }] },
      { op: 'Gather', inputs: ['W_bi', 'bucket'], outputs: ['bi'], attributes: [{ name: 'axis', i: 0 }] },
      { op: 'Slice', inputs: ['mask', 'start0', 'end_last', 'axis1'], outputs: ['mask_a'] },
      { op: 'Slice', inputs: ['mask', 'start1', 'end_max', 'axis1'], outputs: ['mask_b'] },
      { op: 'Mul', inputs: ['mask_a', 'mask_b'], outputs: ['mask_bi'] },
      { op: 'Unsqueeze', inputs: ['mask_bi', 'axis2'], outputs: ['mask_bi3'] },
      { op: 'Mul', inputs: ['bi', 'mask_bi3'], outputs: ['bi_masked'] },
      { op: 'ReduceSum', inputs: ['bi_masked', 'axis1'], outputs: ['bi_sum'], attributes: [{ name: 'keepdims', i: 0 }] },
      { op: 'Add', inputs: ['uni_sum', 'bi_sum'], outputs: ['total'] },
      { op: 'ReduceSum', inputs: ['mask', 'axis1'], outputs: ['count'], attributes: [{ name: 'keepdims', i: 1 }] },
      { op: 'Max', inputs: ['count', 'one'], outputs: ['count1'] },
      { op: 'Div', inputs: ['total', 'count1'], outputs: ['mean'] },
      { op: 'Add', inputs: ['mean', 'bias'], outputs: ['logits'] },
    ],
  };
}

export function toOnnxBytes(model: LinearModel, version = '1'): Uint8Array {
  return encodeModel(toOnnxGraph(model), { producer: 'oilwire', version, docString: 'linear bag-of-words classifier (unigrams + hashed bigrams)' });
}
