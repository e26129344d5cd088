/**
 * An alert rule kind as one component: its `kind` in `api.alerts.rules`, the strict zod schema
 * of a rule of that kind, an example rule (docs and the conformance suite parse it), the zod
 * schema of what its alerts carry, and how a parsed rule becomes an evaluator. `registry.ts` lists the kinds; `config.ts` builds its union
 * from their schemas and `alerts/alert-service.ts` feeds each evaluator what it reads.
 */
import { z } from 'zod';
import type { NewsImpact } from '../../../../shared/contracts/events.ts';
import type { Alert } from '../alert-rules.ts';

/** A rule's id: stable, it names the rule in alerts, metrics and webhook filters. */
export const ruleId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (up to 64)');

export interface AlertTick {
  symbol: string;
  tsMs: number;
  price: number;
}

/**
 * One configured rule, evaluating what the pipeline publishes. Each input is optional: the
 * alert service subscribes to a topic only for the evaluators that read it. Pure and
 * deterministic: time comes in as `nowMs`, and the same events give the same alerts (ids included).
 */
export interface AlertEvaluator {
  readonly ruleId: string;
  /** A measured move of a headline (`news.impact`): the alerts it fires at once. Redelivered batches give the same alerts again. */
  onImpact?(impact: NewsImpact, nowMs: number): Alert[];
  /** A price tick (`prices.ticks`). */
  onTick?(tick: AlertTick, nowMs: number): void;
  /** A scored headline's publication time (`news.scored`, and the stored ones at start). */
  onHeadline?(publishedMs: number): void;
  /** Alerts decided now from what `onTick`/`onHeadline` collected (also asked once a second on wall time). They exist only in memory until recorded. */
  due?(nowMs: number): Alert[];
}

export interface AlertKind<K extends string = string, S extends z.ZodType<{ id: string; kind: K }> = z.ZodType<{ id: string; kind: K }>> {
  readonly kind: K;
  readonly schema: S;
  /** A complete rule of this kind, as a user would write it in `oilwire.config.json`. */
  readonly example: z.input<S>;
  /**
   * Every field of the `data` its alerts carry, as `create`'s evaluators build it, described in one line
   * (`.describe()`): the webhook body and `/stream` JSON Schemas are generated from it (`npm run schemas`).
   */
  readonly payload: z.ZodObject;
  create(rule: z.output<S>): AlertEvaluator;
}

/** Keeps the literal kind and the schema's own type, so the registry's union stays exact. */
export function defineAlertKind<K extends string, S extends z.ZodType<{ id: string; kind: K }>>(component: AlertKind<K, S>): AlertKind<K, S> {
  return component;
}
