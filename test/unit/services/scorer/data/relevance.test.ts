import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GAZETTEER } from '../../../../../services/scorer/domain/gazetteer.ts';
import { RELEVANCE_CLASS, RELEVANCE_WORDS } from '../../../../../services/scorer/domain/relevance.ts';
import { tokenize } from '../../../../../services/scorer/domain/text.ts';

const raw = JSON.parse(readFileSync('services/scorer/data/relevance.json', 'utf8')) as Record<string, unknown>;

describe('relevance data (services/scorer/data/relevance.json)', () => {
  it('has every class the code reads, each a non-empty list of phrases written as the tokenizer writes them', () => {
    for (const name of Object.keys(RELEVANCE_CLASS)) {
      const words = raw[name] as string[];
      expect(Array.isArray(words), name).toBe(true);
      expect(words.length, name).toBeGreaterThan(0);
      expect(new Set(words).size, `${name} has a duplicate`).toBe(words.length);
      // An entry must match the tokens of itself, or it could never fire.
      for (const w of words) expect(tokenize(w).low.join(' '), `${name}: ${w}`).toBe(w);
    }
    expect(typeof raw.$comment).toBe('string');
  });

  it('names only gazetteer entities in its entity lists', () => {
    const names = new Set(GAZETTEER.map((e) => e.name));
    for (const key of ['majorEconomies', 'publicAffairsEntities', 'remoteParties']) {
      const list = raw[key] as string[];
      expect(list.length, key).toBeGreaterThan(0);
      for (const n of list) expect(names.has(n), `${key}: ${n}`).toBe(true);
    }
    expect(RELEVANCE_WORDS.majorEconomies.has('Federal Reserve')).toBe(true);
  });
});
