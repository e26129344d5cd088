import { describe, expect, it } from 'vitest';
import { bigramBucket, emptyModel, predictLogits, softmax, toOnnxBytes, toOnnxGraph, trainLinear, type TrainOptions } from '../../../../../services/scorer/domain/linear-model.ts';
import { buildVocab, pretokenize, tokenizerJson } from '../../../../../services/scorer/domain/model-files.ts';
import { trainFromIds } from '../../../../../services/scorer/domain/train-core.ts';
import { seededRandom } from '../../../../../shared/runtime/seeded-random.ts';

describe('linear model', () => {
  it('learns a separable toy problem, deterministically', () => {
    const docs = [
      { ids: [2, 5, 3], label: 0 },
      { ids: [2, 5, 5, 3], label: 0 },
      { ids: [2, 6, 3], label: 1 },
      { ids: [2, 6, 6, 3], label: 1 },
    ];
    const train = () => trainLinear(docs, emptyModel(['a', 'b'], 8, 16), { epochs: 20 });
    const m = train();
    expect(softmax(predictLogits(m, [2, 5, 3]))[0]).toBeGreaterThan(0.8);
    expect(softmax(predictLogits(m, [2, 6, 3]))[1]).toBeGreaterThan(0.8);
    expect(Buffer.from(toOnnxBytes(train())).equals(Buffer.from(toOnnxBytes(m)))).toBe(true);
  });
  it('rejects ids outside the vocabulary and bad labels', () => {
    expect(() => trainLinear([{ ids: [9], label: 0 }], emptyModel(['a', 'b'], 4, 4))).toThrow(/vocabulary/);
    expect(() => trainLinear([{ ids: [1], label: 3 }], emptyModel(['a', 'b'], 4, 4))).toThrow(/label/);
  });
  it('hashes bigrams the way the graph does', () => {
    expect(bigramBucket(2, 5, 16)).toBe((2 * 1_000_003 + 5) % 16);
  });
  it('writes an ONNX ModelProto (IR 7, opset 13) with the expected names', () => {
    const bytes = Buffer.from(toOnnxBytes(emptyModel(['negative', 'neutral', 'positive'], 10, 8)));
    expect(bytes[0]).toBe(0x08);
    expect(bytes[1]).toBe(7);
    for (const name of ['input_ids', 'attention_mask', 'logits', 'Gather', 'ReduceSum', 'Mod']) expect(bytes.includes(Buffer.from(name))).toBe(true);
  });
  it('builds a vocabulary with specials first and stable order', () => {
    const v = buildVocab(['Oil rises, oil falls', 'Café crème'], { maxSize: 100 });
    expect(v.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(v[5]).toBe('oil');
    expect(v).toContain('cafe');
    expect(pretokenize("Iran's exports")).toEqual(['iran', "'", 's', 'exports']);
    expect((tokenizerJson(v).model as { vocab: Record<string, number> }).vocab.oil).toBe(5);
  });
  it('estimates accuracy on a hash-based hold-out', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ text: `t${i}`, label: i % 2 ? 'pos' : 'neg' }));
    const ids = rows.map((_, i) => [2, i % 2 ? 5 : 6, 3]);
    const r = trainFromIds(rows, ids, 8, { bigramBuckets: 16 });
    expect(r.labels).toEqual(['neg', 'pos']);
    expect(r.holdout?.accuracy).toBe(1);
    expect(r.training.accuracy).toBe(1);
    expect(() => trainFromIds([{ text: 'a', label: 'x' }], [[2]], 8)).toThrow(/two labels/);
  });
});

