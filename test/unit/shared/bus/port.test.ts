import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../shared/bus/port.ts';

describe('partitionForKey', () => {
  it('is FNV-1a 32-bit of the key modulo the partitions (the published test vectors)', () => {
    // With 2^32 partitions the partition is the hash itself.
    expect(partitionForKey('', 2 ** 32)).toBe(0x811c9dc5);
    expect(partitionForKey('a', 2 ** 32)).toBe(0xe40c292c);
    expect(partitionForKey('foobar', 2 ** 32)).toBe(0xbf9cf968);
    expect(partitionForKey('foobar', 7)).toBe(0xbf9cf968 % 7);
  });

  it('spreads keys over every partition and always puts one key on the same one', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => partitionForKey(`key-${i}`, 4)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(partitionForKey('key-7', 4)).toBe(partitionForKey('key-7', 4));
  });
});
