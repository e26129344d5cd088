import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BARRIER, CAUSE, CRUDE_WORD, CURRENCY, INTO, LEVEL_VERB, LEVEL_WORD, PREP, SCOPE_END, STOP_SHINGLE, SUB, UNIT } from '../../../../../services/scorer/domain/reading-words.ts';

const DATA = JSON.parse(readFileSync('services/scorer/data/reading-words.json', 'utf8')) as Record<string, unknown> & { why: Record<string, string> };

describe('reading words (services/scorer/data/reading-words.json)', () => {
  it('gives every list its reason, and every reason a list', () => {
    const lists = Object.keys(DATA).filter((k) => k !== '$comment' && k !== 'why');
    expect(lists.sort()).toEqual(Object.keys(DATA.why).sort());
    for (const k of lists) expect(DATA.why[k].length, k).toBeGreaterThan(10);
  });

  it('loads each word list as lower-case words, and the currency and unit tables', () => {
    const sets = { BARRIER, CAUSE, INTO, LEVEL_VERB, LEVEL_WORD, PREP, SCOPE_END, STOP_SHINGLE, SUB };
    for (const [name, set] of Object.entries(sets)) {
      expect(set.size, name).toBeGreaterThan(5);
      for (const w of set) expect(w, name).toBe(w.toLowerCase().trim());
    }
    expect(BARRIER.has('as')).toBe(true);
    expect(SUB.has('on fears')).toBe(true);
    expect(CURRENCY['€']).toBe('eur');
    expect(CURRENCY.roubles).toBe('rub');
    expect(UNIT.mn).toBe(1e6);
    expect(UNIT.bn).toBe(1e9);
    expect([...CRUDE_WORD].sort()).toEqual(['brent', 'crude', 'oil', 'shale', 'wti']);
  });
});
