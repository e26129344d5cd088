import { describe, expect, it } from 'vitest';
import { bigramBucket, emptyModel, predictLogits, softmax, toOnnxBytes, trainLinear } from '../../../../../services/scorer/domain/linear-model.ts';
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
