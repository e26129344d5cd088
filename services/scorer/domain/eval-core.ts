/**
 * Pure pieces of `oilwire eval` and `oilwire train`: decoding, CSV and Financial
 * PhraseBank parsing, and classification metrics.
 */
import { AppError } from '../../../shared/errors.ts';
import { parseCsv } from '../../../shared/csv.ts';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;

export interface LabeledText {
  text: string;
  label: string;
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<string, ClassMetrics>;
  /** confusion[gold][predicted] = count. */
  confusion: Record<string, Record<string, number>>;
  labels: string[];
}

/** UTF-8 when the bytes are valid UTF-8, Latin-1 otherwise (the PhraseBank ships in both). */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // A UTF-8 byte order mark before bytes that are not UTF-8 (a file saved in two encodings) is still a mark, not "ï»¿"
    // at the start of the first header cell.
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    text = new TextDecoder('latin1').decode(bytes.subarray(bom));
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// CSV is read in one place for the whole project (csv-parse); re-exported for the scorer's callers.
export { parseCsv };

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function normalizeLabel(raw: string): string {
  const l = raw.trim().toLowerCase();
  if (l === 'pos' || l === '1' || l === '+1' || l === 'bullish') return l === 'bullish' ? l : 'positive';
  if (l === 'neg' || l === '-1' || l === 'bearish') return l === 'bearish' ? l : 'negative';
  if (l === 'neu' || l === '0') return 'neutral';
  return l;
}

/**
 * Labeled rows from a CSV with a header: the text column is `text` (or `sentence`,
 * `headline`), the label column `label` (or `labelColumn`, or `sentiment`).
 */
export function parseLabeledCsv(text: string, labelColumn = 'label'): LabeledText[] {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new AppError('INPUT_INVALID', 'CSV is empty');
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const ti = ['text', 'sentence', 'headline', 'title'].map((h) => header.indexOf(h)).find((i) => i >= 0);
  const li = [labelColumn, 'label', 'sentiment'].map((h) => header.indexOf(h)).find((i) => i >= 0);
  if (ti === undefined || li === undefined) throw new AppError('INPUT_INVALID', `CSV needs a header with text and ${labelColumn} columns (got: ${header.join(',')})`);
  const out: LabeledText[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const label = normalizeLabel(row[li] ?? '');
    const t = row[ti] ?? '';
    if (label === '') continue;
    out.push({ text: t, label });
  }
  return out;
}

/** Financial PhraseBank: one `sentence@label` per line; the label is after the last `@`. */
export function parseFpb(text: string): LabeledText[] {
  const out: LabeledText[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const at = line.lastIndexOf('@');
    if (at < 0) throw new AppError('INPUT_INVALID', `FPB line without "@label": ${line.slice(0, 80)}`);
    const label = normalizeLabel(line.slice(at + 1));
    if (!(SENTIMENT_LABELS as readonly string[]).includes(label)) throw new AppError('INPUT_INVALID', `FPB label must be negative|neutral|positive, got "${label.slice(0, 40)}"`);
    out.push({ text: line.slice(0, at).trim(), label });
  }
  return out;
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;

export function computeMetrics(gold: string[], predicted: string[], labels?: string[]): Metrics {
  if (gold.length !== predicted.length) throw new AppError('INTERNAL', 'gold and predicted differ in length');
  const labelSet = labels ?? [...new Set([...gold, ...predicted])].sort();
  const confusion: Record<string, Record<string, number>> = {};
  for (const g of labelSet) {
    confusion[g] = {};
    for (const p of labelSet) confusion[g][p] = 0;
  }
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    const p = predicted[i];
    if (!confusion[g]) {
      confusion[g] = Object.fromEntries(labelSet.map((l) => [l, 0]));
    }
    confusion[g][p] = (confusion[g][p] ?? 0) + 1;
    if (g === p) correct++;
  }
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  for (const l of labelSet) {
    const tp = confusion[l]?.[l] ?? 0;
    let predictedAs = 0;
    for (const g of Object.keys(confusion)) predictedAs += confusion[g][l] ?? 0;
    let support = 0;
    for (const p of Object.keys(confusion[l] ?? {})) support += confusion[l][p];
    const precision = predictedAs === 0 ? 0 : tp / predictedAs;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[l] = { precision: r4(precision), recall: r4(recall), f1: r4(f1), support };
    f1Sum += f1;
  }
  return {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : r4(correct / gold.length),
    macroF1: labelSet.length === 0 ? 0 : r4(f1Sum / labelSet.length),
    perClass,
    confusion,
    labels: labelSet,
  };
}
