/**
 * `oilwire score --input <csv|ndjson|-> [--column headline] [--format ndjson|csv]`: scores a
 * user's own file with the domain model, one output row per input row, passing `id` through.
 */
import { AppError } from '../../shared/errors.ts';
import { analyzeText } from './domain/analyze.ts';
import { csvField, decodeText, parseCsv } from './domain/eval-core.ts';
import { readInput, MAX_INPUT_BYTES } from './train.ts';

export interface ScoreFileOptions {
  input: string;
  column?: string;
  format?: 'ndjson' | 'csv';
}

export interface ScoredRow {
  id?: string;
  headline: string;
  topics: string[];
  oil_direction: string;
  oil_strength: number;
  price_report: boolean;
  relevance: number;
  sentiment: string;
  sentiment_score: number;
  entities: string[];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_INPUT_BYTES) throw new AppError('INPUT_TOO_LARGE', `stdin is over ${MAX_INPUT_BYTES} bytes`);
    chunks.push(b);
  }
  return decodeText(Buffer.concat(chunks));
}

/** Input rows as {id, text}: NDJSON when the first non-blank character is `{`, CSV with a header otherwise. */
export function parseScoreInput(text: string, column = 'headline'): { id?: string; text: string }[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    return text
      .split(/\r?\n/)
      .map((l, n) => [l, n] as const)
      .filter(([l]) => l.trim() !== '')
      .map(([l, n]) => {
        let o: unknown;
        try {
          o = JSON.parse(l);
        } catch {
          throw new AppError('INPUT_INVALID', `line ${n + 1} is not JSON`);
        }
        if (typeof o !== 'object' || o === null) throw new AppError('INPUT_INVALID', `line ${n + 1} is not a JSON object`);
        const rec = o as Record<string, unknown>;
        const v = rec[column] ?? rec.title ?? rec.text;
        const id = rec.id;
        return { id: id === undefined || id === null ? undefined : String(id), text: typeof v === 'string' ? v : '' };
      });
  }
  const rows = parseCsv(text);
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const want = column.toLowerCase();
  const ti = [want, 'headline', 'title', 'text'].map((h) => header.indexOf(h)).find((i) => i >= 0);
  if (ti === undefined) throw new AppError('INPUT_INVALID', `CSV has no "${column}" column (got: ${header.join(',').slice(0, 200)})`);
  const ii = header.indexOf('id');
  return rows.slice(1).map((r) => ({ id: ii >= 0 ? (r[ii] ?? '') : undefined, text: r[ti] ?? '' }));
}

export function scoreRow(row: { id?: string; text: string }): ScoredRow {
  const a = analyzeText(row.text);
  const out: ScoredRow = {
    headline: row.text,
    topics: a.topics,
    oil_direction: a.oil_direction.label,
    oil_strength: a.oil_direction.strength,
    price_report: a.price_report,
    relevance: a.relevance,
    sentiment: a.sentiment.label,
    sentiment_score: a.sentiment.score,
    entities: a.entities,
  };
  return row.id === undefined ? out : { id: row.id, ...out };
}

const CSV_COLUMNS = ['headline', 'topics', 'oil_direction', 'oil_strength', 'price_report', 'relevance', 'sentiment', 'sentiment_score', 'entities'] as const;

export function formatScored(rows: ScoredRow[], format: 'ndjson' | 'csv', withId: boolean): string {
  if (format === 'ndjson') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  const cols = withId ? ['id', ...CSV_COLUMNS] : [...CSV_COLUMNS];
  const cell = (r: ScoredRow, c: string): string => {
    const v = (r as unknown as Record<string, unknown>)[c];
    if (Array.isArray(v)) return v.join(';');
    if (typeof v === 'boolean') return v ? '1' : '0';
    return v === undefined ? '' : String(v);
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => csvField(cell(r, c))).join(','))].join('\n') + '\n';
}

export async function runScoreFile(options: ScoreFileOptions): Promise<string> {
  const text = options.input === '-' ? await readStdin() : await readInput(options.input);
  const input = parseScoreInput(text, options.column ?? 'headline');
  const rows = input.map(scoreRow);
  return formatScored(rows, options.format ?? 'ndjson', input.some((r) => r.id !== undefined));
}
