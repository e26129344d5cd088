import { AppError } from '../../../../shared/errors.ts';
import type { AlertEvaluator, AlertKind } from './define.ts';
import { headlineKind } from './headline.ts';
import { unexplainedMoveKind } from './unexplained-move.ts';

/**
 * Every alert rule kind `api.alerts.rules` accepts. A new kind is one file in this folder
 * exporting `defineAlertKind({ kind, schema, example, payload, create })`, listed here: `config.ts` builds
 * its union from these schemas, the alert service feeds each rule's evaluator, `payload-schemas.ts`
 * publishes each kind's payload in the webhook and stream JSON Schemas (`npm run schemas`), and
 * `test/unit/services/api/domain/alert-kinds/conformance.test.ts` runs every kind listed.
 */
export const ALERT_KINDS = [headlineKind, unexplainedMoveKind] as const;

type SchemasOf<T extends readonly unknown[]> = { [I in keyof T]: T[I] extends AlertKind<string, infer S> ? S : never };

/** Their schemas, in the same order and typed as a tuple, for `z.discriminatedUnion`. */
export const ALERT_RULE_SCHEMAS = ALERT_KINDS.map((k) => k.schema) as unknown as SchemasOf<typeof ALERT_KINDS>;

const byKind = new Map<string, AlertKind>(ALERT_KINDS.map((k) => [k.kind, k as unknown as AlertKind]));

/** The evaluator of a parsed rule (the union's parse guarantees the rule matches its kind). */
export function createEvaluator(rule: { id: string; kind: string }): AlertEvaluator {
  const component = byKind.get(rule.kind);
  if (!component) throw new AppError('CONFIG_INVALID', `no alert rule of kind ${rule.kind}: known kinds are ${[...byKind.keys()].join(', ')}`);
  return component.create(rule);
}
