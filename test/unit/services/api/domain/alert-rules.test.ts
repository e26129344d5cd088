import { describe, expect, it } from 'vitest';
import type { NewsImpact } from '../../../../../shared/contracts/events.ts';
import { alertRuleSchema, type HeadlineRule, type UnexplainedMoveRule } from '../../../../../services/api/config.ts';
import { UnexplainedMoveDetector, evaluateHeadlineRule, evaluateHeadlineRules } from '../../../../../services/api/domain/alert-rules.ts';

const rule = alertRuleSchema.parse({ id: 'mediation-move', kind: 'headline', topics: ['mediation', 'ceasefire'], minRelevance: 60, minAbsZ: 2, withinMinutes: 15 }) as HeadlineRule;

const impact = (over: Partial<NewsImpact> = {}): NewsImpact => ({
  schema: 'news.impact/v1',
  article_id: 'article-0001',
  symbol: 'BRENT',
  horizon: '5m',
  horizon_seconds: 300,
  published_at: '2026-06-01T09:20:00.000Z',
  event_ts: '2026-06-01T09:20:00.000Z',
  pre_ts: '2026-06-01T09:20:00.000Z',
  pre_price: 82.6,
  post_ts: '2026-06-01T09:25:00.000Z',
  post_price: 81.6,
  return_bps: -122.3,
  abnormal_bps: -120,
  z: -10.4,
  pre_vol_bps: 12,
  title: 'Qatar-mediated talks reach breakthrough',
  source: 'wire',
  topics: ['mediation', 'ceasefire'],
  oil_direction: 'bearish',
  relevance: 90,
  computed_at: '2026-06-01T09:25:01.000Z',
  version: 0,
  ...over,
});

describe('headline rule', () => {
  it('fires on topic, relevance and |z| within the window', () => {
    const a = evaluateHeadlineRule(rule, impact(), 1000);
    expect(a).toMatchObject({ ruleId: 'mediation-move', kind: 'headline', symbol: 'BRENT', articleId: 'article-0001', firedAt: 1000 });
    expect(a!.alertId).toMatch(/^alr_[0-9a-f]{32}$/);
    expect(a!.data).toMatchObject({ horizon: '5m', z: -10.4, return_bps: -122.3 });
  });

  it('does not fire outside any condition', () => {
    expect(evaluateHeadlineRule(rule, impact({ topics: ['opec'] }), 0)).toBeUndefined();
    expect(evaluateHeadlineRule(rule, impact({ relevance: 59 }), 0)).toBeUndefined();
    expect(evaluateHeadlineRule(rule, impact({ z: 1.99 }), 0)).toBeUndefined();
    expect(evaluateHeadlineRule(rule, impact({ z: null }), 0)).toBeUndefined();
    expect(evaluateHeadlineRule(rule, impact({ horizon: '30m', horizon_seconds: 1800 }), 0)).toBeUndefined();
    expect(evaluateHeadlineRule({ ...rule, symbols: ['WTI'] }, impact(), 0)).toBeUndefined();
  });

  it('gives one id per rule, article and symbol, whatever the horizon or the time of evaluation', () => {
    const a = evaluateHeadlineRule(rule, impact({ horizon: '1m', horizon_seconds: 60 }), 1)!;
    const b = evaluateHeadlineRule(rule, impact(), 2)!;
    expect(a.alertId).toBe(b.alertId);
    expect(evaluateHeadlineRule(rule, impact({ article_id: 'article-0002' }), 1)!.alertId).not.toBe(a.alertId);
    expect(evaluateHeadlineRules([rule, { ...rule, id: 'other' }], impact(), 1)).toHaveLength(2);
  });

  it('can fire on an absolute move instead of z', () => {
    const bpsRule = { ...rule, minAbsZ: 0, minAbsBps: 100 };
    expect(evaluateHeadlineRule(bpsRule, impact({ z: null }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(bpsRule, impact({ z: null, return_bps: 50 }), 0)).toBeUndefined();
  });
});

describe('unexplained move rule', () => {
  const moveRule = alertRuleSchema.parse({ id: 'unexplained', kind: 'unexplained_move', symbol: 'BRENT', minMoveBps: 50, windowSec: 60, lookbackMinutes: 15, graceAfterSec: 60, maxWaitSec: 120, cooldownSec: 300 }) as UnexplainedMoveRule;
  const T = Date.parse('2026-06-01T10:00:00Z');
  const tape = (d: UnexplainedMoveDetector, now: number, moves: [number, number][]) => {
    for (const [sec, price] of moves) d.onTick('BRENT', T + sec * 1000, price, now);
  };

  it('fires after the wait when no headline explains a move', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [10, 80.1], [20, 80.2], [30, 80.6]]);
    expect(d.pending).toBe(1);
    expect(d.due(119_999)).toEqual([]);
    const [a] = d.due(120_000);
    expect(a).toMatchObject({ kind: 'unexplained_move', symbol: 'BRENT', articleId: null, eventTs: T + 30_000 });
    expect(a.data.move_bps).toBeCloseTo(75, 0);
    expect(a.title).toMatch(/BRENT moved \+75 bps in 30 s with no headline/);
    expect(d.pending).toBe(0);
  });

  it('drops a move a headline explains, even one that arrives later and out of order', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [30, 79.5]]);
    d.onHeadline(T + 3 * 3_600_000);
    expect(d.due(1)).toEqual([]);
    d.onHeadline(T - 5 * 60_000);
    expect(d.due(2)).toEqual([]);
    expect(d.pending).toBe(0);
    expect(d.due(1_000_000)).toEqual([]);
  });

  it('counts a headline shortly after the move as an explanation', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [30, 80.5]]);
    d.onHeadline(T + 80_000);
    expect(d.due(500_000)).toEqual([]);
  });

  it('ignores small moves, other symbols, and repeats within the cooldown', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 80], [30, 80.3]]);
    d.onTick('WTI', T + 40_000, 90, 0);
    expect(d.pending).toBe(0);
    tape(d, 0, [[50, 80.8], [60, 81.6], [120, 82.5]]);
    expect(d.pending).toBe(1);
    tape(d, 0, [[400, 82.5], [430, 83.5]]);
    expect(d.pending).toBe(2);
  });

  it('measures the move against the window extreme, in both directions', () => {
    const d = new UnexplainedMoveDetector(moveRule);
    tape(d, 0, [[0, 81], [10, 81.2], [20, 80.7]]);
    const [a] = d.due(200_000);
    expect(a.data.from_price).toBe(81.2);
    expect(Number(a.data.move_bps)).toBeLessThan(-50);
  });

  it('gives the same id to the same move', () => {
    const run = () => {
      const d = new UnexplainedMoveDetector(moveRule);
      tape(d, 0, [[0, 80], [30, 80.6]]);
      return d.due(1e9)[0].alertId;
    };
    expect(run()).toBe(run());
  });
});
