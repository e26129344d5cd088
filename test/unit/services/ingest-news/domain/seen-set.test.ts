import { describe, expect, it } from 'vitest';
import { SeenSet } from '../../../../../services/ingest-news/domain/seen-set.ts';

describe('seen-set with expiry', () => {
  it('remembers ids until ttl after they were last seen', () => {
    const s = new SeenSet(1000);
    s.mark('a', 0);
    expect(s.has('a', 999)).toBe(true);
    expect(s.has('a', 1000)).toBe(false);
    s.mark('a', 900);
    s.mark('a', 100);
    expect(s.has('a', 1500)).toBe(true);
    expect(s.prune(1899)).toBe(0);
    expect(s.prune(1900)).toBe(1);
    expect(s.size).toBe(0);
  });

  it('lists each id once with its latest sighting (what the seen log is compacted to)', () => {
    const s = new SeenSet(1000);
    s.mark('a', 200);
    s.mark('b', 50);
    s.mark('a', 100);
    expect(s.entries()).toEqual([
      ['a', 200],
      ['b', 50],
    ]);
  });
});
