/**
 * Every test of one aggregate (a topic, a direction or a source at one horizon), from the
 * events in it. Pure: the study and the bench call it on rows read from the store.
 */
import { bootstrapMeanP } from './bootstrap.ts';
import { corradoRank, generalizedSign } from './nonparametric.ts';
import { bmp, kolariPynnonen, mean, overlapCorrelation, plainT, standardizedAr, type TestResult } from './parametric.ts';
import { benjaminiHochberg } from './benjamini-hochberg.ts';

export interface EventObservation {
  /** Abnormal return of the event window (bps). */
  ar: number;
  /** Standard deviation of the estimation-window returns (bps). */
  sigma: number | null;
  /** Abnormal returns of the estimation windows, newest first; their count is T. */
  estimation: readonly number[];
  /** The event window on the instrument's clock (ms), for the overlap correlation. */
  start: number;
  end: number;
}

export interface GroupTests {
  events: number;
  mean_ar_bps: number | null;
  mean_sar: number | null;
  /** Baseline: one-sample t of the raw abnormal returns. */
  t: TestResult;
  bmp: TestResult;
  /** BMP with the Kolari-Pynnonen adjustment; `r` is the mean cross-correlation used. */
  kp: TestResult & { r: number };
  rank: TestResult;
  sign: TestResult;
  bootstrap: TestResult;
}

export const P_KEYS = ['t', 'bmp', 'kp', 'rank', 'sign', 'bootstrap'] as const;
export type PKey = (typeof P_KEYS)[number];
export type QValues = Record<PKey, number | null>;

const NO_TEST = { stat: null, p: null };

export function groupTests(events: readonly EventObservation[], options: { resamples?: number; seed?: number; minEvents?: number } = {}): GroupTests {
  const ars = events.map((e) => e.ar);
  if (events.length < (options.minEvents ?? 2)) {
    const m = ars.length ? mean(ars) : null;
    const sars = events.flatMap((e) => (e.sigma === null ? [] : [standardizedAr(e.ar, e.sigma, e.estimation.length)].filter((x): x is number => x !== null)));
    return { events: events.length, mean_ar_bps: m, mean_sar: sars.length ? mean(sars) : null, t: NO_TEST, bmp: NO_TEST, kp: { ...NO_TEST, r: 0 }, rank: NO_TEST, sign: NO_TEST, bootstrap: NO_TEST };
  }
  const withSar = events.flatMap((e) => {
    const s = e.sigma === null ? null : standardizedAr(e.ar, e.sigma, e.estimation.length);
    return s === null ? [] : [{ e, s }];
  });
  const sars = withSar.map((x) => x.s);
  const r = overlapCorrelation(withSar.map((x) => ({ start: x.e.start, end: x.e.end })));
  return {
    events: events.length,
    mean_ar_bps: ars.length ? mean(ars) : null,
    mean_sar: sars.length ? mean(sars) : null,
    t: plainT(ars),
    bmp: bmp(sars),
    kp: { ...kolariPynnonen(sars, r), r },
    rank: corradoRank(events),
    sign: generalizedSign(events),
    bootstrap: bootstrapMeanP(sars, options),
  };
}

/** q-values of each test across a family of groups reported together (Benjamini-Hochberg per test). */
export function familyQValues(groups: readonly GroupTests[]): QValues[] {
  const out: QValues[] = groups.map(() => ({ t: null, bmp: null, kp: null, rank: null, sign: null, bootstrap: null }));
  for (const key of P_KEYS) {
    const q = benjaminiHochberg(groups.map((g) => g[key].p));
    q.forEach((v, i) => (out[i][key] = v));
  }
  return out;
}
