import { describe, expect, it } from 'vitest';
import { bigramBucket, emptyModel, predictLogits, softmax, toOnnxBytes, toOnnxGraph, trainLinear } from '../../../../../services/scorer/domain/linear-model.ts';
import { buildVocab, pretokenize, tokenizerJson } from '../../../../../services/scorer/domain/model-files.ts';
import { trainFromIds } from '../../../../../services/scorer/domain/train-core.ts';

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
