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
