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
