import { DEFAULT_TICK_TIME_RULE, tickTimeVerdict, type TickTimeRule } from '../../../shared/contracts/tick-time.ts';

export const TICK_REJECTIONS = ['non_finite_price', 'non_positive_price', 'absurd_price', 'bad_timestamp', 'future_timestamp', 'too_old', 'bad_size', 'duplicate'] as const;
export type TickRejection = (typeof TICK_REJECTIONS)[number];

/**
 * Why a tick went to quarantine instead of the bus: `reverted_spike`, a jump the next tick
 * undid at once; `unconfirmed_jump`, a jump still waiting for a next tick when its source ended.
 */
export const QUARANTINE_REASONS = ['reverted_spike', 'unconfirmed_jump'] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export interface CheckedTick {
  symbol: string;
  ts: number;
  price: number;
  size: number | null;
  seq?: number;
}

export interface Quarantined<T> {
  tick: T;
  reason: QuarantineReason;
  /** The accepted price the jump was measured from. */
  anchor: number;
}

/** What a tick (or the end of a source) released: ticks to publish in order, ticks to quarantine, and this tick's rejection. */
export interface Verdict<T> {
  accepted: T[];
  quarantined: Quarantined<T>[];
  rejected: TickRejection | null;
}

export interface TickValidator<T extends CheckedTick = CheckedTick> {
  /**
   * Judges one tick. A tick that jumps more than `maxJumpFraction` from the last accepted price
   * is provisional: it is released (confirmed) or quarantined (reverted) by the next tick of
   * its symbol, so `accepted` may hold the previous tick, this one, both or neither.
   */
  push(tick: T): Verdict<T>;
  /** The source ended: provisional ticks nothing confirmed go to quarantine. */
  end(): Verdict<T>;
  /** Rejections so far by reason. */
  readonly rejected: Readonly<Record<TickRejection, number>>;
  readonly quarantined: Readonly<Record<QuarantineReason, number>>;
}

/** Crude oil has never traded above a few hundred dollars; anything past this bound is a feed error, not a price. */
export const MAX_PLAUSIBLE_PRICE = 10_000;

export interface ValidatorOptions {
  /** A move larger than this fraction from the last accepted price is provisional until the next tick. */
  maxJumpFraction: number;
  /**
   * A provisional jump is a reverted spike when the next tick is back within this share of
   * the jump (in log terms) from the price before it: 0.25 means it undid at least 75%.
   */
  revertShare?: number;
  /** Identities remembered for duplicate detection (the oldest are forgotten first). */
  rememberIdentities?: number;
  /** The injected clock: ticks too far ahead of it are `future_timestamp`. */
  now: () => number;
  /** Future tolerance and oldest plausible tick (default: 60 s, 1983-01-01). */
  time?: TickTimeRule;
}

/**
 * Rejects what cannot be a Brent price, each with a counted reason, and keeps real markets:
 * a large move is held until the next tick says whether it was real (April 2020's EIA Brent
 * closes 17.36 -> 9.12 -> 13.77 are all confirmed) or a lone spike (80 -> 800 -> 80.1: the 800
 * is quarantined, never silently dropped). A tick seen before (same symbol, ts and seq) is a
 * `duplicate`: the first one wins, so a feed that repeats itself after a reconnect changes
 * nothing downstream.
 */
export function createTickValidator<T extends CheckedTick>(options: ValidatorOptions): TickValidator<T> {
  const last = new Map<string, number>();
  const held = new Map<string, { tick: T; anchor: number }>();
  const seen = new Set<string>();
  const remember = options.rememberIdentities ?? 200_000;
  const revertShare = options.revertShare ?? 0.25;
  const rule = options.time ?? DEFAULT_TICK_TIME_RULE;
  const rejected = Object.fromEntries(TICK_REJECTIONS.map((r) => [r, 0])) as Record<TickRejection, number>;
  const quarantined = Object.fromEntries(QUARANTINE_REASONS.map((r) => [r, 0])) as Record<QuarantineReason, number>;

  function reason(tick: T): TickRejection | null {
    const when = tickTimeVerdict(tick.ts, options.now(), rule);
    if (when !== 'ok') return when;
    if (!Number.isFinite(tick.price)) return 'non_finite_price';
    if (tick.price <= 0) return 'non_positive_price';
    if (tick.price > MAX_PLAUSIBLE_PRICE) return 'absurd_price';
    if (tick.size !== null && (!Number.isFinite(tick.size) || tick.size < 0)) return 'bad_size';
    if (seen.has(identity(tick))) return 'duplicate';
    return null;
  }

  const identity = (t: T) => `${t.symbol}|${t.ts}|${t.seq ?? 0}`;

  function quarantine(out: Verdict<T>, h: { tick: T; anchor: number }, why: QuarantineReason): void {
    quarantined[why]++;
    out.quarantined.push({ tick: h.tick, reason: why, anchor: h.anchor });
  }

  return {
    rejected,
    quarantined,
    push(tick) {
      const out: Verdict<T> = { accepted: [], quarantined: [], rejected: reason(tick) };
      if (out.rejected) {
        rejected[out.rejected]++;
        return out;
      }
      seen.add(identity(tick));
      if (seen.size > remember) seen.delete(seen.values().next().value as string);
      const h = held.get(tick.symbol);
      if (h) {
        held.delete(tick.symbol);
        const jump = Math.abs(Math.log(h.tick.price / h.anchor));
        const back = Math.abs(Math.log(tick.price / h.anchor));
        if (back <= revertShare * jump) quarantine(out, h, 'reverted_spike');
        else {
          out.accepted.push(h.tick);
          last.set(tick.symbol, h.tick.price);
        }
      }
      const prev = last.get(tick.symbol);
      if (prev !== undefined && Math.abs(tick.price / prev - 1) > options.maxJumpFraction) held.set(tick.symbol, { tick, anchor: prev });
      else {
        out.accepted.push(tick);
        last.set(tick.symbol, tick.price);
      }
      return out;
    },
    end() {
      const out: Verdict<T> = { accepted: [], quarantined: [], rejected: null };
      for (const h of held.values()) quarantine(out, h, 'unconfirmed_jump');
      held.clear();
      return out;
    },
  };
}
