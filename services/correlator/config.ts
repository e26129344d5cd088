import { z } from 'zod';
import { HORIZONS, type HorizonLabel } from '../../shared/contracts/events.ts';

const horizon = z.enum(Object.keys(HORIZONS) as [HorizonLabel, ...HorizonLabel[]]);

export const correlatorConfigSchema = z.object({
  groupId: z.string().default('oilwire-correlator'),
  /** Every scored article is measured against each of these symbols. */
  symbols: z.array(z.string().min(1)).min(1).default(['BRENT']),
  horizons: z.array(horizon).min(1).default(['1m', '5m', '15m', '30m', '60m', '1d']),
  /** Pre-event windows of the horizon's length used to estimate normal volatility (z-scores). */
  volatilityWindows: z.number().int().min(2).default(20),
  /** Articles older than this relative to the price watermark are measured no more (their horizons can no longer complete). */
  maxPendingAgeHours: z.number().positive().default(24 * 14),
});
export type CorrelatorConfig = z.infer<typeof correlatorConfigSchema>;
