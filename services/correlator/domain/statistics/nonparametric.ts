/**
 * Nonparametric event-study tests: they ask whether event-window abnormal returns rank high
 * or are positive more often than the same instrument's estimation windows, without assuming
 * normal returns. References: Corrado (1989), Corrado and Zivney (1992), Cowan (1992).
 */
import { normalTwoSided } from './distributions.ts';
import type { TestResult } from './parametric.ts';

export interface RankedEvent {
  /** Event-window abnormal return. */
  ar: number;
  /** Abnormal returns of the estimation windows, newest first (index 0 is the window just before the event). */
  estimation: readonly number[];
}

/** Mid-ranks (1-based; tied values share the mean of the ranks they span). */
export function midRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  for (let a = 0; a < order.length; ) {
    let b = a;
    while (b + 1 < order.length && order[b + 1].v === order[a].v) b++;
    const rank = (a + b) / 2 + 1;
    for (let k = a; k <= b; k++) ranks[order[k].i] = rank;
    a = b + 1;
  }
  return ranks;
}

/**
 * Corrado's rank test with Corrado-Zivney standardized ranks U = K / (M + 1), M the
 * event's estimation windows plus the event window: T = mean_i(U_i0 - 1/2) / S, where S^2 is
 * the mean over relative periods t of (mean_i(U_it - 1/2))^2. Mid-ranks keep ties fair.
 */
export function corradoRank(events: readonly RankedEvent[]): TestResult {
  const usable = events.filter((e) => e.estimation.length >= 2);
  if (usable.length < 1) return { stat: null, p: null };
  // Period 0 is the event window, period k >= 1 the k-th estimation window before it.
  const sums: number[] = [];
  const counts: number[] = [];
  for (const e of usable) {
    const all = [e.ar, ...e.estimation];
    const ranks = midRanks(all);
    const m = all.length;
    for (let t = 0; t < m; t++) {
      sums[t] = (sums[t] ?? 0) + (ranks[t] / (m + 1) - 0.5);
      counts[t] = (counts[t] ?? 0) + 1;
    }
  }
  let s2 = 0;
  for (let t = 0; t < sums.length; t++) s2 += (sums[t] / counts[t]) ** 2;
  s2 /= sums.length;
  const s = Math.sqrt(s2);
  if (!(s > 0)) return { stat: null, p: null };
  const stat = sums[0] / counts[0] / s;
  return { stat, p: normalTwoSided(stat) };
}

/**
 * Cowan's generalized sign test: the number of positive event-window abnormal returns
 * against the share of positive ones in the estimation windows (not against one half, so a
 * drifting or skewed instrument is not a signal): Z = (w - N p) / sqrt(N p (1 - p)).
 */
export function generalizedSign(events: readonly RankedEvent[]): TestResult {
  const usable = events.filter((e) => e.estimation.length >= 1);
  const n = usable.length;
  if (n < 1) return { stat: null, p: null };
  let pHat = 0;
  let w = 0;
  for (const e of usable) {
    pHat += e.estimation.filter((x) => x > 0).length / e.estimation.length;
    if (e.ar > 0) w++;
  }
  pHat /= n;
  if (!(pHat > 0 && pHat < 1)) return { stat: null, p: null };
  const stat = (w - n * pHat) / Math.sqrt(n * pHat * (1 - pHat));
  return { stat, p: normalTwoSided(stat) };
}
