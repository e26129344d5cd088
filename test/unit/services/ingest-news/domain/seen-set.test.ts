import { describe, expect, it } from 'vitest';
import { SeenSet, SWEEP_MIN_MARKS, SweepSchedule } from '../../../../../services/ingest-news/domain/seen-set.ts';

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

  it('sweeps expired ids once more new ids came in than the last sweep left (at least the minimum), without waiting for a compaction', () => {
    const s = new SeenSet(10, 4);
    for (let i = 0; i < 4; i++) s.mark(`old${i}`, i);
    // Four new ids since the (initial, empty) sweep: not yet more than the minimum.
    expect(s.size).toBe(4);
    // A re-sighting adds no id and sweeps nothing.
    s.mark('old3', 5);
    expect(s.size).toBe(4);
    // The fifth new id sweeps, with its sighting time as now: old0-old2 are 10 or more behind it, old3 (seen at 5) is not.
    s.mark('new', 14);
    expect(s.entries()).toEqual([
      ['old3', 5],
      ['new', 14],
    ]);
    // That sweep left 2 (under the minimum): the next runs after 4 more new ids, at the fifth.
    for (let i = 0; i < 4; i++) s.mark(`n${i}`, 30);
    expect(s.size).toBe(6);
    s.mark('n4', 30);
    expect(s.entries().map(([id]) => id)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
  });

  it('waits for as many new ids as the last sweep left when that is above the minimum', () => {
    const s = new SeenSet(1000, 2);
    for (let i = 0; i < 3; i++) s.mark(`a${i}`, 0);
    // The third new id swept (3 > 2) and left all three live: the next sweep waits for more than 3.
    for (let i = 0; i < 3; i++) s.mark(`b${i}`, 2000);
    expect(s.size).toBe(6);
    s.mark('b3', 2000);
    expect(s.entries().map(([id]) => id)).toEqual(['b0', 'b1', 'b2', 'b3']);
  });

  it('holds at most its live ids plus as many again (or the minimum) over a long run, however rarely the log is compacted', () => {
    // 20,000 ids one unit apart (twice a log compaction's 10,000) with a ttl of 100: about 100 live at any time.
    const s = new SeenSet(100);
    let max = 0;
    for (let i = 0; i < 20_000; i++) {
      s.mark(`id${i}`, i);
      max = Math.max(max, s.size);
    }
    expect(max).toBeLessThanOrEqual(100 + SWEEP_MIN_MARKS + 1);
    expect(s.has('id19999', 19_999)).toBe(true);
    expect(s.has('id19900', 19_999)).toBe(true);
  });
});

describe('SweepSchedule', () => {
  it('is due once the entries added since the last sweep outnumber the minimum, then what the sweep left', () => {
    const schedule = new SweepSchedule(3);
    const dueAt = (n: number) => Array.from({ length: n }, () => schedule.added()).indexOf(true) + 1;
    // Nothing swept yet: the 4th new entry is the first past the minimum of 3.
    expect(dueAt(10)).toBe(4);
    schedule.swept(5);
    // The sweep left 5: due at the 6th new entry, not the 4th.
    expect(dueAt(10)).toBe(6);
    schedule.swept(1);
    // Fewer left than the minimum: the minimum counts again.
    expect(dueAt(10)).toBe(4);
  });
});
