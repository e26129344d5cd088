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
