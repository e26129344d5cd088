import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGoldCsv, selectSplit, type GoldRow } from '../../../../../services/scorer/domain/gold-metrics.ts';

const DIR = 'services/scorer/data/corpus';
const rows: GoldRow[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.csv'))
  .flatMap((f) => parseGoldCsv(readFileSync(join(DIR, f), 'utf8')).rows);

describe('the development corpus (docs/taxonomy.md)', () => {
  it('has at least 2,000 headlines labelled on every field, each once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(2000);
    for (const r of rows) {
      expect(r.story, r.headline).toBeTruthy();
      expect(r.headline.trim().length, r.story).toBeGreaterThan(0);
      expect(r.topics, r.headline).toBeDefined();
      expect(r.oil_direction, r.headline).toBeDefined();
      expect(r.price_report, r.headline).toBeDefined();
      expect(r.relevance, r.headline).toBeDefined();
      expect(r.sentiment, r.headline).toBeDefined();
    }
    expect(new Set(rows.map((r) => r.headline.toLowerCase())).size).toBe(rows.length);
  });

  it('is at least 40% general news with no topic, and every price report is in the top relevance band', () => {
    expect(rows.filter((r) => r.topics!.length === 0).length / rows.length).toBeGreaterThanOrEqual(0.4);
    for (const r of rows.filter((x) => x.price_report)) expect(r.relevance, r.headline).toBeGreaterThanOrEqual(90);
  });

  it('splits into train and test by story with every topic in both', () => {
    const test = selectSplit(rows, 'test');
    const train = selectSplit(rows, 'train');
    expect(test.length).toBeGreaterThan(300);
    expect(train.length).toBeGreaterThan(1000);
    const stories = new Set(test.map((r) => r.story));
    expect(train.some((r) => stories.has(r.story))).toBe(false);
    for (const t of ['mediation', 'ceasefire', 'sanctions', 'military', 'shipping', 'opec', 'inventories', 'macro'] as const) {
      expect(test.some((r) => r.topics!.includes(t)), t).toBe(true);
      expect(train.some((r) => r.topics!.includes(t)), t).toBe(true);
    }
  });
});
