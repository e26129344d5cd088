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
