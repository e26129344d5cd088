import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersClassifier } from '../../../../services/scorer/adapters/transformers-classifier.ts';
import { wordTokenizer } from '../../../../services/scorer/adapters/transformers-tokenizer.ts';
import { writeModelFolder } from '../../../../services/scorer/adapters/model-folder.ts';
import { emptyModel, predictLogits, softmax } from '../../../../services/scorer/domain/linear-model.ts';
import { buildVocab } from '../../../../services/scorer/domain/model-files.ts';

const TEXTS = ['Oil rises on supply fears', 'Talks progress, oil falls!', 'unseen words only', '', 'Brent'];

// The pool has its own file: onnxruntime-node must not be loaded by two threads of one process.
describe('transformers.js backend with a generated model folder', () => {
  let dir: string;
  let vocab: string[];
  const model = emptyModel(['negative', 'neutral', 'positive'], 0, 32);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oilwire-model-'));
    vocab = buildVocab(['oil rises on supply fears', 'talks progress oil falls brent']);
    Object.assign(model, emptyModel(['negative', 'neutral', 'positive'], vocab.length, 32));
    // Fixed, distinct weights so every token and bigram matters.
    model.unigram.forEach((_, i) => (model.unigram[i] = Math.sin(i + 1)));
    model.bigram.forEach((_, i) => (model.bigram[i] = Math.cos(i) / 2));
    model.bias.set([0.1, 0.2, -0.3]);
    await writeModelFolder(dir, { vocab, model });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs through the real text-classification pipeline with remote loading off', async () => {
    const { pipeline, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.useFSCache = false;
    const classify = await pipeline('text-classification', dir, { dtype: 'fp32' });
    const out = (await classify(TEXTS[0], { top_k: 3 })) as { label: string; score: number }[];
    expect(out.map((x) => x.label).sort()).toEqual(['negative', 'neutral', 'positive']);
    const tokenize = await wordTokenizer(vocab);
    const expected = softmax(predictLogits(model, tokenize([TEXTS[0]])[0]));
    for (const { label, score } of out) expect(score).toBeCloseTo(expected[['negative', 'neutral', 'positive'].indexOf(label)], 5);
  });

  it('classifies a padded batch exactly like the reference computation', async () => {
    const clf = await TransformersClassifier.load({ path: dir, batchSize: 2 });
    const probs = await clf.classify(TEXTS);
    const ids = clf.tokenize(TEXTS);
    probs.forEach((p, i) => {
      const ref = softmax(predictLogits(model, ids[i]));
      expect(p.negative).toBeCloseTo(ref[0], 5);
      expect(p.neutral).toBeCloseTo(ref[1], 5);
      expect(p.positive).toBeCloseTo(ref[2], 5);
    });
    expect(clf.name).toBe(dir.split('/').pop());
    expect(clf.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('gives hostile text a bounded answer', async () => {
    const clf = await TransformersClassifier.load({ path: dir });
    const huge = 'oil '.repeat(3_000_000);
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97) % 256)).toString('latin1');
    const probs = await clf.classify([huge, junk, '🛢️🔥', 'إيران تنفي', '\u0000\u0001']);
    for (const p of probs) expect(p.negative + p.neutral + p.positive).toBeCloseTo(1, 5);
  });

  it('will not hand onnxruntime to a worker thread once the main thread has it', async () => {
    const { TransformersPool } = await import('../../../../services/scorer/adapters/transformers-pool.ts');
    await expect(TransformersPool.start({ path: dir, workers: 1, isolation: 'thread' })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });

  it('refuses a missing folder without reaching for the hub', async () => {
    await expect(TransformersClassifier.load({ path: join(dir, 'nope') })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
  });

  it('refuses labels it cannot map unless told how', async () => {
    const other = await mkdtemp(join(tmpdir(), 'oilwire-model-'));
    try {
      await writeModelFolder(other, { vocab, model: { ...model, labels: ['LABEL_0', 'LABEL_1', 'LABEL_2'] } });
      await expect(TransformersClassifier.load({ path: other })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
      const mapped = await TransformersClassifier.load({ path: other, labelMap: { LABEL_0: 'negative', LABEL_1: 'neutral', LABEL_2: 'positive' } });
      expect((await mapped.classify(['oil']))[0].neutral).toBeGreaterThan(0);
      await writeFile(join(other, 'config.json'), '{"model_type":"bert"}');
      await expect(TransformersClassifier.load({ path: other })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