// A small evaluator of the ONNX operators the graph uses (numpy broadcasting, one axis per Slice), so the
// graph's arithmetic is checked against predictLogits here, not only by the runtime in the integration tests.
type Nd = { shape: number[]; data: number[] };
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const strides = (s: number[]) => s.map((_, i) => size(s.slice(i + 1)));
function broadcast(a: Nd, b: Nd, f: (x: number, y: number) => number): Nd {
  const n = Math.max(a.shape.length, b.shape.length);
  const pad = (s: number[]) => [...new Array<number>(n - s.length).fill(1), ...s];
  const [sa, sb] = [pad(a.shape), pad(b.shape)];
  const shape = sa.map((d, i) => {
    if (d !== sb[i] && d !== 1 && sb[i] !== 1) throw new Error(`shapes ${a.shape} and ${b.shape} do not broadcast`);
    return Math.max(d, sb[i]);
  });
  const [ta, tb, to] = [strides(sa), strides(sb), strides(shape)];
  const data = Array.from({ length: size(shape) }, (_, k) => {
    let ia = 0;
    let ib = 0;
    shape.forEach((_, d) => {
      const x = Math.floor(k / to[d]) % shape[d];
      ia += (sa[d] === 1 ? 0 : x) * ta[d];
      ib += (sb[d] === 1 ? 0 : x) * tb[d];
    });
    return f(a.data[ia], b.data[ib]);
  });
  return { shape, data };
}
function runGraph(g: ReturnType<typeof toOnnxGraph>, feeds: Record<string, Nd>): Record<string, Nd> {
  const v: Record<string, Nd> = { ...feeds };
  for (const t of g.initializers) v[t.name] = { shape: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, Number) };
  const attr = (n: (typeof g.nodes)[number], name: string) => (n.attributes?.find((a) => a.name === name) as { i: number } | undefined)?.i;
  for (const n of g.nodes) {
    const x = n.inputs.map((name) => {
      if (!v[name]) throw new Error(`${n.op}: no value ${name}`);
      return v[name];
    });
    let out: Nd;
    if (n.op === 'Gather') {
      if (attr(n, 'axis') !== 0) throw new Error('Gather on axis 0 only');
      const row = size(x[0].shape.slice(1));
      out = { shape: [...x[1].shape, ...x[0].shape.slice(1)], data: x[1].data.flatMap((i) => x[0].data.slice(i * row, i * row + row)) };
    } else if (n.op === 'Cast') {
      if (attr(n, 'to') !== 1) throw new Error('Cast to float only');
      out = x[0];
    } else if (n.op === 'Unsqueeze') {
      const s = [...x[0].shape];
      s.splice(x[1].data[0], 0, 1);
      out = { shape: s, data: x[0].data };
    } else if (n.op === 'ReduceSum') {
      const axis = x[1].data[0];
      const s = x[0].shape;
      const outer = size(s.slice(0, axis));
      const inner = size(s.slice(axis + 1));
      const data = new Array<number>(outer * inner).fill(0);
      for (let o = 0; o < outer; o++) for (let a = 0; a < s[axis]; a++) for (let i = 0; i < inner; i++) data[o * inner + i] += x[0].data[(o * s[axis] + a) * inner + i];
      const keep = attr(n, 'keepdims') ?? 1;
      out = { shape: keep ? s.map((d, i) => (i === axis ? 1 : d)) : s.filter((_, i) => i !== axis), data };
    } else if (n.op === 'Slice') {
      const [start, endRaw, axis] = [x[1].data[0], x[2].data[0], x[3].data[0]];
      const s = x[0].shape;
      const end = Math.min(s[axis], endRaw < 0 ? s[axis] + endRaw : endRaw);
      const outer = size(s.slice(0, axis));
      const inner = size(s.slice(axis + 1));
      const data: number[] = [];
      for (let o = 0; o < outer; o++) for (let a = start; a < end; a++) for (let i = 0; i < inner; i++) data.push(x[0].data[(o * s[axis] + a) * inner + i]);
      out = { shape: s.map((d, i) => (i === axis ? Math.max(0, end - start) : d)), data };
    } else if (n.op === 'Mod') {
      if (attr(n, 'fmod') !== 0) throw new Error('integer Mod only');
      out = broadcast(x[0], x[1], (a, b) => ((a % b) + b) % b);
    } else {
      const f = { Mul: (a: number, b: number) => a * b, Add: (a: number, b: number) => a + b, Div: (a: number, b: number) => a / b, Max: Math.max }[n.op];
      if (!f) throw new Error(`no operator ${n.op}`);
      out = broadcast(x[0], x[1], f);
    }
    v[n.outputs[0]] = out;
  }
  return Object.fromEntries(g.outputs.map((o) => [o.name, v[o.name]]));
}

