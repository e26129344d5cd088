import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelFolder } from '../../../../services/scorer/adapters/model-folder.ts';
import { TransformersClassifier } from '../../../../services/scorer/adapters/transformers-classifier.ts';
import { TransformersPool } from '../../../../services/scorer/adapters/transformers-pool.ts';
import { wordTokenizer } from '../../../../services/scorer/adapters/transformers-tokenizer.ts';
import { emptyModel, predictLogits, softmax } from '../../../../services/scorer/domain/linear-model.ts';
import { buildVocab } from '../../../../services/scorer/domain/model-files.ts';

// One worker thread per process, ever: this file starts exactly one.
describe('inference in a worker thread', () => {
  let dir: string;
  let pool: TransformersPool;
  const vocab = buildVocab(['oil rises on supply fears', 'talks progress oil falls brent']);
  const model = emptyModel(['negative', 'neutral', 'positive'], vocab.length, 32);
  model.unigram.forEach((_, i) => (model.unigram[i] = Math.sin(i + 1)));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oilwire-thread-'));
    await writeModelFolder(dir, { vocab, model });
    pool = await TransformersPool.start({ path: dir, workers: 1, isolation: 'thread', batchSize: 2 });
  });
  afterAll(async () => {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('classifies in input order like the reference computation', async () => {
    const texts = ['Oil rises on supply fears', 'talks progress', '', 'brent brent'];
    const tokenize = await wordTokenizer(vocab);
    const ref = tokenize(texts).map((ids) => softmax(predictLogits(model, ids)));
    const got = await pool.classify(texts);
    got.forEach((p, i) => expect(p.negative).toBeCloseTo(ref[i][0], 5));
  });

  it('refuses a second owner of onnxruntime in this process instead of crashing', async () => {
    await expect(TransformersClassifier.load({ path: dir })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    await expect(TransformersPool.start({ path: dir, workers: 1, isolation: 'thread' })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    await expect(TransformersPool.start({ path: dir, workers: 2, isolation: 'thread' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
