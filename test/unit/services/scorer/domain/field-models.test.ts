import { describe, expect, it } from 'vitest';
import { fieldPredictor, parseFieldModels, serializeFieldModels, trainFieldModels } from '../../../../../services/scorer/domain/field-models.ts';
import type { GoldRow, Prediction } from '../../../../../services/scorer/domain/gold-metrics.ts';

const rows: GoldRow[] = [];
for (let i = 0; i < 30; i++) {
  rows.push({ headline: `zorblat wins contract ${i}`, topics: ['macro'], oil_direction: 'bullish', relevance: 40, sentiment: 'positive' });
  rows.push({ headline: `quuxian loses lawsuit ${i}`, topics: [], oil_direction: 'bearish', relevance: 5, sentiment: 'negative' });
}
const rules: Prediction = { topics: [], oil_direction: 'neutral', price_report: false, relevance: 50, sentiment: 'neutral' };

describe('per-field learned models', () => {
  it('learns every labelled field and survives a JSON round trip', () => {
    const models = parseFieldModels(serializeFieldModels(trainFieldModels(rows)));
    expect(models.direction?.labels).toEqual(['bearish', 'neutral', 'bullish']);
    expect(Object.keys(models.topics ?? {})).toEqual(['macro']);
    const learned = fieldPredictor(models, 1)('zorblat wins contract 3', rules);
    expect(learned).toMatchObject({ topics: ['macro'], oil_direction: 'bullish', sentiment: 'positive' });
    expect(learned.relevance).toBeLessThan(50);
  });

  it('leaves the rules alone at weight 0, outside the chosen fields, and on a price report direction', () => {
    const models = trainFieldModels(rows);
    expect(fieldPredictor(models, 0)('zorblat wins contract 3', rules)).toEqual(rules);
    expect(fieldPredictor(models, 1, ['sentiment'])('zorblat wins contract 3', rules)).toEqual({ ...rules, sentiment: 'positive' });
    expect(fieldPredictor(models, 1)('zorblat wins contract 3', { ...rules, price_report: true, oil_direction: 'bearish' }).oil_direction).toBe('bearish');
  });

  it('refuses too few rows and a file of another format', () => {
    expect(() => trainFieldModels(rows.slice(0, 5))).toThrow(/at least 20/);
    expect(() => parseFieldModels('{"format":"x","vocab":[]}')).toThrow(/oilwire-field-models/);
  });
});
