import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvLine } from '../../../shared/csv.ts';
import { AppError } from '../../../shared/errors.ts';

function failure(text: string): AppError {
  try {
    parseCsv(text);
  } catch (err) {
    return err as AppError;
  }
  throw new Error('parseCsv did not throw');
}

describe('parseCsv', () => {
  it('keeps quoted commas, doubled quotes and line breaks inside fields', () => {
    expect(parseCsv('date,headline\n2018-12-31,"Wall Street rises , limps ""home"""\r\n2018-12-30,"two\nlines"\n')).toEqual([
      ['date', 'headline'],
      ['2018-12-31', 'Wall Street rises , limps "home"'],
      ['2018-12-30', 'two\nlines'],
    ]);
  });

  it('reads LF, CRLF and CR line ends mixed in one file (an LF header above CRLF rows)', () => {
    expect(parseCsv('date,headline\n2018-12-31,"a , b"\r\n2018-12-30,c\r2018-12-29,"d"\r\n')).toEqual([
      ['date', 'headline'],
      ['2018-12-31', 'a , b'],
      ['2018-12-30', 'c'],
      ['2018-12-29', 'd'],
    ]);
  });

  it('drops a byte order mark and empty lines, keeps rows of any length and a stray quote inside an unquoted field', () => {
    expect(parseCsv('\uFEFFa,b\n\n1\n\r\n2,3,4\nsays "no",5\n')).toEqual([['a', 'b'], ['1'], ['2', '3', '4'], ['says "no"', '5']]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv(',\n')).toEqual([['', '']]);
  });

  it('refuses a quote that is never closed, naming the line it opened on, instead of swallowing the rest of the file', () => {
    const err = failure('date,headline\n2018-12-31,ok\n2018-12-30,"never closed\n2018-12-29,lost\n');
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('INPUT_INVALID');
    expect(err.message).toBe('CSV: the quote opened on line 3 is never closed (the file ends at line 4)');
    expect(err.details).toEqual({ line: 3 });
  });

  it('counts empty lines and multi-line fields before a broken quote', () => {
    expect(failure('a,b\n"two\nlines",1\n\n\n3,"open').message).toBe('CSV: the quote opened on line 6 is never closed (the file ends at line 6)');
    expect(failure('"open\n1\n').details).toEqual({ line: 1 });
    expect(failure('\n\n"open').details).toEqual({ line: 3 });
    expect(failure('a\nb\r\nc\rd\n\ne,"open\nf').details).toEqual({ line: 6 });
    // A byte order mark is not a line's content: the empty line after it is still skipped.
    expect(failure('\uFEFF\n"open').details).toEqual({ line: 2 });
  });
});

describe('parseCsvLine', () => {
  it('splits a line without quotes as it is, and reads quoted fields', () => {
    expect(parseCsvLine('a,,b ,')).toEqual(['a', '', 'b ', '']);
    expect(parseCsvLine('a,"b,c",d')).toEqual(['a', 'b,c', 'd']);
    expect(parseCsvLine('"x ""y"""')).toEqual(['x "y"']);
    expect(parseCsvLine('""')).toEqual(['']);
  });
});
