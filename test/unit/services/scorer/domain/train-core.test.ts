import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../../shared/errors.ts';
import { computeMetrics } from '../../../../../services/scorer/domain/eval-core.ts';
import { emptyModel, predictLogits, trainLinear } from '../../../../../services/scorer/domain/linear-model.ts';
import { isHeldOut, labelSet, trainFromIds } from '../../../../../services/scorer/domain/train-core.ts';

describe('labelSet', () => {
  it('gives the distinct labels sorted', () => {
    expect(labelSet([{ text: 'a', label: 'pos' }, { text: 'b', label: 'neg' }, { text: 'c', label: 'pos' }])).toEqual(['neg', 'pos']);
  });

  it('refuses fewer than two labels, naming what it got', () => {
    expect(() => labelSet([])).toThrow('training needs at least two labels, got: none');
    expect(() => labelSet([{ text: 'a', label: 'x' }, { text: 'b', label: 'x' }])).toThrow('training needs at least two labels, got: x');
    expect(() => labelSet([{ text: 'a', label: 'x' }])).toThrow(AppError);
  });

  it('accepts 50 labels and refuses 51', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `t${i}`, label: `l${i}` }));
    expect(labelSet(rows(50))).toHaveLength(50);
    expect(() => labelSet(rows(51))).toThrow('too many labels (51); is the label column right?');
  });
});

describe('isHeldOut', () => {
  it('holds a text out when its FNV-1a hash, as a share of 2^32 - 1, is under the share', () => {
    // fnv1a('a') = 0xe40c292c: 0.8908 of the range.
    expect(isHeldOut('a', 0.9)).toBe(true);
    expect(isHeldOut('a', 0.89)).toBe(false);
    expect(isHeldOut('a', 1)).toBe(true);
    // Exactly at the share is not under it.
    expect(isHeldOut('a', 0xe40c292c / 0xffffffff)).toBe(false);
    expect(isHeldOut('a', (0xe40c292c + 1) / 0xffffffff)).toBe(true);
  });

  it('holds nothing out at a share of 0 or less', () => {
    expect(isHeldOut('', 0)).toBe(false);
    expect(isHeldOut('a', -1)).toBe(false);
  });
});