describe('linear model: the ONNX graph computes what predictLogits computes', () => {
  const model = (() => {
    const m = emptyModel(['negative', 'neutral', 'positive'], 7, 5);
    let s = 1;
    const next = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const a of [m.unigram, m.bigram, m.bias]) for (let i = 0; i < a.length; i++) a[i] = next();
    return m;
  })();

  it('declares its inputs, output and initializers', () => {
    const g = toOnnxGraph(model);
    expect(g.name).toBe('oilwire_linear_bow');
    expect(g.inputs).toEqual([
      { name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', type: 'int64', shape: ['batch_size', 'sequence_length'] },
    ]);
    expect(g.outputs).toEqual([{ name: 'logits', type: 'float', shape: ['batch_size', 3] }]);
    expect(g.initializers.map((t) => [t.name, t.type, t.dims])).toEqual([
      ['W_uni', 'float', [7, 3]],
      ['W_bi', 'float', [5, 3]],
      ['bias', 'float', [3]],
      ['one', 'float', []],
      ['prime', 'int64', []],
      ['buckets', 'int64', []],
      ['axis1', 'int64', [1]],
      ['axis2', 'int64', [1]],
      ['start0', 'int64', [1]],
      ['start1', 'int64', [1]],
      ['end_last', 'int64', [1]],
      ['end_max', 'int64', [1]],
    ]);
    expect(g.initializers.find((t) => t.name === 'end_max')?.data).toEqual([9223372036854775807n]);
    expect(g.initializers.find((t) => t.name === 'prime')?.data).toEqual([1_000_003n]);
  });

  it('gives predictLogits\' logits for a batch, padding masked out, an all-padding row its bias', () => {
    const texts = [[1, 4, 2, 6, 3], [5, 5], [0], []];
    const len = 5;
    const ids = texts.flatMap((t) => [...t, ...new Array<number>(len - t.length).fill(0)]);
    const mask = texts.flatMap((t) => [...new Array<number>(t.length).fill(1), ...new Array<number>(len - t.length).fill(0)]);
    const { logits } = runGraph(toOnnxGraph(model), { input_ids: { shape: [4, len], data: ids }, attention_mask: { shape: [4, len], data: mask } });
    expect(logits.shape).toEqual([4, 3]);
    texts.forEach((t, r) => {
      const want = predictLogits(model, t);
      want.forEach((x, l) => expect(logits.data[r * 3 + l], `row ${r} label ${l}`).toBeCloseTo(x, 5));
    });
  });

  it('writes the graph with oilwire as producer and the version given', () => {
    const bytes = Buffer.from(toOnnxBytes(model, '7.5'));
    expect(bytes.includes(Buffer.from('oilwire'))).toBe(true);
    expect(bytes.includes(Buffer.from('7.5'))).toBe(true);
    expect(bytes.includes(Buffer.from('linear bag-of-words classifier (unigrams + hashed bigrams)'))).toBe(true);
    expect(Buffer.from(toOnnxBytes(model)).includes(Buffer.from('7.5'))).toBe(false);
  });
});

