import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { readPriceReport } from '../../../../../services/scorer/domain/price-report.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

const read = (t: string) => readPriceReport(tokenize(t).low);

describe('price reports', () => {
  it('finds a stated move and its sign', () => {
    expect(read('Oil falls 3% as Gaza ceasefire hopes ease supply fears')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(read('Brent climbs above $80 after Houthi strikes')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(read("Oil prices steady as traders await OPEC+ meeting")).toEqual({ report: true, direction: 0, subject: 0 });
    expect(read('GLOBAL MARKETS-Stocks slide, oil jumps as Mideast conflict widens')).toEqual({ report: true, direction: 1, subject: 5 });
    expect(read('Oil set for third weekly loss as demand outlook dims')).toEqual({ report: true, direction: -1, subject: 0 });
    expect(read('Oil touches five-month high on tight supply')).toEqual({ report: true, direction: 1, subject: 0 });
    expect(read('Tanker attack off Yemen sends oil higher')).toEqual({ report: true, direction: 1, subject: 5 });
  });

  it('reads what a move word is about: pared gains fall, pared losses rise, a rally that fizzles falls', () => {
    expect(read('Oil pares gains after US data shows rise in inventories').direction).toBe(-1);
    expect(read('Crude pares losses in late trade').direction).toBe(1);
    expect(read('Oil rally fizzles as Iran tensions cool').direction).toBe(-1);
  });

  it('reads an analyst price forecast as a report of the price', () => {
    expect(read('Goldman raises Brent forecast to $95 on tighter supply')).toEqual({ report: true, direction: 1 });
    expect(read('Morgan Stanley cuts oil price forecast on weaker demand')).toEqual({ report: true, direction: -1 });
  });

  it('is not fooled by oil output, exports, companies, other oils or the price cap', () => {
    for (const t of ['Iraq oil exports from Basra hit record', 'Libya oil output recovers to 1.2 million bpd', 'Oil tanker hit by missile in Gulf of Aden', 'G7 agrees oil price cap on Russian crude', 'Olive oil prices hit record after drought', 'Palm oil futures extend gains', 'Oil major faces shareholder revolt', 'Fuel prices fall at the pump', 'OPEC raises global oil demand forecast']) {
      expect(read(t).report, t).toBe(false);
    }
  });

  it('makes the stated move the oil direction and the report relevant', () => {
    const a = analyzeText('Oil falls as Gaza ceasefire collapses');
    expect(a.price_report).toBe(true);
    expect(a.oil_direction.label).toBe('bearish');
    expect(a.relevance).toBeGreaterThanOrEqual(90);
    expect(analyzeText('Israel and Hamas agree ceasefire deal').price_report).toBe(false);
  });
});

describe('tone and turns of price reports', () => {
  it('takes the tone of the cause, not of the move (never the oil view)', () => {
    expect(analyzeText('Oil jumps after attack on Saudi oil plants').sentiment.label).toBe('negative');
    expect(analyzeText('Oil slides as Gaza ceasefire agreement is reached').sentiment.label).toBe('positive');
  });

  it('is neutral in tone with no cause, or with a cause that has no tone (a supply decision)', () => {
    expect(analyzeText('Oil falls 2% in early trade').sentiment).toEqual({ label: 'neutral', score: 0, confidence: 0.9 });
    expect(analyzeText('Brent hits five-month high').sentiment.label).toBe('neutral');
    expect(analyzeText('Oil rises as OPEC+ extends voluntary cuts').sentiment.label).toBe('neutral');
    expect(analyzeText('Oil rises as OPEC+ extends voluntary cuts').oil_direction.label).toBe('bullish');
  });

  it('reads the words before "sends oil higher" as the cause', () => {
    const a = analyzeText('Tanker attack off Yemen sends oil higher');
    expect(a.price_report).toBe(true);
    expect(a.sentiment.label).toBe('negative');
    expect(a.oil_direction.label).toBe('bullish');
  });

  it('reads the move that stands after a contrast', () => {
    expect(read('Oil rose early, but ended lower after inventory build').direction).toBe(-1);
  });
});
