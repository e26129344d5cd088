import { describe, expect, it } from 'vitest';
import { fnv1a } from '../../../../../services/scorer/domain/hash.ts';
import { EVENT_SHINGLE, shingleHash, STOP_SHINGLE } from '../../../../../services/scorer/domain/shingles.ts';

describe('novelty shingles', () => {
  it('folds a synonym group to one hash and stems other words lightly', () => {
    expect(shingleHash('climbs')).toBe(shingleHash('rises'));
    expect(shingleHash('crude')).toBe(fnv1a('OIL'));
    expect(shingleHash('negotiators')).toBe(shingleHash('talks'));
    expect(shingleHash('refiners')).toBe(fnv1a('refiner'));
    expect(shingleHash('shipping')).toBe(fnv1a('shipp'));
    expect(shingleHash('climbs')).not.toBe(shingleHash('falls'));
  });

  it('marks the groups that name an event class, and not the others', () => {
    expect(EVENT_SHINGLE.has(shingleHash('talks'))).toBe(true);
    expect(EVENT_SHINGLE.has(shingleHash('seizes'))).toBe(true);
    expect(EVENT_SHINGLE.has(shingleHash('oil'))).toBe(false);
    expect(EVENT_SHINGLE.has(shingleHash('tehran'))).toBe(false);
    expect(STOP_SHINGLE.has('reuters')).toBe(true);
  });
});

describe('novelty shingles: the light stemmer', () => {
  it('strips -ing, -ed, -es and -s only from words long enough to keep a stem', () => {
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

  it('answers the same hash for a word seen before, also past the cache bound', () => {
    const first = shingleHash('zorking');
    for (let i = 0; i < 100_002; i++) shingleHash(`w${i}`);
    expect(shingleHash('zorking')).toBe(first);
    expect(shingleHash('w5')).toBe(fnv1a('w5'));
  });

  it('holds the hash of every event group name, and only those', () => {
    for (const g of ['ATTACK', 'SEIZE', 'TALKS', 'DEAL', 'TRUCE']) expect(EVENT_SHINGLE.has(fnv1a(g)), g).toBe(true);
    expect(EVENT_SHINGLE.has(fnv1a('OIL'))).toBe(false);
  });
});