// What trainLinear is, written out once more from its definition (multinomial logistic regression, Adagrad per
// weight with accumulators starting at 1e-8, features per document: each token id and each hashed bigram bucket
// worth 1/length, L2 on the weights a document touches, class weights N / (labels * count) unless balanced is
// false, the documents shuffled each epoch by Fisher-Yates from seededRandom), so its arithmetic is pinned, not only
// its ability to separate a toy problem.
function referenceTrain(
  docs: { ids: number[]; label: number }[],
  labels: number,
  vocab: number,
  buckets: number,
  o: { epochs: number; lr: number; l2: number; balanced: boolean; seed: number },
) {
  const cols = vocab + buckets;
  const W = Array.from({ length: cols }, () => new Array<number>(labels).fill(0));
  const G = Array.from({ length: cols }, () => new Array<number>(labels).fill(1e-8));
  const b = new Array<number>(labels).fill(0);
  const gb = new Array<number>(labels).fill(1e-8);
  const count = (l: number) => docs.filter((d) => d.label === l).length;
  const weight = (l: number) => (o.balanced ? docs.length / (labels * count(l)) : 1);
  const features = (ids: number[]) => {
    const f = new Map<number, number>();
    const add = (c: number) => f.set(c, (f.get(c) ?? 0) + 1 / ids.length);
    ids.forEach((id) => add(id));
    for (let t = 1; t < ids.length; t++) add(vocab + ((ids[t - 1] * 1_000_003 + ids[t]) % buckets));
    return f;
  };
  const order = docs.map((_, i) => i);
  const rand = seededRandom(o.seed);
  for (let e = 0; e < o.epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const k of order) {
      const f = features(docs[k].ids);
      const z = b.map((bl, l) => bl + [...f].reduce((s, [c, v]) => s + W[c][l] * v, 0));
      const ez = z.map((x) => Math.exp(x - Math.max(...z)));
      const p = ez.map((x) => x / ez.reduce((s, y) => s + y, 0));
      for (let l = 0; l < labels; l++) {
        const g = (p[l] - (l === docs[k].label ? 1 : 0)) * weight(docs[k].label);
        gb[l] += g * g;
        b[l] -= (o.lr * g) / Math.sqrt(gb[l]);
        for (const [c, v] of f) {
          const gw = g * v + o.l2 * W[c][l];
          G[c][l] += gw * gw;
          W[c][l] -= (o.lr * gw) / Math.sqrt(G[c][l]);
        }
      }
    }
  }
  return { unigram: W.slice(0, vocab).flat(), bigram: W.slice(vocab).flat(), bias: b };
}

