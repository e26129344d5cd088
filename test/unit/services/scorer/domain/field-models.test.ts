import { describe, expect, it } from 'vitest';
import { fieldPredictor, parseFieldModels, serializeFieldModels, trainFieldModels } from '../../../../../services/scorer/domain/field-models.ts';
import type { GoldRow, Prediction } from '../../../../../services/scorer/domain/gold-metrics.ts';
import { predictLogits, softmax } from '../../../../../services/scorer/domain/linear-model.ts';

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

// Made-up words (none taken from a data set): "zorblat" rows are bullish macro news, "quuxian" rows bearish and unrelated.
describe('per-field learned models: training', () => {
  it('builds the vocabulary from the headlines\' words in first-seen order after <unk>, without punctuation', () => {
    const withMarks = rows.map((r, i) => (i === 0 ? { ...r, headline: 'Zorblat, wins 5% of contract $3' } : r));
    const m = trainFieldModels(withMarks);
    expect(m.format).toBe('oilwire-field-models/v1');
    expect(m.vocab.slice(0, 9)).toEqual(['<unk>', 'zorblat', 'wins', '5', '%', 'of', 'contract', '$', '3']);
    expect(m.vocab).not.toContain(',');
    expect(new Set(m.vocab).size).toBe(m.vocab.length);
  });

  it('trains from 20 rows, not from 19, and names the count', () => {
    expect(trainFieldModels(rows.slice(0, 20)).direction?.labels).toEqual(['bearish', 'neutral', 'bullish']);
    expect(() => trainFieldModels(rows.slice(0, 19))).toThrow('training needs at least 20 labelled rows, got 19');
  });

  it('learns no model for a field with under 20 labelled rows or a single label', () => {
    const m = trainFieldModels(rows.map((r, i) => ({ ...r, sentiment: i < 19 ? r.sentiment : undefined, oil_direction: 'bullish', relevance: i < 20 ? r.relevance : undefined, topics: undefined })));
    expect(m.sentiment).toBeUndefined();
    expect(m.direction).toBeUndefined();
    expect(m.relevance?.labels).toEqual(['direct', 'channel', 'adjacent', 'unrelated']);
    expect(Object.keys(m.topics ?? { x: 1 })).toEqual([]);
    expect(Object.keys(trainFieldModels(rows).topics ?? {})).toEqual(['macro']);
  });

  it('trains 12 balanced epochs unless told otherwise', () => {
    const skewed = [...rows, ...rows.filter((r) => r.oil_direction === 'bullish')];
    expect(trainFieldModels(skewed)).toEqual(trainFieldModels(skewed, { epochs: 12, balanced: true }));
    expect(trainFieldModels(skewed).direction?.unigram).not.toEqual(trainFieldModels(skewed, { epochs: 12, balanced: false }).direction?.unigram);
    expect(trainFieldModels(skewed).direction?.unigram).not.toEqual(trainFieldModels(skewed, { epochs: 10, balanced: true }).direction?.unigram);
  });

  it('reads relevance 90 as the direct band and 89 as the channel band', () => {
    const m = trainFieldModels(rows.map((r) => ({ ...r, relevance: r.relevance === 40 ? 90 : 89 })));
    const p = fieldPredictor(m, 1);
    expect(p('zorblat wins contract 3', rules).relevance).toBeGreaterThan(90);
    const channel = p('quuxian loses lawsuit 3', rules).relevance;
    expect(channel).toBeGreaterThan(70);
    expect(channel).toBeLessThan(78);
  });
});

describe('per-field learned models: the file', () => {
  it('writes every weight rounded to 5 decimals, and reads back what it wrote', () => {
    const m = trainFieldModels(rows);
    const text = serializeFieldModels(m);
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['format', 'vocab', 'direction', 'sentiment', 'relevance', 'topics']);
    const back = parseFieldModels(text);
    expect(back.format).toBe('oilwire-field-models/v1');
    expect(back.vocab).toEqual(m.vocab);
    for (const [a, b] of [[m.direction, back.direction], [m.sentiment, back.sentiment], [m.relevance, back.relevance], [m.topics?.macro, back.topics?.macro]]) {
      expect(b?.labels).toEqual(a?.labels);
      expect(b?.vocabSize).toBe(a?.vocabSize);
      expect(b?.bigramBuckets).toBe(4096);
      for (const k of ['unigram', 'bigram', 'bias'] as const) {
        expect(b?.[k]).toBeInstanceOf(Float32Array);
        expect(Array.from(b![k])).toEqual(Array.from(a![k], (x) => Math.fround(Math.round(x * 1e5) / 1e5)));
      }
    }
    expect(Array.from(m.direction!.bias).some((x) => Math.round(x * 1e5) / 1e5 !== x)).toBe(true);
  });

  it('keeps a missing model missing, and reads only the taxonomy\'s topics', () => {
    const m = trainFieldModels(rows.map((r) => ({ ...r, sentiment: undefined })));
    const back = parseFieldModels(serializeFieldModels({ ...m, topics: undefined }));
    expect(back.sentiment).toBeUndefined();
    expect(back.topics).toEqual({});
    const packed = (JSON.parse(serializeFieldModels(m)) as { topics: Record<string, unknown> }).topics.macro;
    const file = JSON.stringify({ format: 'oilwire-field-models/v1', vocab: m.vocab, topics: { macro: packed, weather: packed } });
    expect(Object.keys(parseFieldModels(file).topics ?? {})).toEqual(['macro']);
    expect(parseFieldModels(JSON.stringify({ format: 'oilwire-field-models/v1', vocab: [] }))).toEqual({ format: 'oilwire-field-models/v1', vocab: [], direction: undefined, sentiment: undefined, relevance: undefined, topics: {} });
  });

  it('refuses text that is not JSON, and a file without a vocabulary', () => {
    expect(() => parseFieldModels('{not json')).toThrow('field models file is not JSON');
    expect(() => parseFieldModels('{"format":"oilwire-field-models/v1","vocab":{}}')).toThrow('not an oilwire-field-models/v1 file');
    expect(() => parseFieldModels('{"format":"oilwire-field-models/v1"}')).toThrow('not an oilwire-field-models/v1 file');
  });
});

