/** The headline file of `oilwire study`: read, parsed into headlines, and turned into the pipeline's `news.raw` events. */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { NewsRaw } from '../../shared/contracts/events.ts';
import { articleId } from '../../shared/contracts/ids.ts';
import { AppError } from '../../shared/errors.ts';
import { parseCsv } from '../../shared/csv.ts';
import { isDateOnly, parseDateOrTime, toIso } from '../../shared/contracts/time.ts';

export interface StudyHeadline {
  ts: number;
  precision: 'date' | 'time';
  source: string;
  headline: string;
  line: number;
}

export interface ParsedHeadlines {
  headlines: StudyHeadline[];
  rejected: { line: number; reason: string }[];
}

/**
 * `date,headline` (a day, no time: placed at the start of that day, UTC) or
 * `ts,source,headline` (a time; a bare date there is a date too). Quoted fields may hold commas.
 */
export function parseHeadlines(text: string, defaultSource: string): ParsedHeadlines {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const tsCol = col('ts', 'date', 'time', 'published_at', 'timestamp');
  const textCol = col('headline', 'title', 'text');
  const sourceCol = col('source');
  if (tsCol < 0 || textCol < 0) throw new AppError('INPUT_INVALID', `headline file header must be "date,headline" or "ts,source,headline", got "${(rows[0] ?? []).join(',')}"`);
  const headlines: StudyHeadline[] = [];
  const rejected: { line: number; reason: string }[] = [];
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    const when = (r[tsCol] ?? '').trim();
    const headline = (r[textCol] ?? '').trim().replace(/\s+/g, ' ');
    if (!headline) {
      rejected.push({ line: i + 1, reason: 'empty_headline' });
      continue;
    }
    const dateOnly = isDateOnly(when);
    const ts = parseDateOrTime(when);
    if (!Number.isFinite(ts)) {
      rejected.push({ line: i + 1, reason: 'bad_date' });
      continue;
    }
    const source = (sourceCol >= 0 ? (r[sourceCol] ?? '').trim() : '') || defaultSource;
    headlines.push({ ts, precision: dateOnly ? 'date' : 'time', source, headline: headline.slice(0, 2000), line: i + 1 });
  }
  return { headlines, rejected };
}

/** The headline file, parsed; a file without a source column takes its name (without extension) as the source. */
export function readHeadlines(path: string): ParsedHeadlines {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError('INPUT_INVALID', `cannot read headline file ${path}: ${(err as Error).message}`);
  }
  return parseHeadlines(text, basename(path, extname(path)));
}

export function toNewsRaw(h: StudyHeadline): NewsRaw {
  const at = toIso(h.ts);
  const when = h.precision === 'date' ? at.slice(0, 10) : at;
  return {
    schema: 'news.raw/v1',
    id: articleId({ guid: `${when}|${h.headline}`, source: h.source }),
    source: h.source.slice(0, 200),
    url: null,
    title: h.headline,
    summary: '',
    published_at: at,
    published_precision: h.precision,
    fetched_at: at,
    tags: ['study'],
  };
}
