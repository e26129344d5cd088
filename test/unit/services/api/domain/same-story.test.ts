import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../../services/api/domain/alert-rules.ts';
import { SameStoryFilter } from '../../../../../services/api/domain/same-story.ts';

const T = Date.parse('2026-06-01T10:00:00Z');
const alert = (articleId: string, title: string, over: Partial<Alert> = {}): Alert => ({
  alertId: `alr_${articleId}`,
  ruleId: 'r',
  kind: 'headline',
  symbol: 'BRENT',
  eventTs: T,
  firedAt: T + 60_000,
  articleId,
  title,
  data: { source: 'wire' },
  ...over,
});

describe('SameStoryFilter', () => {
  it('alerts a story once, whatever article ids its copies carry', () => {
    const f = new SameStoryFilter();
    const first = f.admit([alert('a1', 'OPEC+ agrees output cut'), alert('a2', 'OPEC+ agrees output cut!')]);
    expect(first.kept.map((a) => a.articleId)).toEqual(['a1']);
    expect(first.dropped.map((a) => a.articleId)).toEqual(['a2']);
    expect(f.admit([alert('a3', 'opec+ agrees OUTPUT cut')]).kept).toEqual([]);
  });

  it('keeps a redelivered alert of the same article, other rules, symbols, sources, and later repeats', () => {
    const f = new SameStoryFilter();
    f.admit([alert('a1', 'Tanker hit')]);
    const again = f.admit([
      alert('a1', 'Tanker hit'),
      alert('b1', 'Tanker hit', { ruleId: 'other' }),
      alert('c1', 'Tanker hit', { symbol: 'WTI' }),
      alert('d1', 'Tanker hit', { data: { source: 'other-wire' } }),
      alert('e1', 'Tanker hit', { eventTs: T + 2 * 86_400_000 }),
      alert('m1', 'Tanker hit', { kind: 'unexplained_move', articleId: null }),
    ]);
    expect(again.kept.map((a) => a.articleId)).toEqual(['a1', 'b1', 'c1', 'd1', 'e1', null]);
  });

  it('forgets the oldest stories past its size', () => {
    const f = new SameStoryFilter(86_400_000, 2);
    f.admit([alert('a', 'one'), alert('b', 'two'), alert('c', 'three')]);
    expect(f.admit([alert('a2', 'one')]).kept).toHaveLength(1);
    expect(f.admit([alert('c2', 'three')]).kept).toHaveLength(0);
  });
});

describe('SameStoryFilter: what makes two alerts one story', () => {
  const DAY = 86_400_000;
  const ids = (r: { kept: Alert[] }) => r.kept.map((a) => a.articleId);

  it('drops a copy up to exactly one content window away, on either side, and keeps one a millisecond further', () => {
    const f = new SameStoryFilter();
    f.admit([alert('a', 'Pipeline blast')]);
    expect(ids(f.admit([alert('b', 'Pipeline blast', { eventTs: T + DAY })]))).toEqual([]);
    expect(ids(f.admit([alert('c', 'Pipeline blast', { eventTs: T - DAY })]))).toEqual([]);
    expect(ids(f.admit([alert('d', 'Pipeline blast', { eventTs: T - DAY - 1 })]))).toEqual(['d']);
    const g = new SameStoryFilter();
    g.admit([alert('a', 'Pipeline blast')]);
    expect(ids(g.admit([alert('e', 'Pipeline blast', { eventTs: T + DAY + 1 })]))).toEqual(['e']);
  });

  it('uses the window it is given', () => {
    const f = new SameStoryFilter(1000);
    f.admit([alert('a', 'Refinery fire')]);
    expect(ids(f.admit([alert('b', 'Refinery fire', { eventTs: T + 1000 })]))).toEqual([]);
    expect(ids(f.admit([alert('c', 'Refinery fire', { eventTs: T + 2001 })]))).toEqual(['c']);
  });

  it('filters headline alerts with an article and a title only', () => {
    const f = new SameStoryFilter();
    f.admit([alert('a', 'Strait closed')]);
    const r = f.admit([
      alert('b', 'Strait closed', { kind: 'unexplained_move' }),
      alert('c', 'Strait closed', { articleId: null }),
      alert('x', '!!!'),
      alert('y', '!!!'),
    ]);
    expect(ids(r)).toEqual(['b', null, 'x', 'y']);
    expect(r.dropped).toEqual([]);
  });

  it('a source that is not a string counts as no source', () => {
    const f = new SameStoryFilter();
    f.admit([alert('a', 'Quota raised', { data: {} })]);
    expect(ids(f.admit([alert('b', 'Quota raised', { data: { source: 5 } })]))).toEqual([]);
    expect(ids(f.admit([alert('c', 'Quota raised', { data: { source: '5' } })]))).toEqual(['c']);
  });

  it('does not run rule, symbol, source and title together', () => {
    const f = new SameStoryFilter();
    f.admit([alert('a', 'c d', { ruleId: 'ab', symbol: 'c' })]);
    expect(ids(f.admit([alert('b', 'c d', { ruleId: 'a', symbol: 'bc' })]))).toEqual(['b']);
    f.admit([alert('s1', 'x y', { data: { source: 'ab' } })]);
    expect(ids(f.admit([alert('s2', 'b x y', { data: { source: 'a' } })]))).toEqual(['s2']);
  });

  it('counts each remembered article once and keeps exactly as many as it may', () => {
    const f = new SameStoryFilter(DAY, 2);
    f.admit([alert('a', 'one')]);
    f.admit([alert('a', 'one'), alert('a', 'one')]);
    f.admit([alert('b', 'two')]);
    // Two remembered, the limit: both still there.
    expect(ids(f.admit([alert('a2', 'one'), alert('b2', 'two')]))).toEqual([]);
  });

  it('evicting a story frees every article remembered under it', () => {
    const f = new SameStoryFilter(DAY, 2);
    f.admit([alert('a', 'one'), alert('e', 'one', { eventTs: T + 3 * DAY })]);
    // Three remembered: the story "one" (two articles) goes.
    f.admit([alert('b', 'two')]);
    f.admit([alert('c', 'three')]);
    expect(ids(f.admit([alert('b2', 'two'), alert('c2', 'three')]))).toEqual([]);
    expect(ids(f.admit([alert('a3', 'one')]))).toEqual(['a3']);
  });
});

describe('SameStoryFilter: later stories under one title', () => {
  const DAY = 86_400_000;
  const ids = (r: { kept: Alert[] }) => r.kept.map((a) => a.articleId);

  it('remembers a second story of the same title outside the window, and drops copies of it', () => {
    const f = new SameStoryFilter();
    f.admit([alert('a', 'Port strike')]);
    expect(ids(f.admit([alert('e', 'Port strike', { eventTs: T + 3 * DAY })]))).toEqual(['e']);
    expect(ids(f.admit([alert('f', 'Port strike', { eventTs: T + 3 * DAY + 1000 })]))).toEqual([]);
  });

  it('counts only remembered articles when evicting: a new story of its own counts one', () => {
    const f = new SameStoryFilter(DAY, 2);
    f.admit([alert('a', 'one'), alert('b', 'two'), alert('c', 'three')]);
    // "one" went; "four" makes three again, so "two" goes too.
    f.admit([alert('d', 'four')]);
    expect(ids(f.admit([alert('b2', 'two')]))).toEqual(['b2']);
  });
});
