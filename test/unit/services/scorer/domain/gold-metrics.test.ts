import { describe, expect, it } from 'vitest';
import { fmix32, formatGoldReport, goldMetrics, parseGoldCsv, selectSplit, spearman, splitOf, TEST_SHARE, type GoldReport, type Prediction } from '../../../../../services/scorer/domain/gold-metrics.ts';

const CSV = `story,headline,topics,oil_direction,price_report,relevance,sentiment
s1,Oil falls as truce holds,ceasefire,bearish,1,95,neutral
s1,"Crude slides, truce holds",ceasefire,bearish,1,94,neutral
s2,Iran talks stall,mediation,bullish,0,80,negative
s3,Bakery wins award,,neutral,0,2,positive
`;

describe('gold metrics', () => {
  it('parses every field and refuses unknown labels with the line number', () => {
    const { rows, fields } = parseGoldCsv(CSV);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatchObject({ story: 's1', headline: 'Crude slides, truce holds', topics: ['ceasefire'], price_report: true, relevance: 94 });
    expect(rows[3].topics).toEqual([]);
    expect([...fields].sort()).toEqual(['oil_direction', 'price_report', 'relevance', 'sentiment', 'topics']);
    expect(() => parseGoldCsv('headline,topics\nx,wars\n')).toThrow(/line 2.*wars/);
    expect(() => parseGoldCsv('headline,oil_direction\nx,up\n')).toThrow(/line 2/);
    expect(() => parseGoldCsv('title_x\nx\n')).toThrow(/headline/);
  });

  it('splits by story so rewrites of one event stay together', () => {
    const { rows } = parseGoldCsv(CSV);
    expect(splitOf('s1')).toBe(splitOf('s1'));
    const test = selectSplit(rows, 'test');
    const train = selectSplit(rows, 'train');
    expect(test.length + train.length).toBe(rows.length);
    expect(test.filter((r) => r.story === 's1').length === 0 || train.filter((r) => r.story === 's1').length === 0).toBe(true);
  });

  it('spreads numbered ids of one file over both splits near the test share, whatever the prefix', () => {
    for (const prefix of ['b4-', 'b10-', 'b12-', 'story-']) {
      const ids = Array.from({ length: 400 }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);
      const share = ids.filter((id) => splitOf(id) === 'test').length / ids.length;
      // 400 draws at 0.25: a binomial standard deviation of about 0.022.
      expect(share, prefix).toBeGreaterThan(TEST_SHARE - 0.08);
      expect(share, prefix).toBeLessThan(TEST_SHARE + 0.08);
    }
  });

  it('mixes the hash with MurmurHash3\'s finaliser', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(fmix32(0xffffffff)).toBe(0x81f16f39);
  });

  it('computes Spearman with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(spearman([1, 1, 2, 2], [1, 1, 2, 2])).toBe(1);
  });

  it('scores each field: micro-F1 over topics, direction on non-report rows, price_report F1, relevance at 60', () => {
    const { rows, fields } = parseGoldCsv(CSV);
    const preds: Prediction[] = [
      { topics: ['ceasefire'], oil_direction: 'bearish', price_report: true, relevance: 96, sentiment: 'neutral' },
      { topics: ['ceasefire', 'military'], oil_direction: 'bearish', price_report: true, relevance: 93, sentiment: 'neutral' },
      { topics: [], oil_direction: 'neutral', price_report: true, relevance: 40, sentiment: 'negative' },
      { topics: [], oil_direction: 'neutral', price_report: false, relevance: 5, sentiment: 'positive' },
    ];
    const r = goldMetrics(rows, preds, fields);
    // tp 2 (ceasefire x2), fp 1 (military), fn 1 (mediation).
    expect(r.topics!.microF1).toBeCloseTo(2 / 3, 3);
    expect(r.topics!.perTopic.mediation).toMatchObject({ support: 1, predicted: 0, recall: 0 });
    expect(r.oil_direction!.nonReportN).toBe(2);
    expect(r.price_report!.precision).toBeCloseTo(2 / 3, 3);
    expect(r.price_report!.recall).toBe(1);
    expect(r.relevance!.recallAt60).toBeCloseTo(2 / 3, 3);
    expect(r.sentiment!.accuracy).toBe(1);
  });
});

