/**
 * Pure pieces of `oilwire eval --format gold`: reading a gold CSV (headline plus any of
 * topics, oil_direction, price_report, relevance, sentiment), the by-story split, and the
 * per-field metrics the taxonomy (docs/taxonomy.md) asks for.
 */
import { TOPIC_NAMES, type TopicName } from '../../../shared/contracts/events.ts';
import { AppError } from '../../../shared/errors.ts';
import { computeMetrics, parseCsv, SENTIMENT_LABELS, type ClassMetrics } from './eval-core.ts';
import { fnv1a } from './hash.ts';

export const OIL_LABELS = ['bearish', 'neutral', 'bullish'] as const;

export interface GoldRow {
  id?: string;
  story?: string;
  headline: string;
  topics?: TopicName[];
  oil_direction?: string;
  price_report?: boolean;
  relevance?: number;
  sentiment?: string;
}

export interface Prediction {
  topics: TopicName[];
  oil_direction: string;
  price_report: boolean;
  relevance: number;
  sentiment: string;
}

export type Split = 'train' | 'test' | 'all';
/** Share of stories held out as the test split. */
export const TEST_SHARE = 0.25;

/**
 * A story's split from a hash of its id, so rewrites of one event never straddle train and test.
 * FNV-1a's high bits hardly change with the last characters, and ids are a file's prefix plus a
 * number ("b12-001".."b12-135"): the raw hash put whole files in one split (0% of b10 and b12 in
 * test, 66% of b11). The finaliser of MurmurHash3 spreads every bit of it over all 32.
 */
export function splitOf(story: string): 'train' | 'test' {
  return fmix32(fnv1a(story)) / 0xffffffff < TEST_SHARE ? 'test' : 'train';
}

