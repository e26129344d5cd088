import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOPIC_NAMES } from '../../../../../shared/contracts/events.ts';
import { analyzeText } from '../../../../../services/scorer/domain/analyze.ts';
import { computeMetrics, parseCsv, parseFpb } from '../../../../../services/scorer/domain/eval-core.ts';

const FIXTURES = new URL('../../../../fixtures/scorer/', import.meta.url);

describe('domain model on the labeled headline set (written for oilwire)', () => {
  const rows = parseCsv(readFileSync(new URL('labeled-headlines.csv', FIXTURES), 'utf8'));
  const header = rows.shift();
  const analyses = rows.map(([text]) => analyzeText(text));

  it('has at least 300 well-formed rows across every topic', () => {
    expect(header).toEqual(['text', 'sentiment', 'oil_direction', 'topics']);
    expect(rows.length).toBeGreaterThanOrEqual(300);
    for (const [text, s, o, t] of rows) {
      expect(text.length).toBeGreaterThan(0);
      expect(['negative', 'neutral', 'positive']).toContain(s);
      expect(['bearish', 'neutral', 'bullish']).toContain(o);
      for (const topic of t ? t.split(';') : []) expect(TOPIC_NAMES).toContain(topic);
    }
    for (const topic of TOPIC_NAMES) expect(rows.filter((r) => r[3].split(';').includes(topic)).length).toBeGreaterThanOrEqual(15);
  });

  it('gets sentiment right', () => {
    const m = computeMetrics(
      rows.map((r) => r[1]),
      analyses.map((a) => a.sentiment.label),
      ['negative', 'neutral', 'positive'],
    );
    // Labelled by docs/taxonomy.md (labeled-headlines.md: relabelled without looking at the model's
    // answers); measured 0.824 / 0.819 after the relabelling.
    expect(m.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(m.macroF1).toBeGreaterThanOrEqual(0.8);
  });

  it('gets oil direction right', () => {
    const m = computeMetrics(
      rows.map((r) => r[2]),
      analyses.map((a) => a.oil_direction.label),
      ['bearish', 'neutral', 'bullish'],
    );
    expect(m.accuracy).toBeGreaterThanOrEqual(0.86);
    expect(m.macroF1).toBeGreaterThanOrEqual(0.84);
    // Opposite-sign mistakes are the costly ones.
    expect(m.confusion.bullish.bearish + m.confusion.bearish.bullish).toBeLessThanOrEqual(10);
  });

  it('finds topics', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((r, i) => {
      const gold = new Set(r[3] ? r[3].split(';') : []);
      const got = new Set<string>(analyses[i].topics);
      for (const t of got) {
        if (gold.has(t)) tp++;
        else fp++;
      }
      for (const t of gold) if (!got.has(t)) fn++;
    });
    // Measured 0.940 / 0.906 after the relabelling by docs/taxonomy.md.
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.92);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.88);
  });
});

describe('domain model on financial-news sentences (PhraseBank format, written for oilwire)', () => {
  it.each([
    ['financial-sentences.fpb', 0.85],
    // Written before the rules were tuned on the development set and never used for tuning.
    ['financial-sentences-holdout.fpb', 0.8],
  ])('%s', (file, minF1) => {
    const rows = parseFpb(readFileSync(new URL(file, FIXTURES), 'utf8'));
    expect(rows.length).toBeGreaterThanOrEqual(75);
    const m = computeMetrics(
      rows.map((r) => r.label),
      rows.map((r) => analyzeText(r.text).sentiment.label),
      ['negative', 'neutral', 'positive'],
    );
    expect(m.macroF1).toBeGreaterThanOrEqual(minF1);
  });
});
