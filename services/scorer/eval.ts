/**
 * `oilwire eval --input <file> --format csv|fpb [--model domain|<dir>|ensemble:<dir>] [--json]`.
 * Gold labels negative|neutral|positive score sentiment; bullish|bearish|neutral score the
 * domain model's oil direction.
 */
import { AppError } from '../../shared/errors.ts';
import { TransformersClassifier } from './adapters/transformers-classifier.ts';
import { analyzeText } from './domain/analyze.ts';
import { combine } from './domain/ensemble.ts';
import { SENTIMENT_LABELS, computeMetrics, parseFpb, parseLabeledCsv, type LabeledText, type Metrics } from './domain/eval-core.ts';
import { readInput } from './train.ts';

export interface EvalOptions {
  input: string;
  format: 'csv' | 'fpb';
  /** `domain` (default), a model folder (the transformer alone), or `ensemble:<folder>` (as the service serves it). */
  model?: 'domain' | string;
  json?: boolean;
}

export interface EvalReport extends Metrics {
  target: 'sentiment' | 'oil_direction';
  model: string;
  format: 'csv' | 'fpb';
  input: string;
  /** Echo of the `json` option, so `formatEvalReport(report)` prints what was asked for. */
  json: boolean;
}

const OIL_LABELS = ['bearish', 'neutral', 'bullish'];

function targetOf(rows: LabeledText[]): 'sentiment' | 'oil_direction' {
  const labels = new Set(rows.map((r) => r.label));
  if ([...labels].every((l) => (SENTIMENT_LABELS as readonly string[]).includes(l))) return 'sentiment';
  if ([...labels].every((l) => OIL_LABELS.includes(l))) return 'oil_direction';
  throw new AppError('INPUT_INVALID', `labels must be negative|neutral|positive or bearish|neutral|bullish, got: ${[...labels].slice(0, 10).join(', ')}`);
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const text = await readInput(options.input);
  const rows = options.format === 'fpb' ? parseFpb(text) : parseLabeledCsv(text);
  if (rows.length === 0) throw new AppError('INPUT_INVALID', `${options.input} has no labeled rows`);
  const target = targetOf(rows);
  const model = options.model ?? 'domain';
  let predicted: string[];
  if (model === 'domain') {
    predicted = rows.map((r) => {
      const a = analyzeText(r.text);
      return target === 'sentiment' ? a.sentiment.label : a.oil_direction.label;
    });
  } else {
    if (target !== 'sentiment') throw new AppError('INPUT_INVALID', 'a transformer model predicts sentiment; oil-direction labels need --model domain');
    const ensemble = model.startsWith('ensemble:');
    const classifier = await TransformersClassifier.load({ path: ensemble ? model.slice('ensemble:'.length) : model, batchSize: 32 });
    const probs: Awaited<ReturnType<typeof classifier.classify>> = [];
    for (let i = 0; i < rows.length; i += 256) probs.push(...(await classifier.classify(rows.slice(i, i + 256).map((r) => r.text))));
    predicted = rows.map((r, i) => {
      const p = probs[i];
      if (ensemble) {
        const a = analyzeText(r.text);
        return combine(a, p, 0.6, a.evidence.threshold).sentiment.label;
      }
      return p.positive >= p.negative && p.positive > p.neutral ? 'positive' : p.negative > p.positive && p.negative > p.neutral ? 'negative' : 'neutral';
    });
    await classifier.close();
  }
  const labels = target === 'sentiment' ? [...SENTIMENT_LABELS] : OIL_LABELS;
  const m = computeMetrics(
    rows.map((r) => r.label),
    predicted,
    labels,
  );
  return { n: m.n, accuracy: m.accuracy, macroF1: m.macroF1, perClass: m.perClass, confusion: m.confusion, labels, target, model, format: options.format, input: options.input, json: options.json ?? false };
}

/** The `--json` object: exactly accuracy, macroF1, perClass, confusion, n. */
export function evalReportJson(r: EvalReport): string {
  return JSON.stringify({ accuracy: r.accuracy, macroF1: r.macroF1, perClass: r.perClass, confusion: r.confusion, n: r.n });
}

/** Human-readable report, or the JSON object when the evaluation was run with `json: true`. */
export function formatEvalReport(r: EvalReport): string {
  if (r.json) return evalReportJson(r);
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number) => x.toFixed(3);
  const lines = [
    `${r.target === 'sentiment' ? 'sentiment' : 'oil direction'} of model ${r.model} on ${r.input} (${r.format}, n=${r.n})`,
    `accuracy ${num(r.accuracy)}   macro-F1 ${num(r.macroF1)}`,
    '',
    `${pad('class', 10)} ${pad('precision', 10)} ${pad('recall', 10)} ${pad('f1', 10)} support`,
    ...r.labels.map((l) => {
      const c = r.perClass[l];
      return `${pad(l, 10)} ${pad(num(c.precision), 10)} ${pad(num(c.recall), 10)} ${pad(num(c.f1), 10)} ${c.support}`;
    }),
    '',
    `confusion (rows gold, columns predicted)`,
    `${pad('', 10)} ${r.labels.map((l) => pad(l, 9)).join(' ')}`,
    ...r.labels.map((g) => `${pad(g, 10)} ${r.labels.map((p) => pad(String(r.confusion[g]?.[p] ?? 0), 9)).join(' ')}`),
  ];
  return lines.join('\n');
}
