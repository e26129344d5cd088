import { describe, expect, it } from 'vitest';
import { fnv1a, hash64Hex } from '../../../../../services/scorer/domain/hash.ts';

describe('fnv1a', () => {
  it('gives the published 32-bit FNV-1a values', () => {
    // Reference values of the FNV-1a test suite (offset basis 0x811c9dc5, prime 16777619).
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('starts from the seed it is given, as an unsigned 32-bit value', () => {
    expect(fnv1a('', 0x9747b28c)).toBe(0x9747b28c);
    expect(fnv1a('', -1)).toBe(0xffffffff);
    expect(fnv1a('a', 0x9747b28c)).not.toBe(fnv1a('a'));
  });

  it('reads every code unit, in order', () => {
    expect(fnv1a('ab')).not.toBe(fnv1a('ba'));
    expect(fnv1a('foobar')).not.toBe(fnv1a('fooba'));
  });
});

describe('hash64Hex', () => {
  it('joins the two streams as 16 hex characters', () => {
    expect(hash64Hex('foobar')).toBe(fnv1a('foobar').toString(16).padStart(8, '0') + fnv1a('foobar', 0x9747b28c).toString(16).padStart(8, '0'));
    expect(hash64Hex('')).toBe('811c9dc59747b28c');
  });

  it('pads each half to 8 characters when its hash is small', () => {
    // 'k4788' hashes to 0x0005d0bf in the first stream, 'k8138' to 0x000eada1 in the second.
    expect(hash64Hex('k4788')).toBe('0005d0bfdbb3687c');
    expect(hash64Hex('k8138')).toBe('2010232e000eada1');
  });
});
