/**
 * The one CSV reader (RFC 4180 through csv-parse): quoted fields may hold commas, doubled quotes
 * and line breaks (headline files are full of quoted commas: "Wall Street rises , limps ..."). A
 * quote that is never closed is an error naming its line, not a file silently swallowed into one
 * field; a stray quote inside an unquoted field is kept as text.
 */
import { CsvError, parse, type Options } from 'csv-parse/sync';
import { AppError } from './errors.ts';

const OPTIONS: Options = {
  bom: true,
  // Rows of different lengths are the caller's business (a header check names the columns it needs).
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  // Any of the three, mixed in one file (a header saved with LF above rows with CRLF); csv-parse would otherwise keep the first it meets.
  record_delimiter: ['\r\n', '\n', '\r'],
};

/** Rows of fields, empty lines skipped, a leading byte order mark dropped. Throws INPUT_INVALID with the line of a broken quote. */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, OPTIONS) as string[][];
  } catch (err) {
    // With these options a quote left open is csv-parse's only complaint about a text.
    if (!(err instanceof CsvError) || err.code !== 'CSV_QUOTE_NOT_CLOSED') throw err;
    const line = openingLine(text, Number(err.records));
    // csv-parse puts its counters on the error (typed as unknown).
    throw new AppError('INPUT_INVALID', `CSV: the quote opened on line ${line} is never closed (the file ends at line ${Number(err.lines)})`, { cause: err, details: { line } });
  }
}

/** One line of a file known to have no line breaks inside fields (price files); a line without quotes is split as is. */
export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  return parseCsv(line)[0] ?? [''];
}

/** The line on which the record after the first `complete` ones starts (only for the error message). */
function openingLine(text: string, complete: number): number {
  const after = complete === 0 ? 0 : (parse(text, { ...OPTIONS, info: true, to: complete }) as unknown as { info: { lines: number } }[])[complete - 1].info.lines;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let n = after;
  // Empty lines are skipped records; the line with the open quote is not empty, so this stops there.
  while (lines[n] === '') n++;
  return n + 1;
}
