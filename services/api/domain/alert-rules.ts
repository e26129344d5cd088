/**
 * Alert rules, evaluated on what the pipeline publishes. A headline rule looks at each
 * `news.impact` row: the right topics, enough relevance, and a large enough move (|z| or
 * bps) at a horizon within the rule's window. An unexplained-move rule watches ticks for
 * a move of N bps within a window and fires only if no headline near that time explains
 * it. Alert ids are derived from what triggered them, so evaluating the same events again
 * (a redelivered batch, a restart) yields the same ids and the outbox drops the repeats.
 */
import { createHash } from 'node:crypto';
import type { NewsImpact } from '../../../shared/contracts/events.ts';

// The rules as the domain reads them; config.ts's zod schemas parse into these shapes (the
// domain never imports the config, so the compiler checks the fit where main.ts passes them in).
export interface HeadlineRule {
  id: string;
  kind: 'headline';
  topics: readonly string[];
  minRelevance: number;
  minAbsZ: number;
  minAbsBps: number;
  withinMinutes: number;
  symbols: readonly string[];
}

export interface UnexplainedMoveRule {
  id: string;
  kind: 'unexplained_move';
  symbol: string;
  minMoveBps: number;
  windowSec: number;
  lookbackMinutes: number;
  graceAfterSec: number;
  maxWaitSec: number;
  cooldownSec: number;
}

export interface Alert {
  alertId: string;
  ruleId: string;
  kind: 'headline' | 'unexplained_move';
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

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

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
    eventTs: Date.parse(impact.published_at),
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

export function evaluateHeadlineRules(rules: HeadlineRule[], impact: NewsImpact, nowMs: number): Alert[] {
  return rules.map((r) => evaluateHeadlineRule(r, impact, nowMs)).filter((a): a is Alert => a !== undefined);
}

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
          from_ts: new Date(c.fromTs).toISOString(),
          to_ts: new Date(c.toTs).toISOString(),
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
