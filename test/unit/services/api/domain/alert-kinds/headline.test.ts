import { describe, expect, it } from 'vitest';
import { evaluateHeadlineRule, headlineKind } from '../../../../../../services/api/domain/alert-kinds/headline.ts';
import { newsImpact as impact } from '../../../../../helpers/news-impact.ts';

const rule = headlineKind.schema.parse({ id: 'mediation-move', kind: 'headline', topics: ['mediation', 'ceasefire'], minRelevance: 60, minAbsZ: 2, withinMinutes: 15 });

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
  });

  it('fires at each threshold itself: the last horizon of the window, the least relevance, the least |z| and bps', () => {
    expect(evaluateHeadlineRule(rule, impact({ horizon: '15m', horizon_seconds: 900 }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(rule, impact({ horizon_seconds: 901 }), 0)).toBeUndefined();
    expect(evaluateHeadlineRule(rule, impact({ relevance: 60 }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(rule, impact({ z: 2 }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(rule, impact({ z: -2 }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(rule, impact({ z: -1.99 }), 0)).toBeUndefined();
    const bpsRule = { ...rule, minAbsZ: 0, minAbsBps: 100 };
    expect(evaluateHeadlineRule(bpsRule, impact({ return_bps: -100 }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(bpsRule, impact({ return_bps: 99.9 }), 0)).toBeUndefined();
  });

  it('matches any one of its topics and any one of its symbols; empty lists match all', () => {
    expect(evaluateHeadlineRule(rule, impact({ topics: ['opec', 'ceasefire'] }), 0)).toBeDefined();
    expect(evaluateHeadlineRule({ ...rule, topics: [] }, impact({ topics: ['opec'] }), 0)).toBeDefined();
    expect(evaluateHeadlineRule({ ...rule, symbols: ['WTI', 'BRENT'] }, impact(), 0)).toMatchObject({ symbol: 'BRENT' });
    expect(evaluateHeadlineRule(rule, impact({ symbol: 'WTI' }), 0)).toMatchObject({ symbol: 'WTI' });
  });

  it('with no threshold at all, fires on any measured move but not on one without a z', () => {
    const anyMove = { ...rule, minAbsZ: 0, minAbsBps: 0 };
    expect(evaluateHeadlineRule(anyMove, impact({ z: 0.1, return_bps: 1 }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(anyMove, impact({ z: null }), 0)).toBeUndefined();
  });

  it('carries the whole measurement in its data, figures rounded to 2 decimals, missing ones as null', () => {
    const a = evaluateHeadlineRule(rule, impact({ return_bps: -122.3456, abnormal_bps: -120.004, z: -10.456 }), 7)!;
    expect(a).toEqual({
      alertId: a.alertId,
      ruleId: 'mediation-move',
      kind: 'headline',
      symbol: 'BRENT',
      eventTs: Date.parse('2026-06-01T09:20:00.000Z'),
      firedAt: 7,
      articleId: 'article-0001',
      title: 'Qatar-mediated talks reach breakthrough',
      data: {
        article_id: 'article-0001',
        title: 'Qatar-mediated talks reach breakthrough',
        source: 'wire',
        topics: ['mediation', 'ceasefire'],
        oil_direction: 'bearish',
        relevance: 90,
        published_at: '2026-06-01T09:20:00.000Z',
        symbol: 'BRENT',
        horizon: '5m',
        return_bps: -122.35,
        abnormal_bps: -120,
        z: -10.46,
        pre_price: 82.6,
        post_price: 81.6,
        pre_ts: '2026-06-01T09:20:00.000Z',
        post_ts: '2026-06-01T09:25:00.000Z',
      },
    });
    const bare = evaluateHeadlineRule({ ...rule, minAbsZ: 0, minAbsBps: 100 }, impact({ abnormal_bps: null, z: null }), 7)!;
    expect(bare.data).toMatchObject({ abnormal_bps: null, z: null, return_bps: -122.3 });
  });

  it('can fire on an absolute move instead of z', () => {
    const bpsRule = { ...rule, minAbsZ: 0, minAbsBps: 100 };
    expect(evaluateHeadlineRule(bpsRule, impact({ z: null }), 0)).toBeDefined();
    expect(evaluateHeadlineRule(bpsRule, impact({ z: null, return_bps: 50 }), 0)).toBeUndefined();
  });
});

describe('headline kind', () => {
  it('fills the defaults of a bare rule, and its evaluator fires what the rule fires, under each rule\'s own id', () => {
    expect(headlineKind.schema.parse({ id: 'bare', kind: 'headline' })).toEqual({ id: 'bare', kind: 'headline', topics: [], minRelevance: 60, minAbsZ: 2, minAbsBps: 0, withinMinutes: 15, symbols: [] });
    const one = headlineKind.create(rule).onImpact!(impact(), 1);
    const other = headlineKind.create({ ...rule, id: 'other' }).onImpact!(impact(), 1);
    expect(one).toEqual([evaluateHeadlineRule(rule, impact(), 1)]);
    expect(other).toHaveLength(1);
    expect(other[0].alertId).not.toBe(one[0].alertId);
    expect(headlineKind.create(rule).onImpact!(impact({ relevance: 10 }), 1)).toEqual([]);
  });
});
