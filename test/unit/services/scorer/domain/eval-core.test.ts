import { describe, expect, it } from 'vitest';
import { computeMetrics, csvField, decodeText, parseCsv, parseFpb, parseLabeledCsv } from '../../../../../services/scorer/domain/eval-core.ts';

describe('eval core', () => {
  it('parses RFC 4180 CSV with quotes, doubled quotes, CRLF and embedded newlines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
    expect(parseCsv(csvField('a "b", c') + ',1')).toEqual([['a "b", c', '1']]);
  });
  it('reads labeled CSV by header and normalizes labels', () => {
    expect(parseLabeledCsv('label,text\nPOS,good\nneg,bad\n,skipped\n')).toEqual([
      { text: 'good', label: 'positive' },
      { text: 'bad', label: 'negative' },
    ]);
    expect(() => parseLabeledCsv('foo,bar\n1,2')).toThrow(/header/);
  });
  it('parses the PhraseBank format (label after the last @)', () => {
    expect(parseFpb('Shares fell 5 % @ EUR 3@negative\r\n\nFine .@neutral\n')).toEqual([
      { text: 'Shares fell 5 % @ EUR 3', label: 'negative' },
      { text: 'Fine .', label: 'neutral' },
    ]);
    expect(() => parseFpb('no label here')).toThrow();
    expect(() => parseFpb('x@great')).toThrow(/negative\|neutral\|positive/);
  });
  it('decodes UTF-8, and Latin-1 when the bytes are not UTF-8', () => {
    expect(decodeText(Buffer.from('\ufeffcafé', 'utf8'))).toBe('café');
    expect(decodeText(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
  });
  it('computes accuracy, macro-F1, per-class precision/recall and the confusion matrix', () => {
    const m = computeMetrics(['a', 'a', 'b', 'b', 'c'], ['a', 'b', 'b', 'b', 'a'], ['a', 'b', 'c']);
    expect(m.accuracy).toBe(0.6);
    expect(m.perClass.a).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.perClass.b).toEqual({ precision: 0.6667, recall: 1, f1: 0.8, support: 2 });
    expect(m.perClass.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.macroF1).toBe(0.4333);
    expect(m.confusion).toEqual({ a: { a: 1, b: 1, c: 0 }, b: { a: 0, b: 2, c: 0 }, c: { a: 1, b: 0, c: 0 } });
  });
});

describe('decodeText', () => {
  it('drops one leading byte order mark and keeps text without one as it is', () => {
    expect(decodeText(Buffer.from('plain', 'utf8'))).toBe('plain');
    expect(decodeText(Buffer.from('a\ufeffb', 'utf8'))).toBe('a\ufeffb');
    // The UTF-8 decoder drops the first mark itself; decodeText drops one more.
    expect(decodeText(Buffer.from('\ufeff\ufeffx', 'utf8'))).toBe('x');
    expect(decodeText(new Uint8Array())).toBe('');
  });

  it('reads bytes that are not UTF-8 as Latin-1, a whole file at once', () => {
    // 0xe9 alone is no UTF-8; with it the valid UTF-8 of "é" is read byte by byte too.
    expect(decodeText(new Uint8Array([0xc3, 0xa9, 0x20, 0xe9, 0x80]))).toBe('Ã© é\u0080');
  });

  it('drops a UTF-8 byte order mark before bytes that are not UTF-8, so the header is still found', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('text,label\ncaf'), 0xe9, ...Buffer.from(',pos\n')]);
    expect(decodeText(bytes)).toBe('text,label\ncafé,pos\n');
    expect(parseLabeledCsv(decodeText(bytes))).toEqual([{ text: 'café', label: 'positive' }]);
    // Only the whole three-byte mark is one.
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0x41, 0xe9]))).toBe('ï»Aé');
    expect(decodeText(new Uint8Array([0xef, 0x41, 0xbf, 0xe9]))).toBe('ïA¿é');
    expect(decodeText(new Uint8Array([0x41, 0xbb, 0xbf, 0xe9]))).toBe('A»¿é');
  });
});

describe('csvField', () => {
  it('quotes a field with a quote, a comma, a carriage return or a line feed, doubling every quote', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('say "hi" "twice"')).toBe('"say ""hi"" ""twice"""');
    expect(csvField('')).toBe('');
  });
});