/** MurmurHash3's 32-bit finaliser (avalanche: each input bit flips each output bit about half the time). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TOPIC_SET = new Set<string>(TOPIC_NAMES);

function parseTopics(raw: string, line: number): TopicName[] {
  const out: TopicName[] = [];
  for (const t of raw.split(/[;|]/)) {
    const x = t.trim().toLowerCase();
    if (x === '' || x === 'none') continue;
    if (!TOPIC_SET.has(x)) throw new AppError('INPUT_INVALID', `line ${line}: unknown topic "${x.slice(0, 40)}" (known: ${TOPIC_NAMES.join(', ')})`);
    if (!out.includes(x as TopicName)) out.push(x as TopicName);
  }
  return out;
}

function parseBool(raw: string, line: number): boolean {
  const x = raw.trim().toLowerCase();
  if (x === '1' || x === 'true' || x === 'yes') return true;
  if (x === '0' || x === 'false' || x === 'no') return false;
  throw new AppError('INPUT_INVALID', `line ${line}: price_report must be 0 or 1, got "${raw.slice(0, 20)}"`);
}

/** Gold rows from a CSV; empty cells mean "not labelled" for that field (topics: empty means none). */
export function parseGoldCsv(text: string): { rows: GoldRow[]; fields: Set<keyof Prediction> } {
  const table = parseCsv(text);
  if (table.length === 0) throw new AppError('INPUT_INVALID', 'CSV is empty');
  const header = table[0].map((h) => h.trim().toLowerCase());
  const col = (...names: string[]) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const hi = col('headline', 'title', 'text', 'sentence');
  if (hi < 0) throw new AppError('INPUT_INVALID', `gold CSV needs a headline column (got: ${header.join(',').slice(0, 200)})`);
  const c = { id: col('id'), story: col('story', 'story_id'), topics: col('topics'), dir: col('oil_direction', 'direction'), pr: col('price_report'), rel: col('relevance'), sent: col('sentiment') };
  const fields = new Set<keyof Prediction>();
  if (c.topics >= 0) fields.add('topics');
  if (c.dir >= 0) fields.add('oil_direction');
  if (c.pr >= 0) fields.add('price_report');
  if (c.rel >= 0) fields.add('relevance');
  if (c.sent >= 0) fields.add('sentiment');
  const rows: GoldRow[] = [];
  for (let r = 1; r < table.length; r++) {
    const row = table[r];
    const cell = (i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
    const g: GoldRow = { headline: row[hi] ?? '' };
    if (c.id >= 0) g.id = cell(c.id);
    if (c.story >= 0) g.story = cell(c.story);
    if (c.topics >= 0) g.topics = parseTopics(cell(c.topics), r + 1);
    const d = cell(c.dir).toLowerCase();
    if (d !== '') {
      if (!(OIL_LABELS as readonly string[]).includes(d)) throw new AppError('INPUT_INVALID', `line ${r + 1}: oil_direction must be bearish|neutral|bullish, got "${d.slice(0, 20)}"`);
      g.oil_direction = d;
    }
    if (cell(c.pr) !== '') g.price_report = parseBool(cell(c.pr), r + 1);
    const rel = cell(c.rel);
    if (rel !== '') {
      const v = Number(rel);
      if (!Number.isFinite(v) || v < 0 || v > 100) throw new AppError('INPUT_INVALID', `line ${r + 1}: relevance must be 0-100, got "${rel.slice(0, 20)}"`);
      g.relevance = v;
    }
    const s = cell(c.sent).toLowerCase();
    if (s !== '') {
      if (!(SENTIMENT_LABELS as readonly string[]).includes(s)) throw new AppError('INPUT_INVALID', `line ${r + 1}: sentiment must be negative|neutral|positive, got "${s.slice(0, 20)}"`);
      g.sentiment = s;
    }
    rows.push(g);
  }
  return { rows, fields };
}

export function selectSplit(rows: GoldRow[], split: Split): GoldRow[] {
  if (split === 'all') return rows;
  return rows.filter((r) => splitOf(r.story || r.id || r.headline) === split);
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;

function prf(tp: number, fp: number, fn: number): ClassMetrics & { predicted: number } {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: r4(precision), recall: r4(recall), f1: r4(f1), support: tp + fn, predicted: tp + fp };
}

/** Average ranks (ties share the mean rank). */
function ranks(xs: number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++;
    for (let k = i; k <= j; k++) out[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function spearman(a: number[], b: number[]): number {
  if (a.length !== b.length || a.length < 2) return 0;
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, x) => s + x, 0) / n;
  const mb = rb.reduce((s, x) => s + x, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return da === 0 || db === 0 ? 0 : r4(num / Math.sqrt(da * db));
}

export interface GoldReport {
  n: number;
  topics?: { microF1: number; precision: number; recall: number; perTopic: Record<string, ClassMetrics & { predicted: number }>; n: number };
  oil_direction?: { macroF1: number; accuracy: number; nonReportMacroF1: number | null; nonReportN: number; perClass: Record<string, ClassMetrics>; n: number };
  price_report?: ClassMetrics & { n: number };
  relevance?: { spearman: number; f1At60: number; precisionAt60: number; recallAt60: number; n: number };
  sentiment?: { macroF1: number; accuracy: number; perClass: Record<string, ClassMetrics>; n: number };
}

/** Per-field metrics over the rows labelled for that field. */
export function goldMetrics(rows: GoldRow[], preds: Prediction[], fields: Set<keyof Prediction>): GoldReport {
  if (rows.length !== preds.length) throw new AppError('INTERNAL', 'gold and predicted differ in length');
  const report: GoldReport = { n: rows.length };
  const idx = (f: (r: GoldRow) => unknown) => rows.map((r, i) => (f(r) === undefined ? -1 : i)).filter((i) => i >= 0);
  if (fields.has('topics')) {
    const ids = idx((r) => r.topics);
    let TP = 0;
    let FP = 0;
    let FN = 0;
    const perTopic: Record<string, ClassMetrics & { predicted: number }> = {};
    for (const t of TOPIC_NAMES) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const i of ids) {
        const g = rows[i].topics!.includes(t);
        const p = preds[i].topics.includes(t);
        if (g && p) tp++;
        else if (p) fp++;
        else if (g) fn++;
      }
      perTopic[t] = prf(tp, fp, fn);
      TP += tp;
      FP += fp;
      FN += fn;
    }
    const all = prf(TP, FP, FN);
    report.topics = { microF1: all.f1, precision: all.precision, recall: all.recall, perTopic, n: ids.length };
  }
  if (fields.has('oil_direction')) {
    const ids = idx((r) => r.oil_direction);
    const m = computeMetrics(ids.map((i) => rows[i].oil_direction!), ids.map((i) => preds[i].oil_direction), [...OIL_LABELS]);
    const nr = ids.filter((i) => rows[i].price_report === false);
    const mnr = nr.length > 0 ? computeMetrics(nr.map((i) => rows[i].oil_direction!), nr.map((i) => preds[i].oil_direction), [...OIL_LABELS]) : undefined;
    report.oil_direction = { macroF1: m.macroF1, accuracy: m.accuracy, nonReportMacroF1: mnr ? mnr.macroF1 : null, nonReportN: nr.length, perClass: m.perClass, n: ids.length };
  }
  if (fields.has('price_report')) {
    const ids = idx((r) => r.price_report);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const i of ids) {
      const g = rows[i].price_report!;
      const p = preds[i].price_report;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    const m = prf(tp, fp, fn);
    report.price_report = { precision: m.precision, recall: m.recall, f1: m.f1, support: m.support, n: ids.length };
  }
  if (fields.has('relevance')) {
    const ids = idx((r) => r.relevance);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const i of ids) {
      const g = rows[i].relevance! >= 60;
      const p = preds[i].relevance >= 60;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    const m = prf(tp, fp, fn);
    report.relevance = { spearman: spearman(ids.map((i) => rows[i].relevance!), ids.map((i) => preds[i].relevance)), f1At60: m.f1, precisionAt60: m.precision, recallAt60: m.recall, n: ids.length };
  }
  if (fields.has('sentiment')) {
    const ids = idx((r) => r.sentiment);
    const m = computeMetrics(ids.map((i) => rows[i].sentiment!), ids.map((i) => preds[i].sentiment), [...SENTIMENT_LABELS]);
    report.sentiment = { macroF1: m.macroF1, accuracy: m.accuracy, perClass: m.perClass, n: ids.length };
  }
  return report;
}

