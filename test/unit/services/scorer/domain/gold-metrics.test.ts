import { describe, expect, it } from 'vitest';
import { fmix32, goldMetrics, parseGoldCsv, selectSplit, spearman, splitOf, TEST_SHARE, type Prediction } from '../../../../../services/scorer/domain/gold-metrics.ts';

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