describe('parseLabeledCsv', () => {
  it('normalises every label alias, trimmed and in any case', () => {
    const labels = ['pos', ' 1 ', '+1', 'Bullish', 'NEG', '-1', 'bearish', 'neu', '0', 'Positive', 'Other'];
    const csv = `text,label\n${labels.map((l, i) => `t${i},${l}`).join('\n')}\n`;
    expect(parseLabeledCsv(csv).map((r) => r.label)).toEqual(['positive', 'positive', 'positive', 'bullish', 'negative', 'negative', 'bearish', 'neutral', 'neutral', 'positive', 'other']);
  });

  it('finds the text column as text, sentence, headline or title, in that order of preference', () => {
    expect(parseLabeledCsv('sentence,label\ns,pos\n')).toEqual([{ text: 's', label: 'positive' }]);
    expect(parseLabeledCsv('label,headline\npos,h\n')).toEqual([{ text: 'h', label: 'positive' }]);
    expect(parseLabeledCsv('title,label\nt,pos\n')).toEqual([{ text: 't', label: 'positive' }]);
    expect(parseLabeledCsv('title,headline,sentence,text,label\na,b,c,d,pos\n')).toEqual([{ text: 'd', label: 'positive' }]);
    expect(parseLabeledCsv('title,headline,label\na,b,pos\n')).toEqual([{ text: 'b', label: 'positive' }]);
  });

  it('finds the label column as the one asked for, then label, then sentiment; the header read trimmed and in any case', () => {
    expect(parseLabeledCsv(' Text , Sentiment \nt,neg\n')).toEqual([{ text: 't', label: 'negative' }]);
    expect(parseLabeledCsv('text,sentiment,label\nt,neg,pos\n')).toEqual([{ text: 't', label: 'positive' }]);
    expect(parseLabeledCsv('text,label,oil\nt,neg,bullish\n', 'oil')).toEqual([{ text: 't', label: 'bullish' }]);
    expect(parseLabeledCsv('text,label\nt,neg\n', 'oil')).toEqual([{ text: 't', label: 'negative' }]);
  });

  it('names the columns it needs and the header it got', () => {
    expect(() => parseLabeledCsv('Foo,Bar\n1,2', 'oil')).toThrow('CSV needs a header with text and oil columns (got: foo,bar)');
    expect(() => parseLabeledCsv('text,other\n1,2')).toThrow('CSV needs a header with text and label columns (got: text,other)');
    expect(() => parseLabeledCsv('label,other\n1,2')).toThrow(/header/);
    expect(() => parseLabeledCsv('')).toThrow('CSV is empty');
  });

  it('reads every row after the header, a missing cell as empty, and skips rows without a label', () => {
    expect(parseLabeledCsv('text,label\n')).toEqual([]);
    expect(parseLabeledCsv('label,text\npos\n,x\n  ,y\nneg,z\n')).toEqual([
      { text: '', label: 'positive' },
      { text: 'z', label: 'negative' },
    ]);
    expect(parseLabeledCsv('text,x,label\nonly text\n')).toEqual([]);
  });
});

describe('parseFpb', () => {
  it('skips blank and white-space lines and trims the sentence', () => {
    expect(parseFpb('  a b  @positive\n \t \r\n@neutral\n')).toEqual([
      { text: 'a b', label: 'positive' },
      { text: '', label: 'neutral' },
    ]);
    expect(parseFpb('')).toEqual([]);
  });

  it('normalises the label and names a bad line or label in the message, cut short', () => {
    expect(parseFpb('x@ POS ')).toEqual([{ text: 'x', label: 'positive' }]);
    const long = 'w'.repeat(100);
    expect(() => parseFpb(long)).toThrow(new RegExp(`^FPB line without "@label": w{80}$`));
    expect(() => parseFpb(`x@${long}`)).toThrow(`FPB label must be negative|neutral|positive, got "${'w'.repeat(40)}"`);
    expect(() => parseFpb('x@bullish')).toThrow(/got "bullish"/);
  });
});

describe('computeMetrics', () => {
  it('refuses gold and predicted lists of different lengths', () => {
    expect(() => computeMetrics(['a'], [])).toThrow('gold and predicted differ in length');
  });

  it('takes the sorted union of gold and predicted labels when none are given', () => {
    const m = computeMetrics(['b', 'a'], ['c', 'a']);
    expect(m.labels).toEqual(['a', 'b', 'c']);
    expect(m.confusion).toEqual({ a: { a: 1, b: 0, c: 0 }, b: { a: 0, b: 0, c: 1 }, c: { a: 0, b: 0, c: 0 } });
    expect(m.perClass.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.accuracy).toBe(0.5);
    expect(m.macroF1).toBe(0.3333);
    expect(m.n).toBe(2);
  });

  it('counts a gold or predicted label outside the given labels in the matrix, not in the classes', () => {
    const m = computeMetrics(['a', 'x', 'a'], ['y', 'a', 'a'], ['a']);
    expect(m.labels).toEqual(['a']);
    expect(m.confusion).toEqual({ a: { a: 1, y: 1 }, x: { a: 1 } });
    // a: predicted 2 times (one right), gold 2 times (one right).
    expect(m.perClass).toEqual({ a: { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 } });
    expect(m.accuracy).toBe(0.3333);
    // A gold label outside the list gets a full row, zeros included.
    expect(computeMetrics(['x'], ['a'], ['a', 'b']).confusion).toStrictEqual({ a: { a: 0, b: 0 }, b: { a: 0, b: 0 }, x: { a: 1, b: 0 } });
  });

  it('rounds to four places and gives 0, not NaN, for nothing to measure', () => {
    const m = computeMetrics(['a', 'a', 'a', 'b', 'b', 'b', 'b'], ['a', 'b', 'b', 'b', 'b', 'b', 'b'], ['a', 'b']);
    expect(m.perClass.a).toEqual({ precision: 1, recall: 0.3333, f1: 0.5, support: 3 });
    expect(m.perClass.b).toEqual({ precision: 0.6667, recall: 1, f1: 0.8, support: 4 });
    expect(m.accuracy).toBe(0.7143);
    expect(m.macroF1).toBe(0.65);
    expect(computeMetrics([], [])).toEqual({ n: 0, accuracy: 0, macroF1: 0, perClass: {}, confusion: {}, labels: [] });
    expect(computeMetrics([], [], ['a'])).toEqual({ n: 0, accuracy: 0, macroF1: 0, perClass: { a: { precision: 0, recall: 0, f1: 0, support: 0 } }, confusion: { a: { a: 0 } }, labels: ['a'] });
  });

  it('gives macro-F1 as the mean of the classes\' F1', () => {
    // a: precision 1/4, recall 1/2, F1 1/3; b: 1/2, 1/2, 1/2; c: 0.
    const m = computeMetrics(['a', 'a', 'b', 'b', 'c', 'c'], ['a', 'b', 'b', 'a', 'a', 'a'], ['a', 'b', 'c']);
    expect(m.perClass.a).toEqual({ precision: 0.25, recall: 0.5, f1: 0.3333, support: 2 });
    expect(m.perClass.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.macroF1).toBe(0.2778);
  });
});