// Rows and labels written for these tests (none taken from a data set).
describe('gold CSV: columns, cells and refusals', () => {
  it('finds the columns by any of their names, case- and space-blind, and lists only the fields present', () => {
    const { rows, fields } = parseGoldCsv(' ID ,Story_ID, Title ,Direction\nx1,s9,Oil rises,BULLISH\n');
    expect(rows).toEqual([{ id: 'x1', story: 's9', headline: 'Oil rises', oil_direction: 'bullish' }]);
    expect([...fields]).toEqual(['oil_direction']);
    for (const h of ['headline', 'text', 'sentence']) expect(parseGoldCsv(`${h}\nOil rises\n`).rows, h).toEqual([{ headline: 'Oil rises' }]);
    expect(parseGoldCsv('headline\nOil rises\n').fields.size).toBe(0);
  });

  it('reads a short row\'s missing cells as not labelled', () => {
    expect(parseGoldCsv('headline,sentiment,relevance,price_report,oil_direction,topics\nOil rises\n').rows).toEqual([{ headline: 'Oil rises', topics: [] }]);
  });

  it('reads topics split on ";" or "|", trimmed, lower-cased, "none" and duplicates dropped', () => {
    expect(parseGoldCsv('headline,topics\nx, OPEC | macro;opec ;none;\ny,NONE\n').rows.map((r) => r.topics)).toEqual([['opec', 'macro'], []]);
  });

  it('reads price_report as 1/true/yes or 0/false/no in any case', () => {
    const rows = parseGoldCsv('headline,price_report\na,1\nb,TRUE\nc,Yes\nd,0\ne,false\nf,NO\ng,\n').rows;
    expect(rows.map((r) => r.price_report)).toEqual([true, true, true, false, false, false, undefined]);
  });

  it('reads relevance from 0 to 100', () => {
    expect(parseGoldCsv('headline,relevance\na,0\nb,100\nc,59.5\n').rows.map((r) => r.relevance)).toEqual([0, 100, 59.5]);
  });

  it('refuses a bad cell with its line and the value, cut short', () => {
    const bad = (header: string, cell: string) => () => parseGoldCsv(`headline,${header}\nok,\nx,${cell}\n`);
    expect(bad('topics', `wars${'x'.repeat(60)}`)).toThrow(`line 3: unknown topic "wars${'x'.repeat(36)}" (known: mediation, ceasefire, sanctions, military, shipping, opec, inventories, macro)`);
    expect(bad('oil_direction', `up${'x'.repeat(30)}`)).toThrow(`line 3: oil_direction must be bearish|neutral|bullish, got "up${'x'.repeat(18)}"`);
    expect(bad('price_report', `maybe${'x'.repeat(30)}`)).toThrow(`line 3: price_report must be 0 or 1, got "maybe${'x'.repeat(15)}"`);
    for (const v of ['-1', '101', 'abc', 'Infinity']) expect(bad('relevance', v), v).toThrow(`line 3: relevance must be 0-100, got "${v}"`);
    expect(bad('relevance', '1'.repeat(30))).toThrow(`got "${'1'.repeat(20)}"`);
    expect(bad('sentiment', `glad${'x'.repeat(30)}`)).toThrow(`line 3: sentiment must be negative|neutral|positive, got "glad${'x'.repeat(16)}"`);
  });

  it('refuses an empty file and a file without a headline column, naming the columns it has', () => {
    expect(() => parseGoldCsv('')).toThrow('CSV is empty');
    expect(() => parseGoldCsv(`Story,${'c'.repeat(300)}\ns1,x\n`)).toThrow(`gold CSV needs a headline column (got: ${`story,${'c'.repeat(300)}`.slice(0, 200)})`);
  });
});

describe('gold splits', () => {
  it('returns every row for "all", and splits by story, else id, else headline', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ headline: `h${i}`, ...(i % 3 === 0 ? { story: `s${i}` } : i % 3 === 1 ? { id: `i${i}` } : {}) }));
    expect(selectSplit(rows, 'all')).toBe(rows);
    const key = (r: { story?: string; id?: string; headline: string }) => r.story ?? r.id ?? r.headline;
    expect(selectSplit(rows, 'test')).toEqual(rows.filter((r) => splitOf(key(r)) === 'test'));
    expect(selectSplit(rows, 'train')).toEqual(rows.filter((r) => splitOf(key(r)) === 'train'));
    expect(selectSplit(rows, 'test').length).toBeGreaterThan(0);
    expect(selectSplit(rows, 'train').length).toBeGreaterThan(0);
    // An empty story falls back to the id.
    expect(selectSplit([{ story: '', id: 'i1', headline: 'h' }], 'test')).toHaveLength(splitOf('i1') === 'test' ? 1 : 0);
    expect(selectSplit([{ story: '', id: 'i1', headline: 'h' }], 'train')).toHaveLength(splitOf('i1') === 'train' ? 1 : 0);
  });
});