export function formatGoldReport(r: GoldReport, title: string): string {
  const f = (x: number | null | undefined) => (x === null || x === undefined ? '  -  ' : x.toFixed(3));
  const lines = [`${title} (n=${r.n})`];
  if (r.topics) {
    lines.push(`topics         micro-F1 ${f(r.topics.microF1)}  P ${f(r.topics.precision)}  R ${f(r.topics.recall)}  (n=${r.topics.n})`);
    for (const [t, m] of Object.entries(r.topics.perTopic)) lines.push(`  ${t.padEnd(12)} P ${f(m.precision)}  R ${f(m.recall)}  F1 ${f(m.f1)}  gold ${m.support}  predicted ${m.predicted}`);
  }
  if (r.oil_direction) lines.push(`oil_direction  macro-F1 ${f(r.oil_direction.macroF1)}  non-report macro-F1 ${f(r.oil_direction.nonReportMacroF1)} (n=${r.oil_direction.nonReportN})  accuracy ${f(r.oil_direction.accuracy)}`);
  if (r.price_report) lines.push(`price_report   F1 ${f(r.price_report.f1)}  P ${f(r.price_report.precision)}  R ${f(r.price_report.recall)}  (positives ${r.price_report.support})`);
  if (r.relevance) lines.push(`relevance      Spearman ${f(r.relevance.spearman)}  F1@60 ${f(r.relevance.f1At60)}  P@60 ${f(r.relevance.precisionAt60)}  R@60 ${f(r.relevance.recallAt60)}`);
  if (r.sentiment) lines.push(`sentiment      macro-F1 ${f(r.sentiment.macroF1)}  accuracy ${f(r.sentiment.accuracy)}`);
  return lines.join('\n');
}
