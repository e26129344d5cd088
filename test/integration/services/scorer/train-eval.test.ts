import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersClassifier } from '../../../../services/scorer/adapters/transformers-classifier.ts';
import { csvField, parseCsv } from '../../../../services/scorer/domain/eval-core.ts';
import { evalReportJson, formatEvalReport, runEval } from '../../../../services/scorer/eval.ts';
import { formatTrainReport, runTrain } from '../../../../services/scorer/train.ts';

const FIXTURES = new URL('../../../fixtures/scorer/', import.meta.url);

describe('train and eval', () => {
  let dir: string;
  let trainCsv: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oilwire-train-'));
    const rows = parseCsv(await readFile(new URL('labeled-headlines.csv', FIXTURES), 'utf8')).slice(1);
    trainCsv = join(dir, 'train.csv');
    await writeFile(trainCsv, ['text,label', ...rows.map((r) => `${csvField(r[0])},${r[1]}`)].join('\n'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('trains a model folder that the transformers backend serves, deterministically', async () => {
    const out = join(dir, 'model');
    const report = await runTrain({ input: trainCsv, out });
    expect(report.n).toBeGreaterThanOrEqual(300);
    expect(report.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(report.holdout?.n).toBeGreaterThan(0);
    expect(report.training.accuracy).toBeGreaterThan(0.9);
    expect(formatTrainReport(report)).toContain('model written to');
    const clf = await TransformersClassifier.load({ path: out });
    const [p] = await clf.classify(['Gaza ceasefire collapses as fighting resumes']);
    expect(p.negative).toBeGreaterThan(p.positive);
    const again = await runTrain({ input: trainCsv, out: join(dir, 'model2') });
    expect(again.training).toEqual(report.training);
    expect((await readFile(join(dir, 'model2/onnx/model.onnx'))).equals(await readFile(join(out, 'onnx/model.onnx')))).toBe(true);
  });

  it('rejects a CSV without labels', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'text,label\nonly one,positive\n');
    await expect(runTrain({ input: bad, out: join(dir, 'x') })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(runTrain({ input: join(dir, 'missing.csv'), out: join(dir, 'x') })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('evaluates the domain model on a PhraseBank file, UTF-8 or Latin-1', async () => {
    const input = new URL('financial-sentences.fpb', FIXTURES).pathname;
    const report = await runEval({ input, format: 'fpb', model: 'domain', json: false });
    expect(report.n).toBeGreaterThanOrEqual(100);
    expect(report.macroF1).toBeGreaterThan(0.8);
    expect(formatEvalReport(report)).toMatch(/macro-F1 0\.\d{3}/);
    const latin1 = join(dir, 'latin1.fpb');
    await writeFile(latin1, Buffer.from('Net sales rose 5 % in Malm\u00f6 .@positive\nThe caf\u00e9 is in Espoo .@neutral\n', 'latin1'));
    const l = await runEval({ input: latin1, format: 'fpb', model: 'domain', json: true });
    expect(l.n).toBe(2);
    expect(l.accuracy).toBe(1);
  });

  it('prints exactly the documented keys with --json', async () => {
    const report = await runEval({ input: trainCsv, format: 'csv', model: 'domain', json: true });
    const parsed = JSON.parse(formatEvalReport(report));
    expect(Object.keys(parsed).sort()).toEqual(['accuracy', 'confusion', 'macroF1', 'n', 'perClass']);
    expect(parsed.n).toBe(report.n);
    expect(parsed.confusion.negative.negative).toBeGreaterThan(0);
    expect(evalReportJson(report)).toBe(formatEvalReport(report));
  });

  it('evaluates oil direction when the labels are bullish/bearish/neutral', async () => {
    const rows = parseCsv(await readFile(new URL('labeled-headlines.csv', FIXTURES), 'utf8')).slice(1);
    const oilCsv = join(dir, 'oil.csv');
    await writeFile(oilCsv, ['text,label', ...rows.map((r) => `${csvField(r[0])},${r[2]}`)].join('\n'));
    const report = await runEval({ input: oilCsv, format: 'csv', model: 'domain' });
    expect(report.target).toBe('oil_direction');
    expect(report.accuracy).toBeGreaterThan(0.8);
  });

  it('evaluates a model folder alone and as the ensemble', async () => {
    const out = join(dir, 'model-eval');
    await runTrain({ input: trainCsv, out });
    const input = new URL('financial-sentences.fpb', FIXTURES).pathname;
    const alone = await runEval({ input, format: 'fpb', model: out });
    const ensemble = await runEval({ input, format: 'fpb', model: `ensemble:${out}` });
    expect(alone.n).toBe(ensemble.n);
    expect(alone.model).toBe(out);
    expect(ensemble.accuracy).toBeGreaterThan(alone.accuracy);
    await expect(runEval({ input: trainCsv.replace('train', 'nope'), format: 'csv' })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});