describe('Spearman: average ranks for ties', () => {
  it('ranks tied values at their mean rank, in any input order', () => {
    expect(spearman([1, 1, 2], [1, 2, 3])).toBe(0.866);
    expect(spearman([3, 1, 3, 2], [1, 2, 3, 4])).toBe(-0.2108);
  });

  it('is 0 for lists of other lengths, fewer than two values or a constant list', () => {
    expect(spearman([1, 2], [1, 2, 3])).toBe(0);
    expect(spearman([1], [1])).toBe(0);
    expect(spearman([5, 5, 5], [1, 2, 3])).toBe(0);
    expect(spearman([1, 2, 3], [7, 7, 7])).toBe(0);
  });
});

describe('gold metrics, field by field', () => {
  const CSV2 = `story,headline,topics,oil_direction,price_report,relevance,sentiment
a,H1,opec;macro,bullish,1,60,positive
b,H2,,bearish,0,59,negative
c,H3,opec,neutral,0,,neutral
d,H4,,,,,
`;
  const preds: Prediction[] = [
    { topics: ['opec'], oil_direction: 'bullish', price_report: true, relevance: 70, sentiment: 'positive' },
    { topics: ['macro'], oil_direction: 'bullish', price_report: true, relevance: 60, sentiment: 'negative' },
    { topics: ['opec'], oil_direction: 'neutral', price_report: false, relevance: 10, sentiment: 'positive' },
    { topics: [], oil_direction: 'neutral', price_report: false, relevance: 0, sentiment: 'neutral' },
  ];
  const zero = { precision: 0, recall: 0, f1: 0, support: 0, predicted: 0 };

  it('counts each field over its labelled rows: topics micro, direction and sentiment by class, price report, relevance at 60', () => {
    const { rows, fields } = parseGoldCsv(CSV2);
    expect(goldMetrics(rows, preds, fields)).toEqual({
      n: 4,
      // opec tp 2; macro fp 1 (row 2) and fn 1 (row 1): micro P = R = 2/3.
      topics: { microF1: 0.6667, precision: 0.6667, recall: 0.6667, n: 4, perTopic: { mediation: zero, ceasefire: zero, sanctions: zero, military: zero, shipping: zero, inventories: zero, opec: { precision: 1, recall: 1, f1: 1, support: 2, predicted: 2 }, macro: { precision: 0, recall: 0, f1: 0, support: 1, predicted: 1 } } },
      oil_direction: {
        macroF1: 0.5556,
        accuracy: 0.6667,
        nonReportMacroF1: 0.3333,
        nonReportN: 2,
        perClass: { bearish: { precision: 0, recall: 0, f1: 0, support: 1 }, neutral: { precision: 1, recall: 1, f1: 1, support: 1 }, bullish: { precision: 0.5, recall: 1, f1: 0.6667, support: 1 } },
        n: 3,
      },
      price_report: { precision: 0.5, recall: 1, f1: 0.6667, support: 1, n: 3 },
      // 60 is relevant, 59 is not: tp 1 (row 1), fp 1 (row 2 predicted 60).
      relevance: { spearman: 1, f1At60: 0.6667, precisionAt60: 0.5, recallAt60: 1, n: 2 },
      sentiment: { macroF1: 0.5556, accuracy: 0.6667, perClass: { negative: { precision: 1, recall: 1, f1: 1, support: 1 }, neutral: { precision: 0, recall: 0, f1: 0, support: 1 }, positive: { precision: 0.5, recall: 1, f1: 0.6667, support: 1 } }, n: 3 },
    });
  });

  it('reports only the fields asked for, no non-report direction without non-report rows, and refuses lists of other lengths', () => {
    const { rows } = parseGoldCsv(CSV2);
    expect(goldMetrics(rows, preds, new Set(['relevance']))).toEqual({ n: 4, relevance: { spearman: 1, f1At60: 0.6667, precisionAt60: 0.5, recallAt60: 1, n: 2 } });
    const noFlag = rows.map((r) => ({ ...r, price_report: undefined }));
    expect(goldMetrics(noFlag, preds, new Set(['oil_direction'])).oil_direction).toMatchObject({ nonReportMacroF1: null, nonReportN: 0, n: 3 });
    expect(goldMetrics([], [], new Set(['topics', 'oil_direction', 'price_report', 'relevance', 'sentiment']))).toMatchObject({ n: 0, topics: { microF1: 0, n: 0 }, price_report: { f1: 0, n: 0 }, relevance: { spearman: 0, n: 0 } });
    expect(() => goldMetrics(rows, preds.slice(1), new Set())).toThrow('gold and predicted differ in length');
  });

  it('counts a missed price report and a missed relevant row as false negatives', () => {
    const rows = [{ headline: 'a', price_report: true, relevance: 80 }, { headline: 'b', price_report: false, relevance: 10 }];
    const p = preds.slice(2);
    expect(goldMetrics(rows, p, new Set(['price_report', 'relevance']))).toEqual({ n: 2, price_report: { precision: 0, recall: 0, f1: 0, support: 1, n: 2 }, relevance: { spearman: 1, f1At60: 0, precisionAt60: 0, recallAt60: 0, n: 2 } });
  });
});

