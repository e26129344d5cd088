import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { BANDS, relevanceBand } from '../../../../../services/scorer/domain/relevance.ts';

const base = { priceReport: false, titleOil: 0, oil: 0, topics: [] as const, channel: false, entityWeight: 0, strength: 0 };

describe('relevance bands (docs/taxonomy.md)', () => {
  it('puts each kind of headline in its band', () => {
    expect(relevanceBand({ ...base, priceReport: true, titleOil: 2, oil: 2 })).toBeGreaterThanOrEqual(90);
    expect(relevanceBand({ ...base, topics: ['opec'], oil: 1 })).toBeGreaterThanOrEqual(85);
    const diplomacy = relevanceBand({ ...base, topics: ['mediation'], channel: true, entityWeight: 3, strength: 0.3 });
    expect(diplomacy).toBeGreaterThanOrEqual(60);
    expect(diplomacy).toBeLessThan(90);
    const macro = relevanceBand({ ...base, topics: ['macro'], strength: 0.2 });
    expect(macro).toBeGreaterThanOrEqual(30);
    expect(macro).toBeLessThan(60);
    expect(relevanceBand(base)).toBeLessThan(30);
  });

  it('scores Middle-East diplomacy without an oil word at 60-89, above the default alert threshold', () => {
    for (const t of ['Iran rejects US proposal for direct talks', 'Qatar says Gaza ceasefire talks at a critical stage', 'Israel and Hezbollah agree to US-brokered ceasefire']) {
      const r = analyzeText(t).relevance;
      expect(r, t).toBeGreaterThanOrEqual(60);
      expect(r, t).toBeLessThan(90);
    }
  });

  it('keeps general business news under 30 and oil-price compounds in the oil band', () => {
    expect(analyzeText('Disney merger talks with Comcast collapse over price').relevance).toBeLessThan(30);
    expect(analyzeText('G7 agrees $60 price cap on Russian oil').relevance).toBeGreaterThanOrEqual(85);
  });
});

describe('relevance bands, the place inside each band', () => {
  const band = (x: Partial<Parameters<typeof relevanceBand>[0]>) => relevanceBand({ ...base, ...x });

  it('keeps every band inside the range docs/taxonomy.md gives it', () => {
    // The taxonomy's ranges (90-100 price reports, 85-100 direct oil news, 60-89 geopolitics with an oil
    // channel, 30-59 macro and energy-adjacent, 0-29 unrelated); a channel alone may reach the alert line, 60.
    const ranges: Record<keyof typeof BANDS, [number, number]> = {
      priceReport: [90, 100],
      directOil: [85, 100],
      geopoliticsWithChannel: [60, 89],
      geopoliticsElsewhere: [30, 59],
      macroOrEnergy: [30, 59],
      channelOnly: [30, 60],
      unrelated: [0, 29],
    };
    expect(Object.keys(BANDS).sort()).toEqual(Object.keys(ranges).sort());
    for (const [name, { floor, span }] of Object.entries(BANDS) as [keyof typeof BANDS, { floor: number; span: number }][]) {
      const [lo, hi] = ranges[name];
      expect(floor, name).toBeGreaterThanOrEqual(lo);
      expect(floor + span, name).toBeLessThanOrEqual(hi);
      expect(span, name).toBeGreaterThan(0);
    }
  });

  it('places a price report by strength and geopolitics, strength held to 0..1', () => {
    expect(band({ priceReport: true })).toBe(94);
    expect(band({ priceReport: true, strength: 1 })).toBe(96);
    expect(band({ priceReport: true, strength: 5 })).toBe(96);
    expect(band({ priceReport: true, strength: -1 })).toBe(94);
    expect(band({ priceReport: true, topics: ['shipping'] })).toBe(96);
    expect(band({ priceReport: true, strength: 1, topics: new Set(['ceasefire'] as const) })).toBe(99);
  });

  it('reads crude in the title with a move, geopolitics or macro, products with a producer and a move, or OPEC and inventories, as direct oil news', () => {
    expect(band({ titleOil: 2, strength: 0.5 })).toBe(90);
    expect(band({ titleOil: 2, topics: ['macro'] })).toBe(89);
    expect(band({ titleOil: 2, topics: ['military'] })).toBe(93);
    expect(band({ titleOil: 2, strength: 1, topics: ['opec', 'sanctions'] })).toBe(97);
    expect(band({ titleOil: 1, strength: 0.5, producer: true })).toBe(87);
    expect(band({ topics: ['inventories'] })).toBe(85);
    expect(band({ topics: new Set(['opec'] as const) })).toBe(85);
    // Not direct: crude named with nothing else, products without a producer or without a move.
    expect(band({ titleOil: 2 })).toBe(0);
    expect(band({ titleOil: 1.9, strength: 0.5 })).toBe(3);
    expect(band({ titleOil: 1, strength: 0.5 })).toBe(3);
    expect(band({ titleOil: 1, producer: true })).toBe(0);
    expect(band({ titleOil: 0.9, strength: 0.5, producer: true })).toBe(3);
  });

  it('places geopolitics with an oil channel by strength, oil named, topics and entities, each part capped', () => {
    expect(band({ topics: ['mediation'], channel: true })).toBe(65);
    expect(band({ topics: ['mediation'], oil: 1 })).toBe(76);
    expect(band({ topics: ['mediation', 'ceasefire'], oil: 0.5, entityWeight: 1, strength: 0.2 })).toBe(81);
    expect(band({ topics: ['mediation', 'ceasefire', 'sanctions', 'military'], channel: true, entityWeight: 10 })).toBe(73);
    expect(band({ topics: ['mediation', 'ceasefire', 'sanctions', 'military', 'shipping'], oil: 1, channel: true, entityWeight: 10, strength: 1 })).toBe(89);
  });

  it('places geopolitics elsewhere by strength and entities', () => {
    expect(band({ topics: ['military'] })).toBe(35);
    expect(band({ topics: ['military'], strength: 0.4, entityWeight: 2 })).toBe(43);
    expect(band({ topics: ['military'], strength: 1, entityWeight: 10 })).toBe(55);
    expect(band({ topics: ['military'], entityWeight: 10 })).toBe(45);
  });

  it('places macro, other energy and oil companies by oil named, strength and entities', () => {
    expect(band({ topics: ['macro'] })).toBe(35);
    expect(band({ oil: 0.5, strength: 1, entityWeight: 10 })).toBe(57);
    expect(band({ oil: 0.5 })).toBe(46);
    expect(band({ oilCompany: true, strength: 0.5, entityWeight: 1 })).toBe(39);
    expect(band({ topics: ['macro'], entityWeight: 10 })).toBe(39);
  });

  it('places a named channel alone, and unrelated news, by entities and strength', () => {
    expect(band({ channel: true })).toBe(40);
    expect(band({ channel: true, entityWeight: 3, strength: 0.5 })).toBe(49);
    expect(band({ channel: true, entityWeight: 20, strength: 1 })).toBe(60);
    expect(band({ entityWeight: 2, strength: 0.5 })).toBe(11);
    expect(band({ entityWeight: 10, strength: 1 })).toBe(27);
  });
});
