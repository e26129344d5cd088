/**
 * Parametric event-study tests over a cross-section of events, each summarised by its
 * abnormal return and the estimation window it was measured against (the mean-adjusted
 * model: abnormal = return minus the mean return of T earlier windows of the same length).
 * Formulas and references: docs/prices-and-impact.md, "Event-study statistics".
 */
import { tTwoSided } from './distributions.ts';

export interface TestResult {
  stat: number | null;
  p: number | null;
}

const NONE: TestResult = { stat: null, p: null };

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1). */
export function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** The baseline: a one-sample t of the raw abnormal returns (what the views printed before). */
export function plainT(ars: readonly number[]): TestResult {
  if (ars.length < 2) return NONE;
  const sd = sampleSd(ars);
  if (!(sd > 0)) return NONE;
  const stat = mean(ars) / (sd / Math.sqrt(ars.length));
  return { stat, p: tTwoSided(stat, ars.length - 1) };
}

/**
 * Standardized abnormal return: the abnormal return over its forecast-error standard
 * deviation. With the mean-adjusted model the forecast error of one window has variance
 * sigma^2 (1 + 1/T) (the estimation noise of the mean adds sigma^2 / T).
 */
export function standardizedAr(ar: number, sigma: number, estimationWindows: number): number | null {
  if (!(sigma > 0) || !(estimationWindows >= 2) || !Number.isFinite(ar)) return null;
  return ar / (sigma * Math.sqrt(1 + 1 / estimationWindows));
}

/**
 * Boehmer, Musumeci and Poulsen (1991): the t of the standardized abnormal returns against
 * their own cross-sectional dispersion, robust to event-induced variance.
 */
export function bmp(sars: readonly number[]): TestResult {
  return plainT(sars);
}

/**
 * Kolari and Pynnonen (2010): BMP scaled down for the average cross-correlation r of the
 * abnormal returns, sqrt((1 - r) / (1 + (N - 1) r)). With r = 0 it is BMP; clustered events
 * (r > 0) lose significance they never had.
 */
export function kolariPynnonen(sars: readonly number[], meanCorrelation: number): TestResult {
  const base = bmp(sars);
  if (base.stat === null || !Number.isFinite(meanCorrelation)) return NONE;
  const n = sars.length;
  const r = Math.min(Math.max(meanCorrelation, -1 / (n - 1) + 1e-12), 1);
  const scale = r >= 1 ? 0 : Math.sqrt((1 - r) / (1 + (n - 1) * r));
  const stat = base.stat * scale;
  return { stat, p: tTwoSided(stat, n - 1) };
}

/**
 * Average pairwise correlation of abnormal returns measured on one instrument over windows
 * that may overlap: under serially uncorrelated returns of constant variance, the correlation
 * of the returns over [a1, b1] and [a2, b2] is their overlap over sqrt(len1 * len2). Events on
 * the same move correlate fully, events in disjoint windows not at all. This stands in for
 * Kolari-Pynnonen's estimation-period residual correlation, which for a single instrument
 * would only be its autocorrelation and miss the clustering it is meant to catch.
 */
export function overlapCorrelation(windows: readonly { start: number; end: number }[]): number {
  const n = windows.length;
  if (n < 2) return 0;
  const order = windows.map((w, i) => ({ ...w, i })).sort((a, b) => a.start - b.start);
  let sum = 0;
  // Sorted by start, the scan stops at the first window starting after this one ends.
  for (let a = 0; a < n; a++) {
    const wa = order[a];
    const la = wa.end - wa.start;
    for (let b = a + 1; b < n && order[b].start < wa.end; b++) {
      const wb = order[b];
      const lb = wb.end - wb.start;
      const overlap = Math.min(wa.end, wb.end) - wb.start;
      if (overlap > 0 && la > 0 && lb > 0) sum += overlap / Math.sqrt(la * lb);
    }
  }
  return sum / ((n * (n - 1)) / 2);
}

/**
 * The classic Kolari-Pynnonen estimate for several instruments: the mean of the pairwise
 * Pearson correlations of the events' estimation-period abnormal returns, aligned in time.
 */
export function meanResidualCorrelation(residuals: readonly (readonly number[])[]): number {
  const n = residuals.length;
  if (n < 2) return 0;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const len = Math.min(residuals[i].length, residuals[j].length);
      if (len < 3) continue;
      const x = residuals[i].slice(0, len);
      const y = residuals[j].slice(0, len);
      const mx = mean(x);
      const my = mean(y);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let k = 0; k < len; k++) {
        sxy += (x[k] - mx) * (y[k] - my);
        sxx += (x[k] - mx) ** 2;
        syy += (y[k] - my) ** 2;
      }
      if (sxx > 0 && syy > 0) {
        sum += sxy / Math.sqrt(sxx * syy);
        pairs++;
      }
    }
  }
  return pairs ? sum / pairs : 0;
}
