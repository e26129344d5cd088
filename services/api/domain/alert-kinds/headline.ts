/**
 * `headline`: looks at each `news.impact` row: the right topics, enough relevance, and a large
 * enough move (|z| or bps) at a horizon within the rule's window.
 */
import { z } from 'zod';
import { newsImpactV1, topicName, type NewsImpact } from '../../../../shared/contracts/events.ts';
import { alertId, round, type Alert } from '../alert-rules.ts';
import { defineAlertKind, ruleId } from './define.ts';
import { toMs } from '../../../../shared/contracts/time.ts';

const schema = z.strictObject({
  id: ruleId,
  kind: z.literal('headline'),
  /** Fires when the headline carries any of these topics (empty: any topic). */
  topics: z.array(topicName).default([]),
  minRelevance: z.number().min(0).max(100).default(60),
  /** |z| of the measured move at some horizon within `withinMinutes`. */
  minAbsZ: z.number().nonnegative().default(2),
  /** Alternatively (or with minAbsZ 0) an absolute move in basis points. */
  minAbsBps: z.number().nonnegative().default(0),
  withinMinutes: z.number().positive().default(15),
  /** Symbols this rule watches (empty: all). */
  symbols: z.array(z.string().min(1)).default([]),
});

export type HeadlineRule = z.output<typeof schema>;

export function evaluateHeadlineRule(rule: HeadlineRule, impact: NewsImpact, nowMs: number): Alert | undefined {
  if (impact.horizon_seconds > rule.withinMinutes * 60) return undefined;
  if (rule.symbols.length > 0 && !rule.symbols.includes(impact.symbol)) return undefined;
  if (rule.topics.length > 0 && !impact.topics.some((t) => rule.topics.includes(t))) return undefined;
  if (impact.relevance < rule.minRelevance) return undefined;
  if (rule.minAbsZ > 0 && (impact.z === null || Math.abs(impact.z) < rule.minAbsZ)) return undefined;
  if (rule.minAbsBps > 0 && Math.abs(impact.return_bps) < rule.minAbsBps) return undefined;
  if (rule.minAbsZ === 0 && rule.minAbsBps === 0 && impact.z === null) return undefined;
  return {
    // One alert per rule, article and symbol: the first horizon that trips it speaks for the article.
    alertId: alertId(rule.id, impact.article_id, impact.symbol),
    ruleId: rule.id,
    kind: 'headline',
    symbol: impact.symbol,
    eventTs: toMs(impact.published_at),
    firedAt: nowMs,
    articleId: impact.article_id,
    title: impact.title,
    data: {
      article_id: impact.article_id,
      title: impact.title,
      source: impact.source,
      topics: impact.topics,
      oil_direction: impact.oil_direction,
      relevance: impact.relevance,
      published_at: impact.published_at,
      symbol: impact.symbol,
      horizon: impact.horizon,
      return_bps: round(impact.return_bps),
      abnormal_bps: impact.abnormal_bps === null ? null : round(impact.abnormal_bps),
      z: impact.z === null ? null : round(impact.z),
      pre_price: impact.pre_price,
      post_price: impact.post_price,
      pre_ts: impact.pre_ts,
      post_ts: impact.post_ts,
    },
  };
}

export const headlineKind = defineAlertKind({
  kind: 'headline',
  schema,
  example: { id: 'mediation-move', kind: 'headline', topics: ['mediation', 'ceasefire'], minRelevance: 60, minAbsZ: 2, withinMinutes: 15 },
  // The impact's own fields, so the published payload schema follows the news.impact contract.
  payload: newsImpactV1
    .pick({ article_id: true, title: true, source: true, topics: true, oil_direction: true, relevance: true, published_at: true, symbol: true, horizon: true, return_bps: true, abnormal_bps: true, z: true, pre_price: true, post_price: true, pre_ts: true, post_ts: true })
    .describe('a headline whose measured move matched a rule'),
  create: (rule) => ({
    ruleId: rule.id,
    onImpact: (impact, nowMs) => {
      const alert = evaluateHeadlineRule(rule, impact, nowMs);
      return alert ? [alert] : [];
    },
  }),
});
