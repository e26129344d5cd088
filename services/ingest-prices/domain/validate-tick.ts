export type TickRejection = 'non_finite_price' | 'non_positive_price' | 'absurd_price' | 'absurd_jump' | 'bad_timestamp' | 'bad_size';

export interface TickValidator {
  /** Returns the reason a tick is rejected, or null when it is accepted. */
  check(tick: { symbol: string; ts: number; price: number; size: number | null }): TickRejection | null;
}

/** Crude oil has never traded above a few hundred dollars; anything past this bound is a feed error, not a price. */
export const MAX_PLAUSIBLE_PRICE = 10_000;

export function createTickValidator(options: { maxJumpFraction: number }): TickValidator {
  const last = new Map<string, number>();
  return {
    check(tick) {
      if (!Number.isFinite(tick.ts)) return 'bad_timestamp';
      if (!Number.isFinite(tick.price)) return 'non_finite_price';
      if (tick.price <= 0) return 'non_positive_price';
      if (tick.price > MAX_PLAUSIBLE_PRICE) return 'absurd_price';
      if (tick.size !== null && (!Number.isFinite(tick.size) || tick.size < 0)) return 'bad_size';
      const prev = last.get(tick.symbol);
      if (prev !== undefined && Math.abs(tick.price / prev - 1) > options.maxJumpFraction) return 'absurd_jump';
      last.set(tick.symbol, tick.price);
      return null;
    },
  };
}
