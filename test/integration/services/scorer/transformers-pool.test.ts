import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelFolder } from '../../../../services/scorer/adapters/model-folder.ts';
import { TransformersPool } from '../../../../services/scorer/adapters/transformers-pool.ts';
import { wordTokenizer } from '../../../../services/scorer/adapters/transformers-tokenizer.ts';
import { emptyModel, predictLogits, softmax } from '../../../../services/scorer/domain/linear-model.ts';
import { buildVocab } from '../../../../services/scorer/domain/model-files.ts';

// Nothing in this file runs onnxruntime in this process: the sessions live in child processes.
const TEXTS = ['Oil rises on supply fears and more words to make it longer', 'Talks progress, oil falls!', 'unseen', '', 'Brent', 'oil oil oil rises'];

describe('inference worker processes', () => {
  let dir: string;
  let vocab: string[];
  let model: ReturnType<typeof emptyModel>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oilwire-pool-'));
    vocab = buildVocab(['oil rises on supply fears', 'talks progress oil falls brent']);
    model = emptyModel(['negative', 'neutral', 'positive'], vocab.length, 32);
    model.unigram.forEach((_, i) => (model.unigram[i] = Math.sin(i + 1)));
    model.bigram.forEach((_, i) => (model.bigram[i] = Math.cos(i) / 2));
    await writeModelFolder(dir, { vocab, model });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const reference = async () => {
    const tokenize = await wordTokenizer(vocab);
    return tokenize(TEXTS).map((ids) => softmax(predictLogits(model, ids)));
  };

  it.each([
    ['one worker process', 1],
    ['three worker processes', 3],
  ])('%s: same answers as the reference, in input order', async (_, workers) => {
    const pool = await TransformersPool.start({ path: dir, workers, batchSize: 2 });
    try {
      const ref = await reference();
      for (let round = 0; round < 3; round++) {
        const got = await pool.classify(TEXTS);
        got.forEach((p, i) => {
          expect(p.negative).toBeCloseTo(ref[i][0], 5);
          expect(p.positive).toBeCloseTo(ref[i][2], 5);
        });
      }
      expect(await pool.classify([])).toEqual([]);
      expect(pool.version).toMatch(/^[0-9a-f]{12}$/);
      expect(pool.name).toBe(dir.split('/').pop());
    } finally {
      await pool.close();
    }
  });

  it('reports a missing model folder as MODEL_LOAD_FAILED', async () => {
    await expect(TransformersPool.start({ path: join(dir, 'nope'), workers: 1 })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    await expect(TransformersPool.start({ path: join(dir, 'nope'), workers: 2 })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });

  it('refuses work after close', async () => {
    const pool = await TransformersPool.start({ path: dir, workers: 1 });
    await pool.close();
    await expect(pool.classify(['oil'])).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
