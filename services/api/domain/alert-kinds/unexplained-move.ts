/**
 * `unexplained_move`: watches ticks for a move of N bps within a window and fires only if no
 * headline near that time explains it.
 */
import { z } from 'zod';
import { alertId, round, type Alert } from '../alert-rules.ts';
import { defineAlertKind, ruleId } from './define.ts';
import { toIso } from '../../../../shared/contracts/time.ts';

const schema = z.strictObject({
  id: ruleId,
  kind: z.literal('unexplained_move'),
  symbol: z.string().min(1).default('BRENT'),
  /** Move (either way) within `windowSec` that trips the rule. */
  minMoveBps: z.number().positive().default(50),
  windowSec: z.number().positive().default(60),
  /** A headline published this long before the move (or `graceAfterSec` after it) explains it. */
  lookbackMinutes: z.number().nonnegative().default(15),
  graceAfterSec: z.number().nonnegative().default(60),
  /** Longest wait, in wall time, for explaining headlines to arrive before the alert fires anyway. */
  maxWaitSec: z.number().nonnegative().default(120),
  /** No second alert for the same symbol until the move is this old (event time). */
  cooldownSec: z.number().nonnegative().default(300),
});

export type UnexplainedMoveRule = z.output<typeof schema>;

interface Candidate {
  fromTs: number;
  fromPrice: number;
  toTs: number;
  toPrice: number;
  moveBps: number;
  seenAt: number;
}

/** Sliding-window extremes with monotonic deques: O(1) amortised per tick whatever the tick rate. */
class WindowExtremes {
  private readonly mins: { ts: number; price: number }[] = [];
  private readonly maxs: { ts: number; price: number }[] = [];
  add(ts: number, price: number, windowMs: number): void {
    while (this.mins.length && this.mins[this.mins.length - 1].price >= price) this.mins.pop();
    this.mins.push({ ts, price });
    while (this.maxs.length && this.maxs[this.maxs.length - 1].price <= price) this.maxs.pop();
    this.maxs.push({ ts, price });
    while (this.mins.length && this.mins[0].ts < ts - windowMs) this.mins.shift();
    while (this.maxs.length && this.maxs[0].ts < ts - windowMs) this.maxs.shift();
  }
  get min() {
    return this.mins[0];
  }
  get max() {
    return this.maxs[0];
  }
}

/**
 * One unexplained-move rule. Ticks and headlines arrive on different topics and
 * partitions in any order (a later headline can overtake an earlier one), so a move is
 * dropped as soon as a known headline explains it, and becomes an alert only after
 * `maxWaitSec` of wall time passed with none arriving.
 */
export class UnexplainedMoveDetector {
  private readonly window = new WindowExtremes();
  private lastTickTs = -Infinity;
  private lastFiredTs = -Infinity;
  private readonly candidates: Candidate[] = [];
  /** Publication times of known headlines, ascending. */
  private readonly headlines: number[] = [];

  constructor(readonly rule: UnexplainedMoveRule) {}

  onTick(symbol: string, tsMs: number, price: number, nowMs: number): void {
    if (symbol !== this.rule.symbol || tsMs < this.lastTickTs) return;
    this.lastTickTs = tsMs;
    const windowMs = this.rule.windowSec * 1000;
    this.window.add(tsMs, price, windowMs);
    if (tsMs - this.lastFiredTs < this.rule.cooldownSec * 1000) return;
    const lo = this.window.min;
    const hi = this.window.max;
    const up = lo && lo.ts <= tsMs ? (price / lo.price - 1) * 1e4 : 0;
    const down = hi && hi.ts <= tsMs ? (price / hi.price - 1) * 1e4 : 0;
    const [ref, move] = Math.abs(up) >= Math.abs(down) ? [lo, up] : [hi, down];
    if (!ref || Math.abs(move) < this.rule.minMoveBps) return;
    this.lastFiredTs = tsMs;
    this.candidates.push({ fromTs: ref.ts, fromPrice: ref.price, toTs: tsMs, toPrice: price, moveBps: move, seenAt: nowMs });
  }

  onHeadline(publishedMs: number): void {
    let lo = 0;
    let hi = this.headlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.headlines[mid] < publishedMs) lo = mid + 1;
      else hi = mid;
    }
    this.headlines.splice(lo, 0, publishedMs);
    // Headlines far behind the tape cannot explain anything still to come.
    const keepFrom = this.lastTickTs - (this.rule.lookbackMinutes * 60 + this.rule.windowSec + 86_400) * 1000;
    let drop = 0;
    while (drop < this.headlines.length - 1 && this.headlines[drop] < keepFrom) drop++;
    if (drop > 0) this.headlines.splice(0, drop);
  }

  private explained(c: Candidate): boolean {
    const from = c.fromTs - this.rule.lookbackMinutes * 60_000;
    const to = c.toTs + this.rule.graceAfterSec * 1000;
    return this.headlines.some((h) => h >= from && h <= to);
  }

  get pending(): number {
    return this.candidates.length;
  }

  /** Candidates that can be decided now: returns the alerts among them and forgets the rest. */
  due(nowMs: number): Alert[] {
    const out: Alert[] = [];
    for (let i = 0; i < this.candidates.length; ) {
      const c = this.candidates[i];
      const waitedEnough = nowMs - c.seenAt >= this.rule.maxWaitSec * 1000;
      if (!waitedEnough && !this.explained(c)) {
        i++;
        continue;
      }
      this.candidates.splice(i, 1);
      if (this.explained(c)) continue;
      out.push({
        alertId: alertId(this.rule.id, this.rule.symbol, String(c.toTs)),
        ruleId: this.rule.id,
        kind: 'unexplained_move',
        symbol: this.rule.symbol,
        eventTs: c.toTs,
        firedAt: nowMs,
        articleId: null,
        title: `${this.rule.symbol} moved ${c.moveBps > 0 ? '+' : ''}${round(c.moveBps, 1)} bps in ${round((c.toTs - c.fromTs) / 1000, 0)} s with no headline`,
        data: {
          symbol: this.rule.symbol,
          from_ts: toIso(c.fromTs),
          to_ts: toIso(c.toTs),
          from_price: c.fromPrice,
          to_price: c.toPrice,
          move_bps: round(c.moveBps),
          window_sec: this.rule.windowSec,
          lookback_minutes: this.rule.lookbackMinutes,
        },
      });
    }
    return out;
  }
}

export const unexplainedMoveKind = defineAlertKind({
  kind: 'unexplained_move',
  schema,
  example: { id: 'unexplained-move', kind: 'unexplained_move', symbol: 'BRENT', minMoveBps: 50, windowSec: 60 },
  payload: z
    .object({
      symbol: z.string(),
      from_ts: z.iso.datetime(),
      to_ts: z.iso.datetime(),
      from_price: z.number(),
      to_price: z.number(),
      move_bps: z.number(),
      window_sec: z.number(),
      lookback_minutes: z.number(),
    })
    .describe('the price moved with no headline to explain it'),
  create: (rule) => {
    const detector = new UnexplainedMoveDetector(rule);
    return {
      ruleId: rule.id,
      onTick: (t, nowMs) => detector.onTick(t.symbol, t.tsMs, t.price, nowMs),
      onHeadline: (publishedMs) => detector.onHeadline(publishedMs),
      due: (nowMs) => detector.due(nowMs),
    };
  },
});
