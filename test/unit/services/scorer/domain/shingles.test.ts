import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../../../../services/scorer/domain/hash.ts';

// Imported inside each test: the synonym map and the event set are built while the module loads, and a
// build that throws (an entry that is not a pair) must fail a test, not only the file's import.
const load = () => import('../../../../../services/scorer/domain/shingles.ts');

describe('novelty shingles', () => {
  it('folds a synonym group to one hash and stems other words lightly', async () => {
    const { shingleHash } = await load();
    expect(shingleHash('climbs')).toBe(shingleHash('rises'));
    expect(shingleHash('crude')).toBe(fnv1a('OIL'));
    expect(shingleHash('negotiators')).toBe(shingleHash('talks'));
    expect(shingleHash('refiners')).toBe(fnv1a('refiner'));
    expect(shingleHash('shipping')).toBe(fnv1a('shipp'));
    expect(shingleHash('climbs')).not.toBe(shingleHash('falls'));
  });

  it('marks the groups that name an event class, and not the others', async () => {
    const { EVENT_SHINGLE, shingleHash, STOP_SHINGLE } = await load();
    expect(EVENT_SHINGLE.has(shingleHash('talks'))).toBe(true);
    expect(EVENT_SHINGLE.has(shingleHash('seizes'))).toBe(true);
    expect(EVENT_SHINGLE.has(shingleHash('oil'))).toBe(false);
    expect(EVENT_SHINGLE.has(shingleHash('tehran'))).toBe(false);
    expect(STOP_SHINGLE.has('reuters')).toBe(true);
  });
});

describe('novelty shingles: the light stemmer', () => {
  it('strips -ing, -ed, -es and -s only from words long enough to keep a stem', async () => {
    const { shingleHash } = await load();
    expect(shingleHash('zorking')).toBe(fnv1a('zork'));
    expect(shingleHash('zoing')).toBe(fnv1a('zoing'));
    expect(shingleHash('zorked')).toBe(fnv1a('zork'));
    expect(shingleHash('zoed')).toBe(fnv1a('zoed'));
    expect(shingleHash('zorkes')).toBe(fnv1a('zork'));
    expect(shingleHash('zoes')).toBe(fnv1a('zoe'));
    expect(shingleHash('zots')).toBe(fnv1a('zot'));
    expect(shingleHash('zos')).toBe(fnv1a('zos'));
    expect(shingleHash('zork')).toBe(fnv1a('zork'));
  });

  it('answers the same hash for a word seen before, also past the cache bound', async () => {
    const { shingleHash } = await load();
    const first = shingleHash('zorking');
    for (let i = 0; i < 100_002; i++) shingleHash(`w${i}`);
    expect(shingleHash('zorking')).toBe(first);
    expect(shingleHash('w5')).toBe(fnv1a('w5'));
  });

  it('holds the hash of every event group name, and only those', async () => {
    const { EVENT_SHINGLE } = await load();
    for (const g of ['ATTACK', 'SEIZE', 'TALKS', 'DEAL', 'TRUCE']) expect(EVENT_SHINGLE.has(fnv1a(g)), g).toBe(true);
    expect(EVENT_SHINGLE.has(fnv1a('OIL'))).toBe(false);
  });
});

describe('novelty shingles: the synonym data', () => {
  it('folds every word of every group to the group name, whatever the stemmer would make of it', async () => {
    const { shingleHash } = await load();
    const { default: SYNONYMS } = await import('../../../../../services/scorer/data/novelty-synonyms.json', { with: { type: 'json' } });
    const groups = Object.entries(SYNONYMS.groups);
    expect(groups.length).toBeGreaterThan(10);
    // A word listed in two groups would fold to whichever came last: each word belongs to one group only.
    const seen = new Map<string, string>();
    for (const [group, words] of groups) for (const w of words) {
      expect(seen.get(w), `${w} in ${group} and ${seen.get(w)}`).toBeUndefined();
      seen.set(w, group);
    }
    for (const [w, group] of seen) expect(shingleHash(w), w).toBe(fnv1a(group));
  });
});
