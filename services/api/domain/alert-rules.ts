/**
 * Alerts, as every rule kind fires them. The kinds themselves (their config schema and their
 * evaluation) are one file each in `alert-kinds/`, listed in `alert-kinds/registry.ts`. Alert ids
 * are derived from what triggered them, so evaluating the same events again (a redelivered
 * batch, a restart) yields the same ids and the outbox drops the repeats.
 */
import { createHash } from 'node:crypto';

export interface Alert {
  alertId: string;
  ruleId: string;
  /** The rule's kind (`alert-kinds/registry.ts`): `headline`, `unexplained_move`. */
  kind: string;
  symbol: string;
  /** When the triggering event happened (publication, or the end of the move). */
  eventTs: number;
  firedAt: number;
  articleId: string | null;
  title: string;
  data: Record<string, unknown>;
}

export function alertId(...parts: string[]): string {
  return 'alr_' + createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Figures in an alert's data: a webhook receiver gets 2 decimals, not the float's noise. */
export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
