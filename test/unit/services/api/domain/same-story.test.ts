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
