export const TICK_REJECTIONS = ['non_finite_price', 'non_positive_price', 'absurd_price', 'absurd_jump', 'bad_timestamp', 'bad_size', 'duplicate'] as const;
export type TickRejection = (typeof TICK_REJECTIONS)[number];

export interface TickValidator {
  /** Returns the reason a tick is rejected, or null when it is accepted (and remembered). */
  check(tick: { symbol: string; ts: number; price: number; size: number | null; seq?: number }): TickRejection | null;
  /** Rejections so far by reason. */
  readonly rejected: Readonly<Record<TickRejection, number>>;
}

/** Crude oil has never traded above a few hundred dollars; anything past this bound is a feed error, not a price. */
export const MAX_PLAUSIBLE_PRICE = 10_000;
const MIN_TS = Date.UTC(1970, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);

export interface ValidatorOptions {
  /** A tick moving more than this fraction from the previous accepted one is rejected as absurd. */
  maxJumpFraction: number;
  /** Identities remembered for duplicate detection (the oldest are forgotten first). */
  rememberIdentities?: number;
  /**
   * Consecutive absurd-jump rejections that agree with each other after which the new level
   * is believed: one bad first tick must not make every good tick after it look absurd.
   */
  reanchorAfter?: number;
}

/**
 * Rejects what cannot be a Brent price, each with a counted reason. A tick seen before
 * (same symbol, ts and seq) is a `duplicate`: the first one wins, so a feed that repeats
 * itself after a reconnect changes nothing downstream.
 */
export function createTickValidator(options: ValidatorOptions): TickValidator {
  const last = new Map<string, number>();
  const suspect = new Map<string, { price: number; count: number }>();
  const seen = new Set<string>();
  const remember = options.rememberIdentities ?? 200_000;
  const reanchorAfter = options.reanchorAfter ?? 3;
  const rejected = Object.fromEntries(TICK_REJECTIONS.map((r) => [r, 0])) as Record<TickRejection, number>;

  function reason(tick: { symbol: string; ts: number; price: number; size: number | null; seq?: number }): TickRejection | null {
    if (!Number.isFinite(tick.ts) || tick.ts < MIN_TS || tick.ts > MAX_TS) return 'bad_timestamp';
    if (!Number.isFinite(tick.price)) return 'non_finite_price';
    if (tick.price <= 0) return 'non_positive_price';
    if (tick.price > MAX_PLAUSIBLE_PRICE) return 'absurd_price';
    if (tick.size !== null && (!Number.isFinite(tick.size) || tick.size < 0)) return 'bad_size';
    const id = `${tick.symbol}|${tick.ts}|${tick.seq ?? 0}`;
    if (seen.has(id)) return 'duplicate';
    const prev = last.get(tick.symbol);
    if (prev !== undefined && Math.abs(tick.price / prev - 1) > options.maxJumpFraction) {
      const s = suspect.get(tick.symbol);
      const agrees = s !== undefined && Math.abs(tick.price / s.price - 1) <= options.maxJumpFraction;
      const count = agrees ? s.count + 1 : 1;
      if (count < reanchorAfter) {
        suspect.set(tick.symbol, { price: tick.price, count });
        return 'absurd_jump';
      }
    }
    suspect.delete(tick.symbol);
    seen.add(id);
    if (seen.size > remember) seen.delete(seen.values().next().value as string);
    last.set(tick.symbol, tick.price);
    return null;
  }

  return {
    rejected,
    check(tick) {
      const r = reason(tick);
      if (r) rejected[r]++;
      return r;
    },
  };
}