describe('trainFromIds', () => {
  // Two separable classes: token 5 is "up", 6 is "down". Which rows are held out depends on the text only.
  const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `headline ${i}`, label: i % 2 ? 'up' : 'down' }));
  const idsOf = (n: number) => Array.from({ length: n }, (_, i) => [2, i % 2 ? 5 : 6, 3]);

  it('refuses rows and token ids of different lengths', () => {
    expect(() => trainFromIds(rowsOf(2), idsOf(3), 8)).toThrow('rows and token ids differ in length');
  });

  it('trains the final model on every row', () => {
    const rows = rowsOf(20);
    const ids = idsOf(20);
    const r = trainFromIds(rows, ids, 8, { bigramBuckets: 16, epochs: 3, seed: 7 });
    expect(r.labels).toEqual(['down', 'up']);
    expect(r.n).toBe(20);
    const all = rows.map((row, i) => ({ ids: ids[i], label: row.label === 'up' ? 1 : 0 }));
    expect(r.model).toStrictEqual(trainLinear(all, emptyModel(['down', 'up'], 8, 16), { epochs: 3, seed: 7 }));
  });

  it('hashes bigrams into 2^16 buckets by default', () => {
    const r = trainFromIds(rowsOf(4), idsOf(4), 8, { epochs: 1 });
    expect(r.model.bigramBuckets).toBe(65536);
    expect(r.model.bigram.length).toBe(65536 * 2);
  });

  it('measures the final model on the training rows, predicting the label of the largest logit', () => {
    const rows = rowsOf(4);
    const r = trainFromIds(rows, idsOf(4), 8, { bigramBuckets: 16 });
    expect(r.training).toEqual(computeMetrics(['down', 'up', 'down', 'up'], ['down', 'up', 'down', 'up'], ['down', 'up']));
    // Gold labels that disagree with the tokens: the metrics read the prediction, not the gold label.
    const flipped = trainFromIds(
      [...rows, { text: 'odd one', label: 'up' }],
      [...idsOf(4), [2, 6, 3]],
      8,
      { bigramBuckets: 16 },
    );
    expect(flipped.training.confusion.up.down).toBe(1);
  });

  it('measures a model trained on the rest on the held-out share (0.2 by default)', () => {
    const rows = rowsOf(20);
    const ids = idsOf(20);
    const held = rows.map((row) => isHeldOut(row.text, 0.2));
    expect(held.filter(Boolean).length).toBe(9);
    const docs = rows.map((row, i) => ({ ids: ids[i], label: row.label === 'up' ? 1 : 0 }));
    const model = trainLinear(docs.filter((_, i) => !held[i]), emptyModel(['down', 'up'], 8, 16), { epochs: 2 });
    const test = docs.filter((_, i) => held[i]);
    const pred = test.map((d) => {
      const z = predictLogits(model, d.ids);
      return z[1] > z[0] ? 'up' : 'down';
    });
    const expected = computeMetrics(test.map((d) => (d.label ? 'up' : 'down')), pred, ['down', 'up']);
    const r = trainFromIds(rows, ids, 8, { bigramBuckets: 16, epochs: 2 });
    expect(r.holdout).toEqual(expected);
    expect(r.holdout?.n).toBe(9);
    expect(trainFromIds(rows, ids, 8, { bigramBuckets: 16, epochs: 2, holdout: 0.2 }).holdout).toEqual(expected);
  });

  it('does not train the hold-out model on the held-out rows', () => {
    // The held-out rows say the opposite of the rest: a model of the rest gets every one of them wrong.
    const rows = rowsOf(20).map((row, i) => (isHeldOut(row.text, 0.2) ? { ...row, label: i % 2 ? 'down' : 'up' } : row));
    const r = trainFromIds(rows, idsOf(20), 8, { bigramBuckets: 16 });
    expect(r.holdout?.n).toBe(9);
    expect(r.holdout?.accuracy).toBe(0);
  });

  it('holds out the share it is given', () => {
    const rows = rowsOf(20);
    // At 0.25 the rows 0-9 and 14-19 are held out; 10-13 (both labels) are left to train on.
    expect(rows.filter((row) => isHeldOut(row.text, 0.25)).length).toBe(16);
    expect(trainFromIds(rows, idsOf(20), 8, { bigramBuckets: 16, holdout: 0.25 }).holdout?.n).toBe(16);
  });

  it('has no hold-out under 20 rows, at a share of 0, or when the rest has one label', () => {
    expect(trainFromIds(rowsOf(19), idsOf(19), 8, { bigramBuckets: 16 }).holdout).toBeNull();
    expect(trainFromIds(rowsOf(20), idsOf(20), 8, { bigramBuckets: 16 }).holdout).not.toBeNull();
    expect(trainFromIds(rowsOf(40), idsOf(40), 8, { bigramBuckets: 16, holdout: 0 }).holdout).toBeNull();
    // Held-out rows labelled "up", the rest "down": nothing to learn "up" from.
    const rows = rowsOf(20).map((row) => ({ ...row, label: isHeldOut(row.text, 0.2) ? 'up' : 'down' }));
    const r = trainFromIds(rows, idsOf(20), 8, { bigramBuckets: 16 });
    expect(r.labels).toEqual(['down', 'up']);
    expect(r.holdout).toBeNull();
  });

  it('has no hold-out when no row falls in the share', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ text: `row ${i}`, label: i % 2 ? 'up' : 'down' }));
    expect(rows.some((row) => isHeldOut(row.text, 0.2))).toBe(false);
    expect(trainFromIds(rows, idsOf(20), 8, { bigramBuckets: 16 }).holdout).toBeNull();
  });
});
