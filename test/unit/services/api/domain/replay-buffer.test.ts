import { describe, expect, it } from 'vitest';
import { ReplayBuffer, formatEventId, parseEventId } from '../../../../../services/api/domain/replay-buffer.ts';

describe('event ids', () => {
  it('round-trips and rejects anything else', () => {
    expect(parseEventId(formatEventId(1700000000000, 42, 'ab12'))).toEqual({ t: 1700000000000, seq: 42, instance: 'ab12' });
    expect(parseEventId('nope')).toBeUndefined();
    expect(parseEventId('')).toBeUndefined();
    expect(parseEventId('1-2-UPPER')).toBeUndefined();
  });
});

describe('ReplayBuffer', () => {
  const fill = (b: ReplayBuffer, n: number, t0 = 1000) => Array.from({ length: n }, (_, i) => b.append('news.scored', `n:${i}`, `{"i":${i}}`, t0 + i));

  it('numbers events in order, and ids keep growing when the clock steps back', () => {
    const b = new ReplayBuffer(10, 'x1');
    const a = b.append('t', 'k1', '{}', 2000);
    const c = b.append('t', 'k2', '{}', 1500);
    expect(a.id).toBe('2000-1-x1');
    expect(c.id).toBe('2000-2-x1');
  });

  it('replays what follows an id it still holds', () => {
    const b = new ReplayBuffer(10, 'x1');
    const events = fill(b, 5);
    const plan = b.plan(events[1].id);
    expect(plan.kind).toBe('buffer');
    expect(plan.kind === 'buffer' && plan.events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(b.plan(events[4].id)).toEqual({ kind: 'buffer', events: [] });
  });

  it('keeps only the newest events, in order, when full', () => {
    const b = new ReplayBuffer(3, 'x1');
    const events = fill(b, 7);
    expect(b.all().map((e) => e.seq)).toEqual([5, 6, 7]);
    // The event just before the oldest kept one is still a seamless resume point.
    expect(b.plan(events[3].id)).toMatchObject({ kind: 'buffer' });
    const evicted = b.plan(events[1].id);
    expect(evicted).toMatchObject({ kind: 'store', fromMs: events[1].t });
    expect(evicted.kind === 'store' && evicted.buffered.map((e) => e.seq)).toEqual([5, 6, 7]);
  });

  it('sends ids from another process to the store, and says so for ids it cannot read', () => {
    const b = new ReplayBuffer(3, 'x1');
    fill(b, 2);
    expect(b.plan('1000-1-other')).toMatchObject({ kind: 'store', fromMs: 1000 });
    expect(b.plan('1000-0-store')).toMatchObject({ kind: 'store', fromMs: 1000 });
    expect(b.plan('garbage')).toMatchObject({ kind: 'unknown' });
    expect(b.plan(undefined)).toEqual({ kind: 'live' });
  });
});

describe('event ids: the exact grammar', () => {
  it('reads time, sequence and instance, trimming white space around the id', () => {
    expect(parseEventId(' 5-7-a1 \n')).toEqual({ t: 5, seq: 7, instance: 'a1' });
    expect(parseEventId(`${'9'.repeat(15)}-${'8'.repeat(15)}-${'z'.repeat(16)}`)).toEqual({ t: 999999999999999, seq: 888888888888888, instance: 'z'.repeat(16) });
    expect(parseEventId(undefined)).toBeUndefined();
  });

  it('refuses anything before, after or beyond the three fields', () => {
    for (const id of [`${'1'.repeat(16)}-1-a`, `1-${'1'.repeat(16)}-a`, `1-1-${'a'.repeat(17)}`, 'x1-2-ab', '1-2-ab-', '1-2-', '-2-ab', '1--ab', '1-2-a_b', '1.5-2-ab', '1-2', '1-2-ab x']) {
      expect(parseEventId(id), id).toBeUndefined();
    }
  });
});

describe('ReplayBuffer: contents and plans at the edges', () => {
  it('returns the whole event it appended and counts size and sequence', () => {
    const b = new ReplayBuffer(2, 'i9');
    expect(b.size).toBe(0);
    expect(b.lastSeq).toBe(0);
    const e = b.append('impact', 'k', '{"a":1}', 42);
    expect(e).toEqual({ id: '42-1-i9', seq: 1, t: 42, topic: 'impact', key: 'k', data: '{"a":1}', frame: undefined });
    b.append('impact', 'k2', '{}', 43);
    b.append('impact', 'k3', '{}', 44);
    expect(b.size).toBe(2);
    expect(b.lastSeq).toBe(3);
    expect(b.capacity).toBe(2);
    expect(b.instance).toBe('i9');
  });

  it('keeps insertion order through every wrap of the ring', () => {
    const b = new ReplayBuffer(3, 'x');
    const seen: number[][] = [];
    for (let i = 1; i <= 8; i++) {
      b.append('t', `k${i}`, '{}', i);
      seen.push(b.all().map((e) => e.seq));
    }
    expect(seen).toEqual([[1], [1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6], [5, 6, 7], [6, 7, 8]]);
  });

  it('finds the events after any sequence, in a full and wrapped ring too', () => {
    const b = new ReplayBuffer(5, 'x');
    for (let i = 1; i <= 7; i++) b.append('t', `k${i}`, '{}', i);
    const after = (s: number) => b.after(s).map((e) => e.seq);
    expect(after(0)).toEqual([3, 4, 5, 6, 7]);
    expect(after(2)).toEqual([3, 4, 5, 6, 7]);
    expect(after(3)).toEqual([4, 5, 6, 7]);
    expect(after(4)).toEqual([5, 6, 7]);
    expect(after(5)).toEqual([6, 7]);
    expect(after(6)).toEqual([7]);
    expect(after(7)).toEqual([]);
    expect(after(99)).toEqual([]);
    expect(new ReplayBuffer(3, 'x').after(0)).toEqual([]);
  });

  it('resumes from the buffer only for its own ids between one before the oldest and the newest', () => {
    const b = new ReplayBuffer(3, 'x1');
    for (let i = 1; i <= 6; i++) b.append('t', `k${i}`, '{}', 100 + i);
    // Holds 4, 5, 6.
    expect(b.plan('103-3-x1')).toMatchObject({ kind: 'buffer', events: [{ seq: 4 }, { seq: 5 }, { seq: 6 }] });
    expect(b.plan('106-6-x1')).toEqual({ kind: 'buffer', events: [] });
    expect(b.plan('102-2-x1')).toMatchObject({ kind: 'store', fromMs: 102 });
    // An id this process has not issued yet (its sequence is ahead) is not ours to replay.
    const ahead = b.plan('107-7-x1');
    expect(ahead).toMatchObject({ kind: 'store', fromMs: 107 });
    expect(ahead.kind === 'store' && ahead.buffered.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(b.plan('104-4-x2')).toMatchObject({ kind: 'store', fromMs: 104 });
  });

  it('an empty buffer resumes its own latest id live from the buffer and anything older from the store', () => {
    const b = new ReplayBuffer(3, 'x1');
    expect(b.plan('5-0-x1')).toEqual({ kind: 'buffer', events: [] });
    expect(b.plan('5-1-x1')).toEqual({ kind: 'store', fromMs: 5, buffered: [] });
    expect(b.plan('')).toEqual({ kind: 'live' });
    expect(b.plan('not-an-id')).toEqual({ kind: 'unknown', buffered: [] });
  });
});

describe('ReplayBuffer.appendEach', () => {
  it('gives a batch one time and the next sequence numbers, keeps the events the caller built, and evicts as append does', () => {
    const b = new ReplayBuffer(4, 'x1');
    b.append('t', 'k0', '{}', 2000);
    const make = (i: number, seq: number, t: number) => ({ id: formatEventId(t, seq, 'x1'), seq, t, topic: 't', key: `b${i}`, data: '{}' });
    // The clock stepped back: the batch keeps the last time, as append does.
    const batch = b.appendEach(3, 1500, make);
    expect(batch.map((e) => [e.seq, e.t, e.key])).toEqual([[2, 2000, 'b0'], [3, 2000, 'b1'], [4, 2000, 'b2']]);
    expect(b.all()[3]).toBe(batch[2]);
    const later = b.appendEach(2, 2500, make);
    expect(later.map((e) => e.id)).toEqual(['2500-5-x1', '2500-6-x1']);
    expect(b.all().map((e) => e.seq)).toEqual([3, 4, 5, 6]);
    expect(b.lastSeq).toBe(6);
    expect(b.plan('2000-2-x1')).toMatchObject({ kind: 'buffer', events: [{ seq: 3 }, { seq: 4 }, { seq: 5 }, { seq: 6 }] });
    expect(b.appendEach(0, 3000, make)).toEqual([]);
    expect(b.lastSeq).toBe(6);
  });
});