describe('per-field learned models: the blend with the rules', () => {
  const models = trainFieldModels(rows);
  const ids = (h: string) => h.split(' ').map((w) => Math.max(0, models.vocab.indexOf(w)));
  const mid: Record<string, number> = { direct: 94, channel: 74, adjacent: 44, unrelated: 10 };
  const expectedRelevance = (h: string) => softmax(predictLogits(models.relevance!, ids(h))).reduce((s, p, i) => s + p * mid[models.relevance!.labels[i]], 0);

  it('keeps the rules\' label under weight 0.5 and takes a confident model\'s over it', () => {
    const macroRules = { ...rules, topics: ['macro' as const] };
    expect(fieldPredictor(models, 0.4)('zorblat wins contract 3', rules)).toMatchObject({ topics: [], oil_direction: 'neutral', sentiment: 'neutral' });
    expect(fieldPredictor(models, 0.4)('quuxian loses lawsuit 3', macroRules)).toMatchObject({ topics: ['macro'], oil_direction: 'neutral', sentiment: 'neutral' });
    expect(fieldPredictor(models, 0.6)('zorblat wins contract 3', rules)).toMatchObject({ topics: ['macro'], oil_direction: 'bullish', sentiment: 'positive' });
    expect(fieldPredictor(models, 0.6)('quuxian loses lawsuit 3', macroRules)).toMatchObject({ topics: [], oil_direction: 'bearish', sentiment: 'negative' });
  });

  it('blends relevance as the weight times the model\'s expected band midpoint plus the rest times the rules\' relevance', () => {
    for (const h of ['zorblat wins contract 3', 'quuxian loses lawsuit 3']) {
      for (const w of [0.3, 0.6, 1]) expect(fieldPredictor(models, w)(h, rules).relevance, `${h} ${w}`).toBe(Math.round(w * expectedRelevance(h) + (1 - w) * 50));
    }
    expect(fieldPredictor(models, 1)('zorblat wins contract 3', rules).relevance).toBe(44);
    expect(fieldPredictor(models, 1)('quuxian loses lawsuit 3', rules).relevance).toBe(10);
  });

  it('holds the weight to 0..1', () => {
    expect(fieldPredictor(models, 2)('zorblat wins contract 3', rules)).toEqual(fieldPredictor(models, 1)('zorblat wins contract 3', rules));
    expect(fieldPredictor(models, -1)('zorblat wins contract 3', rules)).toEqual(rules);
  });

  it('learns only the fields chosen, each on its own', () => {
    const h = 'zorblat wins contract 3';
    expect(fieldPredictor(models, 1, ['topics'])(h, rules)).toEqual({ ...rules, topics: ['macro'] });
    expect(fieldPredictor(models, 1, ['oil_direction'])(h, rules)).toEqual({ ...rules, oil_direction: 'bullish' });
    expect(fieldPredictor(models, 1, ['relevance'])(h, rules)).toEqual({ ...rules, relevance: 44 });
    expect(fieldPredictor(models, 1, [])(h, rules)).toEqual(rules);
    // A field not chosen keeps the rules' answer as it is, even a label or a value the model could not give.
    expect(fieldPredictor(models, 1, ['topics'])(h, { ...rules, sentiment: 'mixed', oil_direction: 'unclear', relevance: 50.4 })).toEqual({ ...rules, topics: ['macro'], sentiment: 'mixed', oil_direction: 'unclear', relevance: 50.4 });
  });

  it('answers the rules for a field without a model, and passes the price report flag on', () => {
    const bare = { format: 'oilwire-field-models/v1' as const, vocab: models.vocab };
    expect(fieldPredictor(bare, 1)('zorblat wins contract 3', { ...rules, topics: ['macro'] })).toEqual({ ...rules, topics: ['macro'] });
    expect(fieldPredictor(models, 1)('zorblat wins contract 3', { ...rules, price_report: true })).toMatchObject({ price_report: true, oil_direction: 'neutral', sentiment: 'positive' });
  });
});