describe('the gold report as text', () => {
  it('writes one line per field, each topic indented, missing figures as a dash', () => {
    const m = { precision: 0.5, recall: 1, f1: 0.66666, support: 3, predicted: 6 };
    const r: GoldReport = {
      n: 9,
      topics: { microF1: 0.25, precision: 0.125, recall: 1, n: 9, perTopic: { opec: m } },
      oil_direction: { macroF1: 0.5, accuracy: 0.75, nonReportMacroF1: null, nonReportN: 0, perClass: {}, n: 9 },
      price_report: { precision: 0.5, recall: 1, f1: 0.6667, support: 2, n: 9 },
      relevance: { spearman: -0.5, f1At60: 0.1, precisionAt60: 0.2, recallAt60: 0.3, n: 9 },
      sentiment: { macroF1: 0.4, accuracy: 0.6, perClass: {}, n: 9 },
    };
    expect(formatGoldReport(r, 'Gold').split('\n')).toEqual([
      'Gold (n=9)',
      'topics         micro-F1 0.250  P 0.125  R 1.000  (n=9)',
      '  opec         P 0.500  R 1.000  F1 0.667  gold 3  predicted 6',
      'oil_direction  macro-F1 0.500  non-report macro-F1   -   (n=0)  accuracy 0.750',
      'price_report   F1 0.667  P 0.500  R 1.000  (positives 2)',
      'relevance      Spearman -0.500  F1@60 0.100  P@60 0.200  R@60 0.300',
      'sentiment      macro-F1 0.400  accuracy 0.600',
    ]);
    expect(formatGoldReport({ n: 0 }, 'Empty')).toBe('Empty (n=0)');
  });
});

describe('gold CSV and metrics: edges found by mutation testing', () => {
  it('reads a field in the first column, a quoted id with spaces trimmed, and a row without its headline cell', () => {
    const first = { topics: 'opec', oil_direction: 'bullish', price_report: '1', relevance: '70', sentiment: 'positive' } as const;
    for (const [name, value] of Object.entries(first)) {
      const { rows, fields } = parseGoldCsv(`${name},headline\n${value},Oil rises\n`);
      expect([...fields], name).toEqual([name]);
      expect(rows[0], name).toHaveProperty(name);
    }
    expect(parseGoldCsv('id,headline\n" x1 ",Oil rises\n').rows[0].id).toBe('x1');
    expect(parseGoldCsv('id,story,headline\nx1\n').rows).toEqual([{ id: 'x1', story: '', headline: '' }]);
  });

  it('computes recall with as many misses as hits, and leaves out the fields not asked for', () => {
    const rows = [{ headline: 'a', price_report: true }, { headline: 'b', price_report: true }];
    const p: Prediction[] = [{ topics: [], oil_direction: 'neutral', price_report: true, relevance: 0, sentiment: 'neutral' }, { topics: [], oil_direction: 'neutral', price_report: false, relevance: 0, sentiment: 'neutral' }];
    expect(goldMetrics(rows, p, new Set(['price_report']))).toEqual({ n: 2, price_report: { precision: 1, recall: 0.5, f1: 0.6667, support: 2, n: 2 } });
  });
});