describe('linear model: training, exactly', () => {
  // Three labels, skewed (3, 2, 1), repeated ids, a one-token text, bigrams that share a bucket.
  const docs = [
    { ids: [1, 2, 2, 3], label: 0 },
    { ids: [1, 4], label: 0 },
    { ids: [5], label: 0 },
    { ids: [2, 6, 3], label: 1 },
    { ids: [6, 6], label: 1 },
    { ids: [4, 3, 1, 5, 2], label: 2 },
  ];
  const close = (got: ArrayLike<number>, want: number[]) => {
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(got[i], `index ${i}`).toBeCloseTo(w, 5));
  };
  const check = (options: TrainOptions, o: { epochs: number; lr: number; l2: number; balanced: boolean; seed: number }) => {
    const m = trainLinear(docs, emptyModel(['a', 'b', 'c'], 7, 5), options);
    const want = referenceTrain(docs, 3, 7, 5, o);
    expect(m.labels).toEqual(['a', 'b', 'c']);
    expect([m.vocabSize, m.bigramBuckets]).toEqual([7, 5]);
    close(m.unigram, want.unigram);
    close(m.bigram, want.bigram);
    close(m.bias, want.bias);
  };

  it('takes 10 epochs, rate 0.5, L2 1e-5, balanced classes and seed 42 by default', () => {
    check({}, { epochs: 10, lr: 0.5, l2: 1e-5, balanced: true, seed: 42 });
  });
  it('takes the options given', () => {
    check({ epochs: 3, learningRate: 0.2, l2: 0.05, balanced: false, seed: 9 }, { epochs: 3, lr: 0.2, l2: 0.05, balanced: false, seed: 9 });
    check({ epochs: 4, balanced: true, seed: 3 }, { epochs: 4, lr: 0.5, l2: 1e-5, balanced: true, seed: 3 });
  });
  it('one step by hand: one text of one token, weights 0.5 and -0.5 on it and the bias', () => {
    // p = (0.5, 0.5); class weight 1 / (2 * 1) = 0.5; g = (-0.25, 0.25); Adagrad's first step is lr * g / |g| = 0.5.
    const m = trainLinear([{ ids: [1], label: 0 }], emptyModel(['a', 'b'], 2, 1), { epochs: 1, l2: 0 });
    close(m.unigram, [0, 0, 0.5, -0.5]);
    close(m.bigram, [0, 0]);
    close(m.bias, [0.5, -0.5]);
  });
  it('refuses no examples, and labels and ids outside their ranges, at both ends', () => {
    const m = emptyModel(['a', 'b'], 4, 4);
    expect(() => trainLinear([], m)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', message: 'no training examples' }));
    expect(() => trainLinear([{ ids: [1], label: 2 }], m)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', message: 'label index 2 out of range' }));
    expect(() => trainLinear([{ ids: [1], label: -1 }], m)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', message: 'label index -1 out of range' }));
    expect(() => trainLinear([{ ids: [1, 4], label: 0 }], m)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', message: 'token id 4 outside the vocabulary' }));
    expect(() => trainLinear([{ ids: [-1, 2], label: 0 }], m)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID', message: 'token id -1 outside the vocabulary' }));
    // The last label and the last id are inside; a later document is checked too.
    expect(() => trainLinear([{ ids: [0, 3], label: 1 }, { ids: [3], label: 0 }], m, { epochs: 1 })).not.toThrow();
    expect(() => trainLinear([{ ids: [0], label: 1 }, { ids: [2, 5], label: 0 }], m)).toThrow(/token id 5/);
  });
});

describe('linear model: logits and softmax by hand', () => {
  const m = emptyModel(['a', 'b'], 3, 2);
  m.unigram.set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  m.bigram.set([1, 2, 3, 4]);
  m.bias.set([-1, 1]);
  it('averages the token rows and bigram rows over the tokens and adds the bias', () => {
    // ids 2, 1, 2: unigram rows (0.5, 0.6) + (0.3, 0.4) + (0.5, 0.6) = (1.3, 1.6); bigram (2, 1) -> 2000007 mod 2 = 1,
    // (1, 2) -> 1000005 mod 2 = 1: rows (3, 4) twice = (6, 8); (7.3, 9.6) / 3 + (-1, 1).
    const z = predictLogits(m, [2, 1, 2]);
    expect(z[0]).toBeCloseTo(7.3 / 3 - 1, 5);
    expect(z[1]).toBeCloseTo(9.6 / 3 + 1, 5);
    // One token: no bigram. (0.1, 0.2) + bias.
    const one = predictLogits(m, [0]);
    expect(one[0]).toBeCloseTo(-0.9, 6);
    expect(one[1]).toBeCloseTo(1.2, 6);
    expect(predictLogits(m, [])).toEqual([-1, 1]);
  });
  it('softmax: exact shares, and no overflow for large logits', () => {
    const p = softmax([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
    expect(softmax([1000, 0])).toEqual([1, 0]);
    expect(softmax([-1000, -1000])).toEqual([0.5, 0.5]);
  });
  it('an empty model has zero weights of the right sizes', () => {
    const e = emptyModel(['x', 'y', 'z'], 4, 2);
    expect([...e.unigram]).toEqual(new Array<number>(12).fill(0));
    expect([...e.bigram]).toEqual(new Array<number>(6).fill(0));
    expect([...e.bias]).toEqual([0, 0, 0]);
  });
});
